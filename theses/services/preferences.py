"""Students' rankings and supervisors' orders of students."""


from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from curriculum.models import Enrolment

from ..models import (
    MAX_CHOICES,
    Preference,
    PreferenceList,
    Proposal,
    SupervisorRanking,
    ThesisRound,
)
from ..permissions import can_manage_theses
from ._common import _require

# --- Preferences ------------------------------------------------------------------


class PreferenceError(ValidationError):
    pass


def rankable_proposals(*, cohort, student):
    """Open proposals of the cohort this student may rank: everyone's, and their own."""
    from django.db.models import Q

    return Proposal.objects.open().filter(cohort=cohort).filter(
        Q(proposed_by_student__isnull=True) | Q(proposed_by_student=student)
    )


def preferences_submit(*, student, cohort, proposal_ids: list, teammate_ids=(), by, now=None) -> PreferenceList:
    """Replace a student's ranking (best first) and teammate wishes for a cohort.

    Refuses, with a message per problem: after the closing date, more than
    five choices, the same project twice, a project that is unknown, closed or
    not the student's to rank, a teammate outside the cohort. Side effects:
    the PreferenceList and its Preference rows; nothing changes on refusal.
    """
    _require(by.pk == student.pk)
    now = now or timezone.now()
    round_ = ThesisRound.objects.filter(cohort=cohort).first()
    enrolled = Enrolment.objects.filter(cohort=cohort, status=Enrolment.Status.ACTIVE)
    _require(round_ is not None and enrolled.filter(student=student).exists())
    errors = []
    if now > round_.preferences_close_at:
        errors.append("Preferences closed on "
                      f"{timezone.localtime(round_.preferences_close_at):%A %-d %B %Y at %H:%M}. "
                      "Ask the thesis coordinator if you need to change them.")
    ids = []
    for raw in proposal_ids:
        try:
            ids.append(int(raw))
        except (TypeError, ValueError):
            errors.append(f"“{raw}” is not a project on this list.")
    if len(ids) > MAX_CHOICES:
        errors.append(f"You can rank at most {MAX_CHOICES} projects; you chose {len(ids)}.")
    if len(set(ids)) != len(ids):
        errors.append("You chose the same project more than once. Choose each project once.")
    rankable = set(rankable_proposals(cohort=cohort, student=student).filter(pk__in=ids).values_list("pk", flat=True))
    unknown = [i for i in dict.fromkeys(ids) if i not in rankable]
    if unknown:
        closed = dict(Proposal.objects.filter(pk__in=unknown).values_list("pk", "title"))
        for i in unknown:
            if i in closed:
                errors.append(f"“{closed[i]}” is not open for preferences. Choose another project.")
            else:
                errors.append("One of your choices is not a project on this list. Choose again.")
    mates = list(dict.fromkeys(int(t) for t in teammate_ids if str(t).isdigit()))
    if student.pk in mates:
        errors.append("You do not need to name yourself as a teammate.")
    if len(mates) != enrolled.filter(student_id__in=mates).count():
        errors.append("Teammates must be students of your cohort.")
    if errors:
        raise PreferenceError(errors)
    with transaction.atomic():
        plist, _ = PreferenceList.objects.select_for_update().get_or_create(cohort=cohort, student=student)
        plist.choices.all().delete()
        Preference.objects.bulk_create(
            [Preference(preference_list=plist, proposal_id=pid, rank=n) for n, pid in enumerate(ids, start=1)]
        )
        plist.teammates.set([m for m in mates if m != student.pk])
        plist.save(update_fields=["updated_at"])
    return plist


def supervisor_ranking_save(*, round_: ThesisRound, supervisor, student_ids: list, by):
    """A supervisor orders the students who chose their projects (stable objective)."""
    _require(can_manage_theses(by) and (by.pk == supervisor.pk or by.is_superuser))
    with transaction.atomic():
        SupervisorRanking.objects.filter(round=round_, supervisor=supervisor).delete()
        SupervisorRanking.objects.bulk_create([
            SupervisorRanking(round=round_, supervisor=supervisor, student_id=s, rank=n)
            for n, s in enumerate(dict.fromkeys(student_ids), start=1)
        ])
