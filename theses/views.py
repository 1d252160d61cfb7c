"""Thesis pages: public (/theses/), students (/theses/my/), staff (/staff/theses/)."""

from functools import wraps

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from accounts.permissions import is_student
from curriculum.models import Enrolment

from . import selectors, services
from .forms import (
    AssignForm,
    FeedbackForm,
    MilestonesForm,
    PartnerProposalForm,
    PreferencesForm,
    ProposalForm,
    RoundForm,
    RoundSettingsForm,
    RunForm,
    ShowcaseForm,
    StudentProposalForm,
    SubmissionForm,
)
from .models import AllocationRun, Milestone, Proposal, ShowcaseEntry, Submission, ThesisRound
from .permissions import can_approve_proposal, can_manage_theses, can_view_submission

User = get_user_model()


def staff_required(view):
    @wraps(view)
    @login_required
    def wrapper(request, *args, **kwargs):
        if not can_manage_theses(request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper


def student_required(view):
    @wraps(view)
    @login_required
    def wrapper(request, *args, **kwargs):
        if not is_student(request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper


# --- Public --------------------------------------------------------------------------


@require_safe
def index(request):
    page = Paginator(selectors.open_proposals(), 20).get_page(request.GET.get("page"))
    return render(request, "theses/index.html", {
        "page": page, "proposals": page.object_list, "showcase": list(selectors.showcase_entries()[:12]),
        "under_way": list(selectors.projects_under_way()[:12]),
    })


@require_safe
def proposal_detail(request, slug):
    proposal = selectors.public_proposal(slug)
    if proposal is None or (proposal.partner_id and not proposal.partner.approved):
        raise Http404
    showcase = (ShowcaseEntry.objects.filter(proposal=proposal, published=True)
                .prefetch_related("consenting_members").first())
    return render(request, "theses/proposal_detail.html", {"proposal": proposal, "showcase": showcase})


def client_ip(request):
    """The caller's address; behind N trusted proxies, the Nth from the right of X-Forwarded-For."""
    proxies = getattr(settings, "AXES_IPWARE_PROXY_COUNT", 0)
    if proxies:
        chain = [p.strip() for p in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if p.strip()]
        if len(chain) >= proxies:
            return chain[-proxies]
    return request.META.get("REMOTE_ADDR", "unknown")


def rate_limited(request, *, scope, limit, window):
    """Count this request against a per-address budget kept in the cache; True when over it."""
    key = f"theses:rate:{scope}:{client_ip(request)}"
    cache.add(key, 0, timeout=window)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=window)
        count = 1
    return count > limit


HONEYPOT = "fax_number"


@require_http_methods(["GET", "POST"])
def partner_propose(request):
    form = PartnerProposalForm(request.POST or None)
    if request.method == "POST":
        limit, window = settings.THESES_PROPOSAL_RATE
        if rate_limited(request, scope="partner-propose", limit=limit, window=window):
            return render(request, "theses/rate_limited.html", {"minutes": max(1, window // 60)}, status=429)
        if request.POST.get(HONEYPOT):
            # A bot filled the field people never see: answer as if it worked, keep nothing.
            request.session["theses_proposed_email"] = request.POST.get("contact_email", "")
            return redirect("theses:partner-propose-done")
        if form.is_valid():
            data = form.cleaned_data
            services.partner_proposal_submit(
                partner={k: data[k] for k in PartnerProposalForm.PARTNER_FIELDS},
                proposal={k: v for k, v in data.items() if k not in PartnerProposalForm.PARTNER_FIELDS},
            )
            request.session["theses_proposed_email"] = data["contact_email"]
            return redirect("theses:partner-propose-done")
    return render(request, "theses/partner_propose.html", {"form": form, "honeypot": HONEYPOT})


@require_safe
def partner_propose_done(request):
    return render(request, "theses/partner_propose_done.html",
                  {"email": request.session.get("theses_proposed_email")})


# --- Students ----------------------------------------------------------------------------


@require_safe
@student_required
def student_home(request):
    context = selectors.student_home(request.user)
    context["now"] = timezone.now()
    return render(request, "theses/student_home.html", context)


def _enrolment_or_404(user):
    enrolment = selectors.current_enrolment(user)
    if enrolment is None:
        raise Http404("You are not in a cohort with a thesis round.")
    return enrolment


@require_http_methods(["GET", "POST"])
@student_required
def preferences(request):
    enrolment = _enrolment_or_404(request.user)
    cohort, round_ = enrolment.cohort, enrolment.cohort.thesis_round
    proposals = list(services.rankable_proposals(cohort=cohort, student=request.user)
                     .select_related("partner", "supervisor").order_by("title", "id"))
    classmates = list(User.objects.filter(enrolments__cohort=cohort, enrolments__status=Enrolment.Status.ACTIVE)
                      .exclude(pk=request.user.pk).order_by("full_name", "id"))
    plist = (cohort.thesis_preference_lists.filter(student=request.user)
             .prefetch_related("choices__proposal", "teammates").first())
    initial = {}
    if plist:
        initial = {f"choice_{c.rank}": str(c.proposal_id) for c in plist.choices.all()}
        initial["teammates"] = [str(u.pk) for u in plist.teammates.all()]
    form = PreferencesForm(request.POST or None, initial=initial, proposals=proposals, classmates=classmates)
    closed = timezone.now() > round_.preferences_close_at
    if request.method == "POST" and closed:
        form.is_valid()
        form.add_error(None, "Preferences closed on "
                       f"{timezone.localtime(round_.preferences_close_at):%A %-d %B %Y at %H:%M}. "
                       "Ask the thesis coordinator if you need to change them.")
    elif request.method == "POST" and form.is_valid():
        try:
            services.preferences_submit(
                student=request.user, cohort=cohort, proposal_ids=form.ranked_ids(request.POST),
                teammate_ids=form.cleaned_data["teammates"], by=request.user,
            )
        except ValidationError as error:
            for message in error.messages:
                form.add_error(None, message)
        else:
            messages.success(request, "Your ranking is saved. You can change it until preferences close.")
            return redirect("theses:student-home")
    return render(request, "theses/preferences.html", {
        "form": form, "proposals": proposals, "round": round_, "closed": closed,
        "saved": list(plist.choices.all()) if plist else [],
        "saved_teammates": list(plist.teammates.all()) if plist else [],
        "choice_fields": [form[f"choice_{n}"] for n in range(1, 6)],
    })


@require_http_methods(["GET", "POST"])
@student_required
def student_propose(request):
    enrolment = _enrolment_or_404(request.user)
    form = StudentProposalForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        proposal = services.student_proposal_submit(
            data=data, supervisor=data["supervisor"], cohort=enrolment.cohort, by=request.user)
        messages.success(request, f"We have asked {proposal.supervisor.full_name} to approve “{proposal.title}”. "
                                  "Once they do, you can rank it.")
        return redirect("theses:student-home")
    return render(request, "theses/student_propose.html", {"form": form})


@require_http_methods(["GET", "POST"])
@student_required
def submission_create(request, pk):
    enrolment = _enrolment_or_404(request.user)
    milestone = get_object_or_404(Milestone.objects.select_related("round"), pk=pk,
                                  round__cohort=enrolment.cohort)
    existing = Submission.objects.filter(milestone=milestone, student=request.user).first()
    form = SubmissionForm(request.POST or None, request.FILES or None, initial={
        "repository_url": existing.repository_url if existing else "",
        "demo_url": existing.demo_url if existing else "",
    })
    if request.method == "POST" and form.is_valid():
        try:
            submission = services.submission_submit(
                milestone=milestone, student=request.user, by=request.user,
                repository_url=form.cleaned_data["repository_url"], demo_url=form.cleaned_data["demo_url"],
                report=form.cleaned_data["report"],
            )
        except ValidationError as error:
            field = "report" if "PDF" in " ".join(error.messages) or "MB" in " ".join(error.messages) else None
            for message in error.messages:
                form.add_error(field, message)
        else:
            note = " It is marked late: the due time had passed." if submission.late else ""
            messages.success(request, f"Your {milestone.get_kind_display().lower()} is handed in.{note}")
            return redirect(submission)
    return render(request, "theses/submission_form.html",
                  {"form": form, "milestone": milestone, "existing": existing})


def _submission_or_404(request, pk):
    submission = get_object_or_404(
        Submission.objects.select_related("milestone__round__cohort", "student", "proposal__supervisor",
                                          "feedback_by"), pk=pk)
    if not can_view_submission(request.user, submission):
        raise Http404
    return submission


@require_http_methods(["GET", "POST"])
@login_required
def submission_detail(request, pk):
    submission = _submission_or_404(request, pk)
    can_feedback = can_manage_theses(request.user)
    form = FeedbackForm(request.POST or None, initial={"feedback": submission.feedback}) if can_feedback else None
    if request.method == "POST":
        if not can_feedback:
            raise PermissionDenied
        if form.is_valid():
            services.submission_feedback(submission=submission, feedback=form.cleaned_data["feedback"],
                                         by=request.user)
            messages.success(request, f"Feedback saved; {submission.student.full_name} can read it now.")
            return redirect(submission)
    return render(request, "theses/submission_detail.html",
                  {"submission": submission, "form": form, "can_feedback": can_feedback})


@require_safe
@login_required
def submission_report(request, pk):
    submission = _submission_or_404(request, pk)
    if not submission.report:
        raise Http404
    return FileResponse(submission.report.open("rb"), content_type="application/pdf", as_attachment=True,
                        filename=f"{submission.milestone.kind}-report.pdf")


@require_POST
@student_required
def showcase_consent(request):
    assignment = services.published_assignment(student=request.user)
    if assignment is None:
        raise Http404
    consent = request.POST.get("consent") == "yes"
    services.showcase_consent(proposal=assignment.proposal, student=request.user, consent=consent,
                              by=request.user)
    messages.success(request, "Your name will be shown with the finished tool." if consent
                     else "Your name will not be shown with the finished tool.")
    return redirect("theses:student-home")


# --- Staff ------------------------------------------------------------------------------------


@require_safe
@staff_required
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
@staff_required
def staff_proposal_create(request):
    form = ProposalForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        proposal = services.proposal_create(data=form.cleaned_data, by=request.user)
        messages.success(request, f"“{proposal.title}” is approved. Open it when students may rank it.")
        return redirect("theses:staff-proposal", proposal.pk)
    return render(request, "theses/staff_proposal_form.html", {"form": form, "proposal": None})


@require_http_methods(["GET", "POST"])
@staff_required
def staff_proposal_edit(request, pk):
    proposal = get_object_or_404(Proposal, pk=pk)
    form = ProposalForm(request.POST or None, instance=proposal)
    if request.method == "POST" and form.is_valid():
        services.proposal_update(proposal=proposal, data=form.cleaned_data, by=request.user)
        messages.success(request, "Saved.")
        return redirect("theses:staff-proposal", proposal.pk)
    return render(request, "theses/staff_proposal_form.html", {"form": form, "proposal": proposal})


@require_safe
@staff_required
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
@staff_required
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
@staff_required
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
@staff_required
def staff_round_create(request):
    form = RoundForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        round_ = form.save()
        messages.success(request, f"Thesis round started for {round_.cohort}.")
        return redirect("theses:staff-round", round_.pk)
    return render(request, "theses/staff_round_form.html", {"form": form})


@require_http_methods(["GET", "POST"])
@staff_required
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
@staff_required
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
@staff_required
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
@staff_required
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
@staff_required
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
@staff_required
def run_status(request, pk):
    run = _run(pk)
    return render(request, "theses/partials/run_status.html", {"run": run})


@require_POST
@staff_required
def run_assign(request, pk):
    run = _run(pk)
    form = AssignForm(request.POST)
    if form.is_valid():
        student = get_object_or_404(User, pk=form.cleaned_data["student"])
        raw = form.cleaned_data["proposal"]
        proposal = get_object_or_404(Proposal, pk=raw) if raw else None
        try:
            services.assignment_set(run=run, student=student, proposal=proposal, by=request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, f"{student.full_name}: " + (f"moved to “{proposal.title}”." if proposal
                                                                  else "taken off their project."))
    return redirect(run)


@require_POST
@staff_required
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
@staff_required
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
@staff_required
def staff_submissions(request, pk):
    round_ = get_object_or_404(ThesisRound.objects.select_related("cohort"), pk=pk)
    page = Paginator(selectors.submissions_for_round(round_), 50).get_page(request.GET.get("page"))
    return render(request, "theses/staff_submissions.html",
                  {"round": round_, "page": page, "submissions": page.object_list})
