"""Allocation runs: build the instance, solve, adjust by hand, publish."""

import time
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from core.access import acting_user, check
from curriculum.models import Enrolment
from notifications.services import queue_email

from .. import allocation
from ..models import (
    AllocationRun,
    Assignment,
    Preference,
    PreferenceList,
    Proposal,
    SupervisorCapacity,
    SupervisorRanking,
    ThesisRound,
)
from ..permissions import can_manage_theses
from ._common import InvalidState, Status, _link

# --- Allocation -------------------------------------------------------------------


def allocation_run_start(*, round_: ThesisRound, objective: str, by) -> AllocationRun:
    """Queue an allocation run. Side effects: an AllocationRun (queued); the
    Celery task `theses.run_allocation` dispatched on commit."""
    check(by, can_manage_theses)
    from ..tasks import run_allocation

    if objective not in AllocationRun.Objective.values:
        raise ValidationError("Choose an objective.")
    with transaction.atomic():
        run = AllocationRun.objects.create(round=round_, objective=objective, created_by=acting_user(by),
                                           message="Waiting for a worker")
        run_allocation.delay_on_commit(run.pk)
    return run


@dataclass
class BuiltInstance:
    instance: allocation.Instance
    student_ids: list
    proposal_ids: list
    supervisor_ids: list


def build_instance(round_: ThesisRound) -> BuiltInstance:
    """Rows → an allocation.Instance. Everything sorted by id: same rows, same instance."""
    student_ids = sorted(
        Enrolment.objects.filter(cohort_id=round_.cohort_id, status=Enrolment.Status.ACTIVE)
        .values_list("student_id", flat=True)
    )
    proposals = list(
        Proposal.objects.filter(cohort_id=round_.cohort_id, status__in=[Status.OPEN, Status.ALLOCATED])
        .order_by("pk").values("pk", "supervisor_id", "capacity", "capacity_unit", "team_min", "team_max")
    )
    proposal_ids = [p["pk"] for p in proposals]
    supervisor_ids = sorted({p["supervisor_id"] for p in proposals})
    s_index = {s: i for i, s in enumerate(student_ids)}
    p_index = {p: i for i, p in enumerate(proposal_ids)}
    k_index = {k: i for i, k in enumerate(supervisor_ids)}
    prefs = [[] for _ in student_ids]
    rows = (Preference.objects.filter(preference_list__cohort_id=round_.cohort_id,
                                      preference_list__student_id__in=student_ids)
            .order_by("preference_list__student_id", "rank")
            .values_list("preference_list__student_id", "proposal_id"))
    for sid, pid in rows:
        if pid in p_index:
            prefs[s_index[sid]].append(p_index[pid])
    caps = dict(SupervisorCapacity.objects.filter(round=round_).values_list("supervisor_id", "capacity"))
    sup_prefs = [[] for _ in supervisor_ids]
    for sup_id, sid in (SupervisorRanking.objects.filter(round=round_, supervisor_id__in=supervisor_ids)
                        .order_by("supervisor_id", "rank").values_list("supervisor_id", "student_id")):
        if sid in s_index:
            sup_prefs[k_index[sup_id]].append(s_index[sid])

    # Mutual teammate wishes: both students in the instance and each named the other.
    named = set(
        PreferenceList.teammates.through.objects
        .filter(preferencelist__cohort_id=round_.cohort_id, preferencelist__student_id__in=student_ids,
                user_id__in=student_ids)
        .values_list("preferencelist__student_id", "user_id")
    )
    pairs = sorted((s_index[a], s_index[b]) for a, b in named if a < b and (b, a) in named)

    def student_capacity(p):
        return p["capacity"] * p["team_max"] if p["capacity_unit"] == "teams" else p["capacity"]

    def teams(p):
        return p["capacity"] if p["capacity_unit"] == "teams" else max(1, p["capacity"] // p["team_min"])

    inst = allocation.Instance(
        student_prefs=prefs,
        project_capacity=[student_capacity(p) for p in proposals],
        project_supervisor=[k_index[p["supervisor_id"]] for p in proposals],
        supervisor_capacity=[caps.get(k, round_.default_supervisor_capacity) for k in supervisor_ids],
        team_min=[p["team_min"] for p in proposals],
        team_max=[p["team_max"] for p in proposals],
        max_teams=[teams(p) for p in proposals],
        supervisor_prefs=sup_prefs,
        teammate_pairs=pairs,
    )
    return BuiltInstance(inst, student_ids, proposal_ids, supervisor_ids)


def unplaced_reason(u: allocation.Unplaced) -> str:
    if u.reason == allocation.NO_CHOICES:
        return "Did not rank any open project."
    parts = []
    if u.full:
        parts.append(f"{u.full} full")
    if u.supervisor_full:
        parts.append(f"{u.supervisor_full} with a supervisor who had no more room")
    if u.closed:
        parts.append(f"{u.closed} closed because too few students chose it to form a team")
    total = u.full + u.supervisor_full + u.closed
    return f"None of their {total} choice{'s' if total != 1 else ''} had room: {', '.join(parts)}."


def allocation_run_execute(*, run_id: int) -> AllocationRun:
    """Run the solver for a queued run (called by the Celery task).

    Side effects: the run's state, progress and report; one Assignment per
    placed student. A failure marks the run failed with the reason and
    re-raises; no half-written result is kept.
    """
    run = AllocationRun.objects.select_related("round").get(pk=run_id)
    if run.state == AllocationRun.State.DONE:
        return run

    def progress(fraction, message):
        AllocationRun.objects.filter(pk=run_id).update(progress=int(fraction * 100), message=message)

    AllocationRun.objects.filter(pk=run_id).update(state=AllocationRun.State.RUNNING, progress=5,
                                                   message="Reading preferences")
    started = time.perf_counter()
    try:
        built = build_instance(run.round)
        result = allocation.allocate(built.instance, run.objective, progress=progress)
        with transaction.atomic():
            run = AllocationRun.objects.select_for_update().get(pk=run_id)
            run.assignments.all().delete()
            Assignment.objects.bulk_create([
                Assignment(run=run, student_id=built.student_ids[s], proposal_id=built.proposal_ids[j],
                           rank=built.instance.student_prefs[s].index(j) + 1)
                for s, j in enumerate(result.assignment) if j >= 0
            ])
            run.state = AllocationRun.State.DONE
            run.progress = 100
            run.message = f"Placed {result.placed} of {len(built.student_ids)} students"
            if result.teammate_pairs:
                run.message += (f"; {result.teammate_pairs_together} of {result.teammate_pairs} "
                                "teammate pairs together")
            run.rank_profile = result.rank_profile
            run.unplaced = [{"student": built.student_ids[u.student], "reason": unplaced_reason(u)}
                            for u in result.unplaced]
            run.closed_projects = [built.proposal_ids[j] for j in result.closed_projects]
            run.students_count = len(built.student_ids)
            run.teammate_pairs = result.teammate_pairs
            run.teammate_pairs_together = result.teammate_pairs_together
            run.teammate_pairs_moved = result.teammate_pairs_moved
            run.seconds = time.perf_counter() - started
            run.finished_at = timezone.now()
            run.save()
    except Exception as error:
        AllocationRun.objects.filter(pk=run_id).update(
            state=AllocationRun.State.FAILED, message=f"Failed: {error}"[:200], finished_at=timezone.now()
        )
        raise
    return run


class CapacityError(ValidationError):
    pass


def _refresh_profile(run):
    ranks = list(run.assignments.exclude(rank=None).values_list("rank", flat=True))
    longest = max([len(run.rank_profile), *ranks, 0])
    profile = [0] * longest
    for r in ranks:
        profile[r - 1] += 1
    run.rank_profile = profile


def assignment_set(*, run: AllocationRun, student, proposal, by) -> AllocationRun:
    """Staff move a student to another project in a draft run, or take them off (proposal=None).

    Refuses when the project or its supervisor would go over capacity, or the
    run is published. Side effects: the Assignment (marked manual), the run's
    rank profile and unplaced list.
    """
    check(by, can_manage_theses)
    with transaction.atomic():
        run = AllocationRun.objects.select_for_update().select_related("round").get(pk=run.pk)
        if run.published_at or run.state != AllocationRun.State.DONE:
            raise CapacityError("Only a finished draft can be changed.")
        if not Enrolment.objects.filter(cohort_id=run.round.cohort_id, student=student).exists():
            raise CapacityError("That student is not in this cohort.")
        current = run.assignments.filter(student=student).first()
        if proposal is not None:
            if proposal.cohort_id != run.round.cohort_id or proposal.status not in (Status.OPEN, Status.ALLOCATED):
                raise CapacityError("That project is not open in this cohort.")
            others = run.assignments.exclude(student=student)
            on_project = others.filter(proposal=proposal).count()
            if on_project + 1 > proposal.student_capacity:
                cap = proposal.student_capacity
                raise CapacityError(f"“{proposal.title}” is full ({cap} student{'s' if cap != 1 else ''}).")
            sup_cap = (SupervisorCapacity.objects.filter(round=run.round, supervisor_id=proposal.supervisor_id)
                       .values_list("capacity", flat=True).first() or run.round.default_supervisor_capacity)
            with_sup = others.filter(proposal__supervisor_id=proposal.supervisor_id).count()
            if with_sup + 1 > sup_cap:
                raise CapacityError(f"{proposal.supervisor.full_name} already supervises {with_sup} "
                                    f"student{'s' if with_sup != 1 else ''} (at most {sup_cap}).")
            rank = (Preference.objects.filter(preference_list__cohort_id=run.round.cohort_id,
                                              preference_list__student=student, proposal=proposal)
                    .values_list("rank", flat=True).first())
            if current:
                current.proposal, current.rank, current.manual = proposal, rank, True
                current.save()
            else:
                Assignment.objects.create(run=run, student=student, proposal=proposal, rank=rank, manual=True)
            run.unplaced = [u for u in run.unplaced if u["student"] != student.pk]
        elif current:
            current.delete()
            run.unplaced = [*run.unplaced, {"student": student.pk, "reason": "Taken off by staff."}]
        _refresh_profile(run)
        run.save(update_fields=["rank_profile", "unplaced"])
    return run


def allocation_publish(*, run: AllocationRun, by) -> AllocationRun:
    """Publish a finished run: the cohort's allocation from now on.

    Side effects: run.published_at/by; placed proposals become "allocated";
    mails to each student (their project or that they are not yet placed),
    each supervisor (their students) and each partner (their team size).
    Refused when another run of the round is published.
    """
    check(by, can_manage_theses)
    with transaction.atomic():
        run = AllocationRun.objects.select_for_update().select_related("round__cohort").get(pk=run.pk)
        if run.state != AllocationRun.State.DONE:
            raise InvalidState("Only a finished run can be published.")
        if AllocationRun.objects.filter(round=run.round).exclude(published_at=None).exists():
            raise InvalidState("This cohort already has a published allocation.")
        run.published_at = timezone.now()
        run.published_by = acting_user(by)
        run.save(update_fields=["published_at", "published_by"])
        assignments = list(run.assignments.select_related("student", "proposal__supervisor", "proposal__partner"))
        Proposal.objects.filter(pk__in={a.proposal_id for a in assignments}, status=Status.OPEN).update(
            status=Status.ALLOCATED)
        home = _link("theses:student-home")
        by_proposal = {}
        for a in assignments:
            by_proposal.setdefault(a.proposal, []).append(a.student)
            queue_email(
                purpose="theses.allocation_student", to=[a.student],
                context={"name": a.student.get_short_name(), "title": a.proposal.title,
                         "supervisor": a.proposal.supervisor.full_name, "link": home},
                idempotency_key=f"theses:run:{run.pk}:student:{a.student_id}", subject_objects=[a.proposal],
            )
        unplaced_ids = [u["student"] for u in run.unplaced]
        from django.contrib.auth import get_user_model

        for student in get_user_model().objects.filter(pk__in=unplaced_ids):
            queue_email(
                purpose="theses.allocation_unplaced", to=[student],
                context={"name": student.get_short_name(), "link": home},
                idempotency_key=f"theses:run:{run.pk}:student:{student.pk}",
            )
        by_supervisor = {}
        for proposal, students in by_proposal.items():
            by_supervisor.setdefault(proposal.supervisor, []).append(
                f"{proposal.title}: {', '.join(sorted(s.full_name for s in students))}")
            if proposal.partner_id:
                queue_email(
                    purpose="theses.allocation_partner", to=[proposal.partner.contact_email],
                    context={"name": proposal.partner.contact_name, "title": proposal.title,
                             "count": len(students), "supervisor": proposal.supervisor.full_name},
                    idempotency_key=f"theses:run:{run.pk}:partner:{proposal.pk}", subject_objects=[proposal],
                )
        for supervisor, lines in by_supervisor.items():
            queue_email(
                purpose="theses.allocation_supervisor", to=[supervisor],
                context={"name": supervisor.full_name, "projects": "\n".join(sorted(lines)),
                         "link": _link("theses:staff-index")},
                idempotency_key=f"theses:run:{run.pk}:supervisor:{supervisor.pk}",
            )
    return run


def published_assignment(*, student, cohort=None):
    qs = Assignment.objects.filter(student=student, run__published_at__isnull=False)
    if cohort is not None:
        qs = qs.filter(run__round__cohort=cohort)
    return (qs.select_related("proposal__supervisor", "proposal__partner", "run__round")
            .order_by("-run__published_at").first())
