"""Reads the thesis pages need, with their related rows loaded up front."""

from dataclasses import dataclass, field

from django.db.models import Count, Prefetch, Q

from curriculum.models import Enrolment

from .models import (
    AllocationRun,
    Assignment,
    Milestone,
    PreferenceList,
    Proposal,
    ShowcaseEntry,
    Submission,
    ThesisRound,
)


def open_proposals():
    return (Proposal.objects.public().open().filter(Q(partner__isnull=True) | Q(partner__approved=True))
            .select_related("partner", "supervisor").order_by("title", "id"))


def projects_under_way():
    return (Proposal.objects.public()
            .filter(status__in=[Proposal.Status.ALLOCATED, Proposal.Status.IN_PROGRESS])
            .filter(Q(partner__isnull=True) | Q(partner__approved=True))
            .select_related("partner").order_by("title", "id"))


def showcase_entries():
    return (ShowcaseEntry.objects.filter(published=True, proposal__status=Proposal.Status.COMPLETED)
            .select_related("proposal__partner")
            .prefetch_related("consenting_members").order_by("-published_at", "id"))


def public_proposal(slug):
    return (Proposal.objects.public().select_related("partner", "supervisor", "cohort")
            .filter(slug=slug).first())


def proposal_counts():
    """{status: count} for the staff overview."""
    counts = dict(Proposal.objects.values_list("status").annotate(n=Count("id")).values_list("status", "n"))
    return [(value, label, counts.get(value, 0)) for value, label in Proposal.Status.choices]


def staff_proposals():
    return Proposal.objects.select_related("partner", "supervisor", "cohort", "proposed_by_student")


def rounds():
    return (ThesisRound.objects.select_related("cohort__academic_year", "cohort__programme")
            .annotate(n_runs=Count("runs", distinct=True)))


def current_enrolment(student):
    """The student's active enrolment in the newest cohort that has a thesis round."""
    return (Enrolment.objects.filter(student=student, status=Enrolment.Status.ACTIVE,
                                     cohort__thesis_round__isnull=False)
            .select_related("cohort__thesis_round", "cohort__academic_year")
            .order_by("-cohort__academic_year__starts_on", "-id").first())


def round_detail(round_):
    enrolled = Enrolment.objects.filter(cohort_id=round_.cohort_id, status=Enrolment.Status.ACTIVE)
    lists = PreferenceList.objects.filter(cohort_id=round_.cohort_id).annotate(n=Count("choices"))
    return {
        "students": enrolled.count(),
        "ranked": lists.filter(n__gt=0).count(),
        "proposals": (Proposal.objects.filter(cohort_id=round_.cohort_id)
                      .select_related("supervisor", "partner").order_by("status", "title")),
        "runs": round_.runs.select_related("created_by").order_by("-created_at", "-id"),
        "milestones": round_.milestones.order_by("due_at"),
    }


@dataclass
class SupervisorRow:
    supervisor: object
    projects: list = field(default_factory=list)
    places: int = 0  # students their open or allocated projects could take
    capacity: int | None = None  # None: the round's default
    placed: int = 0  # students on their projects in the published run

    @property
    def over_limit(self):
        """More students placed in the published run than the limit now set for them."""
        return self.capacity is not None and self.placed > self.capacity


def supervisor_rows(round_):
    """Everyone supervising a proposal in the round's cohort (or with a limit set), by name.

    Four queries whatever the number of supervisors.
    """
    from django.contrib.auth import get_user_model

    from .models import SupervisorCapacity

    rows = {}
    proposals = (Proposal.objects.filter(cohort_id=round_.cohort_id, supervisor__isnull=False)
                 .exclude(status__in=[Proposal.Status.SUBMITTED, Proposal.Status.WITHDRAWN])
                 .select_related("supervisor").order_by("title", "id"))
    for p in proposals:
        row = rows.setdefault(p.supervisor_id, SupervisorRow(p.supervisor))
        row.projects.append(p)
        if p.status in (Proposal.Status.OPEN, Proposal.Status.ALLOCATED, Proposal.Status.IN_PROGRESS):
            row.places += p.student_capacity
    limits = dict(SupervisorCapacity.objects.filter(round=round_).values_list("supervisor_id", "capacity"))
    missing = [sid for sid in limits if sid not in rows]
    for user in get_user_model().objects.filter(pk__in=missing) if missing else ():
        rows[user.pk] = SupervisorRow(user)
    for sid, capacity in limits.items():
        if sid in rows:
            rows[sid].capacity = capacity
    placed = (Assignment.objects.filter(run__round=round_, run__published_at__isnull=False)
              .values("proposal__supervisor_id").annotate(n=Count("id")))
    for item in placed:
        if item["proposal__supervisor_id"] in rows:
            rows[item["proposal__supervisor_id"]].placed = item["n"]
    return sorted(rows.values(), key=lambda r: (r.supervisor.full_name, r.supervisor.pk))


def run_detail(run):
    assignments = list(run.assignments.select_related("student", "proposal__supervisor").order_by(
        "proposal__title", "student__full_name", "student_id"))
    from django.contrib.auth import get_user_model

    unplaced_ids = [u["student"] for u in run.unplaced]
    users = get_user_model().objects.in_bulk(unplaced_ids)
    unplaced = [{"student": users.get(u["student"]), "reason": u["reason"]} for u in run.unplaced]
    proposals = list(Proposal.objects.filter(cohort_id=run.round.cohort_id, status__in=[
        Proposal.Status.OPEN, Proposal.Status.ALLOCATED, Proposal.Status.IN_PROGRESS])
                     .select_related("supervisor").order_by("title", "id"))
    load = {}
    for a in assignments:
        load[a.proposal_id] = load.get(a.proposal_id, 0) + 1
    # Teammate wishes honoured: named teammates placed on the same project.
    placed_on = {a.student_id: a.proposal_id for a in assignments}
    wished = honoured = 0
    for plist in PreferenceList.objects.filter(cohort_id=run.round.cohort_id).prefetch_related(
            Prefetch("teammates")):
        for mate in plist.teammates.all():
            wished += 1
            if placed_on.get(plist.student_id) and placed_on.get(plist.student_id) == placed_on.get(mate.pk):
                honoured += 1
    return {
        "assignments": assignments,
        "unplaced": unplaced,
        "proposals": [(p, load.get(p.pk, 0)) for p in proposals],
        "teammates_wished": wished,
        "teammates_honoured": honoured,
    }


def compare_runs(run, other):
    mine = dict(run.assignments.values_list("student_id", "proposal_id"))
    theirs = dict(other.assignments.values_list("student_id", "proposal_id"))
    differ = sorted(s for s in set(mine) | set(theirs) if mine.get(s) != theirs.get(s))
    from django.contrib.auth import get_user_model

    users = get_user_model().objects.in_bulk(differ)
    titles = dict(Proposal.objects.filter(pk__in=set(mine.values()) | set(theirs.values()))
                  .values_list("pk", "title"))
    rows = [{"student": users[s], "here": titles.get(mine.get(s)), "there": titles.get(theirs.get(s))}
            for s in differ]
    rows.sort(key=lambda r: (r["student"].full_name, r["student"].pk))
    return rows


def student_home(student):
    enrolment = current_enrolment(student)
    if enrolment is None:
        return {"enrolment": None}
    round_ = enrolment.cohort.thesis_round
    assignment = (Assignment.objects.filter(student=student, run__round=round_, run__published_at__isnull=False)
                  .select_related("proposal__supervisor", "proposal__partner").first())
    team = []
    if assignment:
        team = list(Assignment.objects.filter(run_id=assignment.run_id, proposal_id=assignment.proposal_id)
                    .exclude(student=student).select_related("student").order_by("student__full_name"))
    plist = (PreferenceList.objects.filter(cohort=enrolment.cohort, student=student)
             .prefetch_related(Prefetch("choices__proposal")).first())
    submissions = {s.milestone_id: s for s in Submission.objects.filter(student=student, milestone__round=round_)}
    milestones = [(m, submissions.get(m.pk)) for m in Milestone.objects.filter(round=round_).order_by("due_at")]
    own = Proposal.objects.filter(proposed_by_student=student).select_related("supervisor").order_by("-created_at")
    showcase = None
    if assignment:
        showcase = (ShowcaseEntry.objects.filter(proposal=assignment.proposal)
                    .prefetch_related("consenting_members").first())
    return {
        "enrolment": enrolment,
        "round": round_,
        "assignment": assignment,
        "team": team,
        "choices": list(plist.choices.all()) if plist else [],
        "milestones": milestones,
        "own_proposals": list(own),
        "showcase_consent": bool(showcase and student in showcase.consenting_members.all()),
    }


def submissions_for_round(round_):
    return (Submission.objects.filter(milestone__round=round_)
            .select_related("student", "milestone", "proposal", "feedback_by")
            .order_by("milestone__due_at", "student__full_name", "id"))


def latest_runs(round_):
    return AllocationRun.objects.filter(round=round_).order_by("-created_at", "-id")
