"""Thesis use cases. Each is atomic, re-checks permission and state, and lists
its side effects. Mail goes through `notifications.services.queue_email`.
"""

import time
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify

from curriculum.models import Enrolment
from notifications.services import queue_email

from . import allocation
from .models import (
    MAX_CHOICES,
    AllocationRun,
    Assignment,
    Milestone,
    Partner,
    Preference,
    PreferenceList,
    Proposal,
    ShowcaseEntry,
    Submission,
    SupervisorCapacity,
    SupervisorRanking,
    ThesisRound,
)
from .permissions import can_approve_proposal, can_give_feedback, can_manage_theses

Status = Proposal.Status


def _link(name, *args):
    return settings.SITE_URL + reverse(name, args=args)


def _unique_slug(model, text, max_length=200):
    base = slugify(text)[: max_length - 8] or "item"
    slug, n = base, 2
    while model.objects.filter(slug=slug).exists():
        slug = f"{base}-{n}"
        n += 1
    return slug


def _require(allowed):
    if not allowed:
        raise PermissionDenied


# --- Proposals ----------------------------------------------------------------

PROPOSAL_FIELDS = ["title", "problem", "tool", "beneficiaries", "skills", "data_privacy",
                   "capacity", "capacity_unit", "team_min", "team_max"]


def partner_proposal_submit(*, partner: dict, proposal: dict) -> Proposal:
    """A partner organisation proposes a project through the public form (no account).

    Side effects: a Partner row (unapproved) unless one with that contact
    address exists; a Proposal in "submitted"; a confirmation mail to the contact.
    Nothing is public until staff approve.
    """
    with transaction.atomic():
        org = Partner.objects.filter(
            contact_email__iexact=partner["contact_email"], name__iexact=partner["name"]).first()
        if org is None:
            org = Partner.objects.create(slug=_unique_slug(Partner, partner["name"]), **partner)
        item = Proposal.objects.create(
            slug=_unique_slug(Proposal, proposal["title"]), source=Proposal.Source.PARTNER, partner=org,
            **{k: proposal[k] for k in PROPOSAL_FIELDS if k in proposal},
        )
        queue_email(
            purpose="theses.partner_proposal_received",
            to=[org.contact_email],
            context={"name": org.contact_name, "title": item.title, "organisation": org.name},
            idempotency_key=f"theses:proposal:{item.pk}:received",
            subject_objects=[item],
        )
    return item


def proposal_create(*, data: dict, by) -> Proposal:
    """Staff propose a project. Side effects: a Proposal, already approved."""
    _require(can_manage_theses(by))
    with transaction.atomic():
        return Proposal.objects.create(
            slug=_unique_slug(Proposal, data["title"]), source=Proposal.Source.STAFF,
            status=Status.APPROVED, approved_at=timezone.now(), approved_by=by,
            partner=data.get("partner"), cohort=data.get("cohort"), supervisor=data.get("supervisor") or by,
            **{k: data[k] for k in PROPOSAL_FIELDS if k in data},
        )


def proposal_update(*, proposal: Proposal, data: dict, by) -> Proposal:
    """Staff edit a proposal's text, partner, cohort, supervisor or team sizes."""
    _require(can_manage_theses(by))
    with transaction.atomic():
        for key in [*PROPOSAL_FIELDS, "partner", "cohort", "supervisor"]:
            if key in data:
                setattr(proposal, key, data[key])
        proposal.full_clean(exclude=["slug"])
        proposal.save()
    return proposal


def student_proposal_submit(*, data: dict, supervisor, cohort, by) -> Proposal:
    """A student proposes their own project; the named supervisor must approve it.

    Side effects: a Proposal in "submitted" that only this student may rank;
    a mail to the supervisor asking them to approve it.
    """
    _require(Enrolment.objects.filter(cohort=cohort, student=by, status=Enrolment.Status.ACTIVE).exists())
    with transaction.atomic():
        item = Proposal.objects.create(
            slug=_unique_slug(Proposal, data["title"]), source=Proposal.Source.STUDENT,
            proposed_by_student=by, supervisor=supervisor, cohort=cohort, capacity=1,
            team_min=1, team_max=1, **{k: data[k] for k in PROPOSAL_FIELDS if k in data and k not in (
                "capacity", "capacity_unit", "team_min", "team_max")},
        )
        queue_email(
            purpose="theses.student_proposal_to_approve",
            to=[supervisor],
            context={"name": supervisor.full_name, "student": by.full_name, "title": item.title,
                     "link": _link("theses:staff-proposal", item.pk)},
            idempotency_key=f"theses:proposal:{item.pk}:ask-supervisor",
            subject_objects=[item],
        )
    return item


class InvalidState(ValidationError):
    pass


def proposal_approve(*, proposal: Proposal, by, open_now: bool = False) -> Proposal:
    """Approve a submitted proposal (its partner too); optionally open it for preferences.

    A student's own proposal is approved by its named supervisor and opens at
    once, so its author can rank it. Side effects: status, approved_at/by, the
    partner becomes approved and public.
    """
    _require(can_approve_proposal(by, proposal))
    with transaction.atomic():
        proposal = Proposal.objects.select_for_update().get(pk=proposal.pk)
        if proposal.status != Status.SUBMITTED:
            raise InvalidState("Only a submitted proposal can be approved.")
        proposal.status = Status.APPROVED
        proposal.approved_at = timezone.now()
        proposal.approved_by = by
        proposal.save()
        if proposal.partner_id:
            Partner.objects.filter(pk=proposal.partner_id).update(approved=True)
        if open_now or proposal.source == Proposal.Source.STUDENT:
            _open(proposal)
    return proposal


def _open(proposal):
    """Side effects: status open; the partner (if any) is told students can choose it."""
    if proposal.cohort_id is None or proposal.supervisor_id is None:
        raise InvalidState("Give the proposal a cohort and a supervisor before opening it.")
    proposal.status = Status.OPEN
    proposal.save(update_fields=["status"])
    if proposal.partner_id:
        partner = Partner.objects.get(pk=proposal.partner_id)
        queue_email(
            purpose="theses.partner_proposal_open", to=[partner.contact_email],
            context={"name": partner.contact_name, "title": proposal.title,
                     "link": settings.SITE_URL + proposal.get_absolute_url()},
            idempotency_key=f"theses:proposal:{proposal.pk}:open", subject_objects=[proposal],
        )


def proposal_open(*, proposal: Proposal, by) -> Proposal:
    """Open an approved proposal for students' preferences (public on /theses/)."""
    _require(can_manage_theses(by))
    with transaction.atomic():
        proposal = Proposal.objects.select_for_update().get(pk=proposal.pk)
        if proposal.status != Status.APPROVED:
            raise InvalidState("Only an approved proposal can be opened.")
        _open(proposal)
    return proposal


NEXT_STATUS = {
    "withdraw": ({Status.SUBMITTED, Status.APPROVED, Status.OPEN, Status.ALLOCATED}, Status.WITHDRAWN),
    "start": ({Status.ALLOCATED}, Status.IN_PROGRESS),
    "complete": ({Status.IN_PROGRESS, Status.ALLOCATED}, Status.COMPLETED),
}


def proposal_transition(*, proposal: Proposal, action: str, by) -> Proposal:
    """Withdraw, start or complete a proposal. Side effects: its status."""
    _require(can_manage_theses(by) or (action == "withdraw" and can_approve_proposal(by, proposal)))
    allowed, target = NEXT_STATUS[action]
    with transaction.atomic():
        proposal = Proposal.objects.select_for_update().get(pk=proposal.pk)
        if proposal.status not in allowed:
            raise InvalidState(f"A proposal that is {proposal.get_status_display().lower()} cannot do that.")
        proposal.status = target
        proposal.save(update_fields=["status"])
    return proposal


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


# --- Allocation -------------------------------------------------------------------


def allocation_run_start(*, round_: ThesisRound, objective: str, by) -> AllocationRun:
    """Queue an allocation run. Side effects: an AllocationRun (queued); the
    Celery task `theses.run_allocation` dispatched on commit."""
    _require(can_manage_theses(by))
    from .tasks import run_allocation

    if objective not in AllocationRun.Objective.values:
        raise ValidationError("Choose an objective.")
    with transaction.atomic():
        run = AllocationRun.objects.create(round=round_, objective=objective, created_by=by,
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
            run.rank_profile = result.rank_profile
            run.unplaced = [{"student": built.student_ids[u.student], "reason": unplaced_reason(u)}
                            for u in result.unplaced]
            run.closed_projects = [built.proposal_ids[j] for j in result.closed_projects]
            run.students_count = len(built.student_ids)
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
    _require(can_manage_theses(by))
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
    _require(can_manage_theses(by))
    with transaction.atomic():
        run = AllocationRun.objects.select_for_update().select_related("round__cohort").get(pk=run.pk)
        if run.state != AllocationRun.State.DONE:
            raise InvalidState("Only a finished run can be published.")
        if AllocationRun.objects.filter(round=run.round).exclude(published_at=None).exists():
            raise InvalidState("This cohort already has a published allocation.")
        run.published_at = timezone.now()
        run.published_by = by
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


# --- Milestones and submissions -------------------------------------------------------

PDF_MAX_BYTES = 20 * 1024 * 1024


def check_pdf(upload):
    """A report must really be a PDF: its content starts %PDF- and ends with %%EOF."""
    if upload.size > PDF_MAX_BYTES:
        raise ValidationError("The report must be smaller than 20 MB.")
    upload.seek(0)
    head = upload.read(5)
    upload.seek(max(0, upload.size - 1024))
    tail = upload.read()
    upload.seek(0)
    if head != b"%PDF-" or b"%%EOF" not in tail:
        raise ValidationError("The report must be a PDF file. Save or export it as PDF and upload it again.")


def milestone_set(*, round_: ThesisRound, kind: str, due_at, description="", by) -> Milestone:
    """Staff set a milestone's due moment. Side effects: the Milestone row
    (reminders follow from it: 7 days and 1 day before)."""
    _require(can_manage_theses(by))
    with transaction.atomic():
        milestone, _ = Milestone.objects.update_or_create(
            round=round_, kind=kind, defaults={"due_at": due_at, "description": description})
    return milestone


def submission_submit(*, milestone: Milestone, student, repository_url="", demo_url="", report=None,
                      by, now=None) -> Submission:
    """A student hands in (or replaces) their work for a milestone.

    Refuses a report that is not a PDF and a student with no published
    project. Marks it late when handed in after the due moment. Side effects:
    the Submission row and the stored report.
    """
    _require(by.pk == student.pk)
    assignment = published_assignment(student=student, cohort=milestone.round.cohort)
    if assignment is None:
        raise ValidationError("You can hand in work once you have a project.")
    if report:
        check_pdf(report)
    if not (repository_url or demo_url or report):
        raise ValidationError("Give a repository link, a report or a demo link.")
    now = now or timezone.now()
    with transaction.atomic():
        submission, _created = Submission.objects.select_for_update().get_or_create(
            milestone=milestone, student=student,
            defaults={"proposal": assignment.proposal, "submitted_at": now},
        )
        submission.repository_url = repository_url or submission.repository_url
        submission.demo_url = demo_url or submission.demo_url
        if report:
            submission.report.save(f"{milestone.kind}-{student.pk}.pdf", report, save=False)
        submission.submitted_at = now
        submission.late = now > milestone.due_at
        submission.save()
    return submission


def submission_feedback(*, submission: Submission, feedback: str, by) -> Submission:
    """A supervisor (staff) writes feedback the student sees. Side effects: the
    feedback fields; a mail to the student."""
    _require(can_give_feedback(by, submission))
    with transaction.atomic():
        submission.feedback = feedback
        submission.feedback_by = by
        submission.feedback_at = timezone.now()
        submission.save(update_fields=["feedback", "feedback_by", "feedback_at"])
        queue_email(
            purpose="theses.feedback_given", to=[submission.student],
            context={"name": submission.student.get_short_name(),
                     "milestone": submission.milestone.get_kind_display(),
                     "link": _link("theses:submission-detail", submission.pk)},
            idempotency_key=f"theses:submission:{submission.pk}:feedback:{submission.feedback_at.isoformat()}",
        )
    return submission


# --- Showcase --------------------------------------------------------------------------


def showcase_save(*, proposal: Proposal, summary, repository_url="", demo_url="", published=False, by):
    """Staff write a completed project's showcase entry. Side effects: the entry; published ones show on /theses/."""
    _require(can_manage_theses(by))
    with transaction.atomic():
        entry, _ = ShowcaseEntry.objects.get_or_create(proposal=proposal, defaults={"summary": summary})
        entry.summary, entry.repository_url, entry.demo_url = summary, repository_url, demo_url
        if published and not entry.published:
            entry.published_at = timezone.now()
        entry.published = published
        entry.save()
    return entry


def showcase_consent(*, proposal: Proposal, student, consent: bool, by) -> None:
    """A team member agrees (or not) to be named in the public showcase."""
    _require(by.pk == student.pk)
    assignment = published_assignment(student=student)
    _require(assignment is not None and assignment.proposal_id == proposal.pk)
    with transaction.atomic():
        entry, _ = ShowcaseEntry.objects.get_or_create(proposal=proposal, defaults={"summary": ""})
        if consent:
            entry.consenting_members.add(student)
        else:
            entry.consenting_members.remove(student)


def round_stats(round_: ThesisRound):
    return Proposal.objects.filter(cohort=round_.cohort).values("status").annotate(n=Count("id"))
