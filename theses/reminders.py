"""Theses' reminder source: milestones due, one reminder to each student who has not handed in."""

from datetime import timedelta

from core.links import absolute_url
from notifications.registry import ReminderMessage, register_reminder_source


def register():
    from .models import Milestone

    # One source per milestone kind, each yielding a student's published
    # assignment: the engine keys "sent once" on (source, object, offset), and
    # each student gets their own mail (never a shared To line).
    for kind, label in Milestone.Kind.choices:
        register_reminder_source(
            f"theses.milestone-due.{kind}",
            label=f"Thesis milestone due: {label}",
            purpose="theses.milestone_reminder",
            offsets=(timedelta(days=7), timedelta(days=1)),
            due_between=_due_between(kind),
            message=_message(kind),
        )


def _due_between(kind):
    def due_between(start, end):
        from .models import Assignment, Milestone

        for milestone in Milestone.objects.filter(kind=kind, due_at__gt=start, due_at__lte=end):
            done = milestone.submissions.values_list("student_id", flat=True)
            for assignment in (Assignment.objects.filter(run__round_id=milestone.round_id,
                                                         run__published_at__isnull=False)
                               .exclude(student_id__in=done).order_by("pk")):
                yield assignment, milestone.due_at

    return due_between


def _message(kind):
    def message(assignment, offset):
        """None when the student has handed in since the reminder was planned."""
        from django.utils import timezone

        from .models import Milestone

        milestone = Milestone.objects.filter(round_id=assignment.run.round_id, kind=kind).first()
        if milestone is None or milestone.submissions.filter(student_id=assignment.student_id).exists():
            return None
        due = timezone.localtime(milestone.due_at)
        return ReminderMessage(
            to=[assignment.student],
            context={"name": assignment.student.get_short_name(), "milestone": milestone.get_kind_display(),
                     "due": f"{due:%A} {due.day} {due:%B %Y at %H:%M}",
                     "link": absolute_url("theses:student-home")},
            subject_objects=[milestone],
        )

    return message
