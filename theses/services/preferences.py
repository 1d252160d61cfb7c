"""Students' rankings and supervisors' orders of students."""


from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from core.access import check
from curriculum.models import Enrolment

from ..models import (
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

    Any number of the projects they may rank can be ranked. Refuses, with a
    message per problem: after the closing date, the same project twice, a
    project that is unknown, closed or not the student's to rank, a teammate
    outside the cohort. Side effects:
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


def supervisor_capacities_set(*, round_: ThesisRound, capacities: dict, by) -> int:
    """Set how many students each supervisor takes in a round.

    `capacities` maps a supervisor's id to a number (0 to 50), or to None to use
    the round's default. Side effects: SupervisorCapacity rows created,
    updated or deleted; returns how many changed. Refused (nothing saved) for
    a number out of range or someone who is not staff.
    """
    from django.contrib.auth import get_user_model

    from accounts.permissions import is_staff_member

    from ..models import SupervisorCapacity

    check(by, can_manage_theses)
    users = get_user_model().objects.in_bulk(list(capacities))
    for sid, value in capacities.items():
        if sid not in users or not is_staff_member(users[sid]):
            raise ValidationError("Only members of staff can supervise.")
        if value is not None and not 0 <= value <= 50:
            raise ValidationError(f"{users[sid].full_name}: give a number from 0 to 50, or leave it blank.")
    changed = 0
    with transaction.atomic():
        existing = {c.supervisor_id: c for c in
                    SupervisorCapacity.objects.select_for_update().filter(round=round_, supervisor_id__in=capacities)}
        for sid, value in sorted(capacities.items()):
            row = existing.get(sid)
            if value is None and row:
                row.delete()
                changed += 1
            elif value is not None and row is None:
                SupervisorCapacity.objects.create(round=round_, supervisor_id=sid, capacity=value)
                changed += 1
            elif value is not None and row.capacity != value:
                row.capacity = value
                row.save(update_fields=["capacity"])
                changed += 1
    return changed
