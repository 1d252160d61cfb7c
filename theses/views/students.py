"""A student's pages: their thesis, ranking, own proposal, hand-ins, submissions."""

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from accounts.permissions import is_student
from core.access import require
from curriculum.models import Enrolment

from .. import selectors, services
from ..forms import (
    FeedbackForm,
    PreferencesForm,
    StudentProposalForm,
    SubmissionForm,
)
from ..models import Milestone, Submission
from ..permissions import can_manage_theses, can_view_submission

User = get_user_model()


# --- Students ----------------------------------------------------------------------------


@require_safe
@require(is_student, deny=403)
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
@require(is_student, deny=403)
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
        "choice_fields": form.choice_fields(),
    })


@require_http_methods(["GET", "POST"])
@require(is_student, deny=403)
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
@require(is_student, deny=403)
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
@require(is_student, deny=403)
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
