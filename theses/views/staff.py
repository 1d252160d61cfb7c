"""Staff pages: proposals, rounds, milestones, allocation runs, submissions."""

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from core.access import require

from .. import selectors, services
from ..forms import (
    AssignForm,
    MilestonesForm,
    ProposalForm,
    RoundForm,
    RoundSettingsForm,
    RunForm,
    ShowcaseForm,
    SupervisorCapacitiesForm,
)
from ..models import AllocationRun, Milestone, Proposal, ShowcaseEntry, ThesisRound
from ..permissions import can_approve_proposal, can_manage_theses

User = get_user_model()


# --- Staff ------------------------------------------------------------------------------------


@require_safe
@require(can_manage_theses, deny=403)
def staff_index(request):
    qs = selectors.staff_proposals()
    status = request.GET.get("status", "")
    if status in Proposal.Status.values:
        qs = qs.filter(status=status)
    q = request.GET.get("q", "").strip()
    if q:
        qs = qs.filter(Q(title__icontains=q) | Q(partner__name__icontains=q))
    page = Paginator(qs.order_by("-created_at", "-id"), 25).get_page(request.GET.get("page"))
    awaiting_me = selectors.staff_proposals().filter(
        source=Proposal.Source.STUDENT, status=Proposal.Status.SUBMITTED, supervisor=request.user)
    return render(request, "theses/staff_index.html", {
        "page": page, "proposals": page.object_list, "status": status, "q": q,
        "statuses": Proposal.Status.choices, "rounds": list(selectors.rounds()),
        "awaiting_me": list(awaiting_me), "counts": selectors.proposal_counts(),
    })


@require_http_methods(["GET", "POST"])
@require(can_manage_theses, deny=403)
def staff_proposal_create(request):
    form = ProposalForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        proposal = services.proposal_create(data=form.cleaned_data, by=request.user)
        messages.success(request, f"“{proposal.title}” is approved. Open it when students may rank it.")
        return redirect("theses:staff-proposal", proposal.pk)
    return render(request, "theses/staff_proposal_form.html", {"form": form, "proposal": None})


@require_http_methods(["GET", "POST"])
@require(can_manage_theses, deny=403)
def staff_proposal_edit(request, pk):
    proposal = get_object_or_404(Proposal, pk=pk)
    form = ProposalForm(request.POST or None, instance=proposal)
    if request.method == "POST" and form.is_valid():
        services.proposal_update(proposal=proposal, data=form.cleaned_data, by=request.user)
        messages.success(request, "Saved.")
        return redirect("theses:staff-proposal", proposal.pk)
    return render(request, "theses/staff_proposal_form.html", {"form": form, "proposal": proposal})


@require_safe
@require(can_manage_theses, deny=403)
def staff_proposal(request, pk):
    proposal = get_object_or_404(selectors.staff_proposals(), pk=pk)
    return render(request, "theses/staff_proposal.html", {
        "proposal": proposal, "can_approve": can_approve_proposal(request.user, proposal),
        "showcase": ShowcaseEntry.objects.filter(proposal=proposal).first(),
    })


ACTION_MESSAGES = {
    "approve": "Approved.", "approve_open": "Approved and open: students of the cohort can rank it now.",
    "open": "Open: students of the cohort can rank it now.", "withdraw": "Withdrawn.",
    "start": "Marked in progress.", "complete": "Marked completed. Write its showcase entry next.",
}


@require_POST
@require(can_manage_theses, deny=403)
def staff_proposal_action(request, pk):
    proposal = get_object_or_404(Proposal, pk=pk)
    action = request.POST.get("action")
    try:
        if action in ("approve", "approve_open"):
            services.proposal_approve(proposal=proposal, by=request.user, open_now=action == "approve_open")
        elif action == "open":
            services.proposal_open(proposal=proposal, by=request.user)
        elif action in services.NEXT_STATUS:
            services.proposal_transition(proposal=proposal, action=action, by=request.user)
        else:
            raise ValidationError("Unknown action.")
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, ACTION_MESSAGES[action])
    return redirect("theses:staff-proposal", proposal.pk)


@require_http_methods(["GET", "POST"])
@require(can_manage_theses, deny=403)
def staff_showcase(request, pk):
    proposal = get_object_or_404(Proposal, pk=pk)
    entry = ShowcaseEntry.objects.filter(proposal=proposal).first()
    form = ShowcaseForm(request.POST or None, initial={
        "summary": entry.summary if entry else "", "repository_url": entry.repository_url if entry else "",
        "demo_url": entry.demo_url if entry else "", "published": entry.published if entry else False,
    })
    if request.method == "POST" and form.is_valid():
        services.showcase_save(proposal=proposal, by=request.user, **form.cleaned_data)
        messages.success(request, "Showcase entry saved.")
        return redirect("theses:staff-proposal", proposal.pk)
    return render(request, "theses/staff_showcase.html", {"form": form, "proposal": proposal})


@require_http_methods(["GET", "POST"])
@require(can_manage_theses, deny=403)
def staff_round_create(request):
    form = RoundForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        round_ = form.save()
        messages.success(request, f"Thesis round started for {round_.cohort}.")
        return redirect("theses:staff-round", round_.pk)
    return render(request, "theses/staff_round_form.html", {"form": form})


@require_http_methods(["GET", "POST"])
@require(can_manage_theses, deny=403)
def staff_round(request, pk):
    round_ = get_object_or_404(ThesisRound.objects.select_related("cohort"), pk=pk)
    settings_form = RoundSettingsForm(request.POST or None, instance=round_, prefix="round")
    if request.method == "POST" and settings_form.is_valid():
        settings_form.save()
        messages.success(request, "Round settings saved.")
        return redirect("theses:staff-round", round_.pk)
    context = selectors.round_detail(round_)
    context.update({"round": round_, "settings_form": settings_form, "run_form": RunForm(),
                    "published": round_.runs.exclude(published_at=None).first()})
    return render(request, "theses/staff_round.html", context)


@require_http_methods(["GET", "POST"])
@require(can_manage_theses, deny=403)
def staff_milestones(request, pk):
    round_ = get_object_or_404(ThesisRound.objects.select_related("cohort"), pk=pk)
    form = MilestonesForm(request.POST or None, milestones=list(round_.milestones.all()))
    if request.method == "POST" and form.is_valid():
        for kind in Milestone.Kind.values:
            if form.cleaned_data[kind]:
                services.milestone_set(round_=round_, kind=kind, due_at=form.cleaned_data[kind], by=request.user)
        messages.success(request, "Milestone dates saved. Students are reminded 7 days and 1 day before each.")
        return redirect("theses:staff-round", round_.pk)
    return render(request, "theses/staff_milestones.html", {"form": form, "round": round_})


@require_http_methods(["GET", "POST"])
@require(can_manage_theses, deny=403)
def staff_supervisors(request, pk):
    """How many students each supervisor takes in this round (blank: the round's default)."""
    round_ = get_object_or_404(ThesisRound.objects.select_related("cohort"), pk=pk)
    rows = selectors.supervisor_rows(round_)
    form = SupervisorCapacitiesForm(request.POST or None, rows=rows, default=round_.default_supervisor_capacity)
    if request.method == "POST" and form.is_valid():
        try:
            changed = services.supervisor_capacities_set(round_=round_, capacities=form.capacities(),
                                                         by=request.user)
        except ValidationError as error:
            for message in error.messages:
                form.add_error(None, message)
        else:
            messages.success(request, f"Supervisor limits saved ({changed} changed). "
                                      "The next allocation run uses them.")
            return redirect("theses:staff-round", round_.pk)
    return render(request, "theses/staff_supervisors.html", {
        "round": round_, "form": form, "rows": form.bound_rows(),
    })


@require_http_methods(["GET", "POST"])
@require(can_manage_theses, deny=403)
def staff_ranking(request, pk):
    """The signed-in supervisor orders the students who chose their projects."""
    round_ = get_object_or_404(ThesisRound.objects.select_related("cohort"), pk=pk)
    students = list(User.objects.filter(
        thesis_preferences__cohort=round_.cohort,
        thesis_preferences__choices__proposal__supervisor=request.user,
        thesis_preferences__choices__proposal__status=Proposal.Status.OPEN,
    ).distinct().order_by("full_name", "id"))
    ranked = dict(round_.supervisor_rankings.filter(supervisor=request.user).values_list("student_id", "rank"))
    error = None
    if request.method == "POST":
        ranks = {}
        for s in students:
            raw = request.POST.get(f"rank_{s.pk}", "")
            if raw.isdigit():
                ranks[s.pk] = int(raw)
        if len(set(ranks.values())) != len(ranks):
            error = "Give each student a different place."
        else:
            services.supervisor_ranking_save(round_=round_, supervisor=request.user, by=request.user,
                                             student_ids=sorted(ranks, key=ranks.get))
            messages.success(request, "Your ranking is saved. The stable objective uses it.")
            return redirect("theses:staff-round", round_.pk)
    rows = sorted(students, key=lambda s: (ranked.get(s.pk, 10**6), s.full_name, s.pk))
    return render(request, "theses/staff_ranking.html", {
        "round": round_, "rows": [(s, ranked.get(s.pk)) for s in rows], "places": range(1, len(students) + 1),
        "error": error,
    })


@require_POST
@require(can_manage_theses, deny=403)
def run_create(request, pk):
    round_ = get_object_or_404(ThesisRound, pk=pk)
    form = RunForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose an objective.")
        return redirect("theses:staff-round", round_.pk)
    run = services.allocation_run_start(round_=round_, objective=form.cleaned_data["objective"], by=request.user)
    return redirect(run)


def _run(pk):
    return get_object_or_404(AllocationRun.objects.select_related("round__cohort", "created_by", "published_by"),
                             pk=pk)


@require_safe
@require(can_manage_theses, deny=403)
def run_detail(request, pk):
    run = _run(pk)
    context = {"run": run, "others": list(selectors.latest_runs(run.round).exclude(pk=run.pk)
                                          .filter(state=AllocationRun.State.DONE))}
    if run.state == AllocationRun.State.DONE:
        context.update(selectors.run_detail(run))
        context["profile_rows"] = _profile_rows(run.rank_profile)
    return render(request, "theses/run_detail.html", context)


def _profile_rows(profile):
    total = sum(profile) or 1
    ordinal = {1: "1st", 2: "2nd", 3: "3rd"}
    return [{"label": f"{ordinal.get(i, f'{i}th')} choice", "count": c, "percent": round(100 * c / total)}
            for i, c in enumerate(profile, start=1)]


@require_safe
@require(can_manage_theses, deny=403)
def run_status(request, pk):
    run = _run(pk)
    return render(request, "theses/partials/run_status.html", {"run": run})


@require_POST
@require(can_manage_theses, deny=403)
def run_assign(request, pk):
    run = _run(pk)
    form = AssignForm(request.POST)
    if form.is_valid():
        student = User.objects.filter(pk=form.cleaned_data["student"]).first()
        raw = form.cleaned_data["proposal"]
        proposal = Proposal.objects.filter(pk=raw).first() if raw.isdigit() else None
        if student is None or (raw and proposal is None):
            messages.error(request, "That student or project is not in this cohort. Nothing was changed.")
            return redirect(run)
        try:
            services.assignment_set(run=run, student=student, proposal=proposal, by=request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, f"{student.full_name}: " + (f"moved to “{proposal.title}”." if proposal
                                                                  else "taken off their project."))
    return redirect(run)


@require_POST
@require(can_manage_theses, deny=403)
def run_publish(request, pk):
    run = _run(pk)
    try:
        services.allocation_publish(run=run, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, "Published. Students, supervisors and partners are being emailed.")
    return redirect(run)


@require_safe
@require(can_manage_theses, deny=403)
def run_compare(request, pk):
    run = _run(pk)
    other_id = request.GET.get("with", "")
    if not other_id.isdigit():
        # No run chosen yet: offer the choice (the run page's form lands here too).
        return render(request, "theses/run_compare.html", {
            "run": run, "other": None,
            "others": selectors.latest_runs(run.round).exclude(pk=run.pk).filter(state=AllocationRun.State.DONE),
        })
    other = get_object_or_404(AllocationRun, pk=other_id, round=run.round)
    return render(request, "theses/run_compare.html", {
        "run": run, "other": other, "rows": selectors.compare_runs(run, other),
        "profiles": list(zip(_profile_rows(run.rank_profile), _profile_rows(other.rank_profile), strict=False)),
    })


@require_safe
@require(can_manage_theses, deny=403)
def staff_submissions(request, pk):
    round_ = get_object_or_404(ThesisRound.objects.select_related("cohort"), pk=pk)
    page = Paginator(selectors.submissions_for_round(round_), 50).get_page(request.GET.get("page"))
    return render(request, "theses/staff_submissions.html",
                  {"round": round_, "page": page, "submissions": page.object_list})
