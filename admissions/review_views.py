"""Pages of the review phase: the reviewer's queue and review form, the admins'
list, application page, set-up, decisions, interviews and dashboard, and the
applicant's interview booking.

Views parse, authorise (404 for anything the user may not see, before any
change), call a review service and render or redirect.
"""

import csv
from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.defaultfilters import pluralize
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from . import review_chart, review_forms, review_selectors, review_services, selectors
from . import review_permissions as perms
from .models import (
    Application,
    ApplicationDocument,
    Decision,
    Intake,
    InterviewSlot,
    OfferCondition,
    ReviewAssignment,
    RubricCriterion,
)

PAGE_SIZE = 50


def reviewer_required(view):
    @login_required
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not perms.can_review(request.user):
            raise Http404
        return view(request, *args, **kwargs)

    return wrapper


def admin_required(view):
    @login_required
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not perms.can_manage_reviews(request.user):
            raise Http404
        return view(request, *args, **kwargs)

    return wrapper


def _intake_or_404(slug):
    intake = Intake.objects.select_related("programme", "academic_year").filter(slug=slug).first()
    if intake is None:
        raise Http404
    return intake


def _error(request, error):
    messages.error(request, error.message)


# --- Reviewers ---------------------------------------------------------------------


@reviewer_required
@require_safe
def review_queue(request):
    show = request.GET.get("show", "todo")
    if show not in ("todo", "done", "all"):
        show = "todo"
    page = Paginator(review_selectors.reviewer_queue(request.user, show), PAGE_SIZE).get_page(request.GET.get("page"))
    for assignment in page:
        setup = getattr(assignment.application.intake, "review_setup", None)
        assignment.code = review_selectors.reference_code(assignment.application_id)
        assignment.blind = bool(setup and setup.blind)
        assignment.due_on = setup.due_on if setup else None
    return render(
        request,
        "admissions/review/queue.html",
        {"page": page, "show": show, "counts": review_selectors.reviewer_counts(request.user)},
    )


def _csv_safe(value):
    """Keep spreadsheet programs from running a cell as a formula."""
    text = "" if value is None else str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


class _Echo:
    def write(self, value):
        return value


def _csv_response(filename, header, rows):
    writer = csv.writer(_Echo())

    def stream():
        yield writer.writerow(header)
        for row in rows:
            yield writer.writerow([_csv_safe(v) for v in row])

    response = StreamingHttpResponse(stream(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    return response


@reviewer_required
@require_safe
def review_queue_export(request):
    """The reviewer's own queue as CSV; in blind mode without names."""

    def rows():
        for assignment in review_selectors.reviewer_queue(request.user, "all").iterator(chunk_size=1000):
            application = assignment.application
            setup = getattr(application.intake, "review_setup", None)
            blind = bool(setup and setup.blind)
            yield [
                review_selectors.reference_code(application.pk),
                "" if blind else application.display_name,
                application.intake.title,
                setup.due_on.isoformat() if setup and setup.due_on else "",
                "reviewed" if assignment.reviewed_at else "to review",
                assignment.my_score if assignment.my_score is not None else "",
                assignment.my_recommendation or "",
            ]

    return _csv_response(
        "my-reviews.csv", ["reference", "name", "intake", "due", "state", "my score", "my recommendation"], rows()
    )


@never_cache
@reviewer_required
@require_http_methods(["GET", "POST"])
def review_application(request, pk):
    application = review_selectors.application_for_staff_or_404(request.user, pk)
    if not perms.can_review_application(request.user, application):
        raise Http404
    context = review_selectors.application_review_page(application, request.user)
    initial = {}
    if context["own_review"]:
        own = context["own_review"]
        initial = {"recommendation": own.recommendation, "comment": own.comment}
        initial.update({f"c{k}": v for k, v in context["own_scores"].items()})
    form = review_forms.ReviewForm(
        request.POST if request.method == "POST" else None, criteria=context["criteria"], initial=initial
    )
    if request.method == "POST" and form.is_valid():
        try:
            review_services.review_save(
                application=application, reviewer=request.user, scores=form.scores(),
                recommendation=form.cleaned_data["recommendation"], comment=form.cleaned_data["comment"],
                by=request.user,
            )
        except review_services.AdmissionsError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, f"Your review of {_name(application, context)} is saved.")
            if "next" in request.POST:
                following = review_selectors.next_assignment(request.user, application.pk)
                if following:
                    return redirect("admissions:review-application", pk=following)
                messages.info(request, "That was the last application waiting for your review.")
                return redirect("admissions:review-queue")
            return redirect("admissions:review-application", pk=application.pk)
    sensitive_answers = False
    return render(
        request,
        "admissions/review/application.html",
        {
            **context,
            "application": application,
            "intake": application.intake,
            "form": form,
            "score_fields": form.score_fields(),
            "name": _name(application, context),
            "sensitive_answers": sensitive_answers,
            "languages": application.languages,
        },
        status=400 if request.method == "POST" else 200,
    )


def _name(application, context):
    return application.display_name if context["show_identity"] else context["code"]


@reviewer_required
@require_http_methods(["GET", "POST"])
def review_conflict_declare(request, pk):
    application = review_selectors.application_for_staff_or_404(request.user, pk)
    if not perms.can_review_application(request.user, application):
        raise Http404
    form = review_forms.ApplicationConflictForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        review_services.conflict_declare(
            reviewer=request.user, intake=application.intake, application=application, by=request.user,
            reason=form.cleaned_data["reason"],
        )
        messages.success(request, "Thank you. The application is no longer yours to review; it will go to someone "
                                  "else.")
        return redirect("admissions:review-queue")
    setup = review_selectors.setup_of(application.intake)
    name = application.display_name if perms.sees_identity(request.user, setup) else \
        review_selectors.reference_code(application.pk)
    return render(request, "admissions/review/conflict.html", {"application": application, "name": name,
                                                                 "form": form})


@reviewer_required
@require_http_methods(["GET", "POST"])
def review_conflicts(request):
    intakes = Intake.objects.order_by("-closes_at")
    form = review_forms.ConflictForm(request.POST or None, intakes=intakes)
    if request.method == "POST" and form.is_valid():
        review_services.conflict_declare(
            reviewer=request.user, intake=form.cleaned_data["intake"], email=form.cleaned_data["email"],
            reason=form.cleaned_data["reason"], by=request.user,
        )
        messages.success(request, "Conflict declared. You will not be asked to review this person.")
        return redirect("admissions:review-conflicts")
    from .models import ReviewerConflict

    conflicts = ReviewerConflict.objects.filter(reviewer=request.user).select_related("intake")
    return render(request, "admissions/review/conflicts.html", {"form": form, "conflicts": conflicts})


@never_cache
@login_required
@require_safe
def staff_document(request, pk):
    """A document opened by staff (an admin, or an assigned reviewer): recorded, then served."""
    document = ApplicationDocument.objects.select_related("application__intake").filter(pk=pk).first()
    if document is None or document.application.state == Application.State.DRAFT:
        raise Http404
    try:
        review_services.document_open(document=document, by=request.user)
    except PermissionDenied:
        raise Http404 from None
    try:
        handle = document.file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    setup = review_selectors.setup_of(document.application.intake)
    filename = document.download_name
    if not perms.sees_identity(request.user, setup):
        filename = f"{review_selectors.reference_code(document.application_id)}-{document.kind}.pdf"
    response = FileResponse(handle, as_attachment=True, filename=filename, content_type="application/pdf")
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


# --- Admissions admins: the list ---------------------------------------------------------


def _filtered(request):
    return review_forms.ApplicationFilter(request.GET or None, queryset=review_selectors.admin_applications())


@admin_required
@require_safe
def admin_list(request):
    filterset = _filtered(request)
    page = Paginator(filterset.sorted_queryset(), PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    intakes = list(Intake.objects.order_by("-closes_at"))
    return render(
        request,
        "admissions/admin/list.html",
        {
            "filter": filterset,
            "page": page,
            "query": query.urlencode(),
            "intakes": intakes,
            "bulk_form": review_forms.BulkStageForm(),
            "outcome_labels": Decision.Outcome.choices,
        },
    )


@admin_required
@require_safe
def admin_export(request):
    """The filtered list as CSV: what the list shows, never sensitive answers or referees."""
    filterset = _filtered(request)

    def rows():
        for a in filterset.sorted_queryset().iterator(chunk_size=1000):
            summary = getattr(a, "review_summary", None)
            yield [
                review_selectors.reference_code(a.pk), a.display_name, a.applicant.email, a.intake.title,
                a.get_state_display(), a.submitted_at.date().isoformat() if a.submitted_at else "",
                a.assigned_count, a.reviews_in,
                summary.mean if summary else "", summary.median if summary else "",
                summary.spread if summary else "", "yes" if a.disagrees else "",
                Decision.Outcome(a.decision_outcome).label if a.decision_outcome else "",
                ("applied" if a.decision_released_at else "staged") if a.decision_outcome else "",
            ]

    header = ["reference", "name", "email", "intake", "state", "submitted", "reviewers", "reviews", "mean",
              "median", "spread", "disagreement", "decision", "decision state"]
    return _csv_response("applications.csv", header, rows())


@admin_required
@require_POST
def admin_bulk_stage(request):
    form = review_forms.BulkStageForm(request.POST)
    back = request.POST.get("back") or reverse("admissions:admin-list")
    if not back.startswith("/"):
        back = reverse("admissions:admin-list")
    if not form.is_valid():
        messages.error(request, "Choose a decision and at least one application.")
        return redirect(back)
    staged, refused = 0, []
    ids = [int(i) for i in request.POST.getlist("ids") if i.isdigit()]
    order = {pk: n for n, pk in enumerate(ids)}
    for application in sorted(form.cleaned_data["ids"], key=lambda a: order.get(a.pk, 0)):
        try:
            review_services.decision_stage(application=application, outcome=form.cleaned_data["outcome"],
                                           by=request.user)
            staged += 1
        except review_services.AdmissionsError as error:
            refused.append(f"{application.display_name}: {error.message}")
    if staged:
        messages.success(request, f"Staged {staged} decision{pluralize(staged)}. Nothing is sent until "
                                  "you apply them.")
    for line in refused:
        messages.error(request, line)
    return redirect(back)


# --- Admissions admins: one application --------------------------------------------------


@never_cache
@admin_required
@require_safe
def admin_application(request, pk):
    application = review_selectors.application_for_admin_or_404(request.user, pk)
    context = review_selectors.admin_application_page(application)
    review_context = review_selectors.application_review_page(application, request.user)
    return render(
        request,
        "admissions/admin/application.html",
        {
            **review_context,
            **context,
            "application": application,
            "intake": application.intake,
            "reviews": review_selectors.reviews_for(application),
            "assign_form": review_forms.AssignForm(),
            "condition_statuses": OfferCondition.Status.choices,
            "summary": getattr(application, "review_summary", None) if hasattr(application, "review_summary")
            else None,
        },
    )


@admin_required
@require_POST
def admin_assign(request, pk):
    application = review_selectors.application_for_admin_or_404(request.user, pk)
    form = review_forms.AssignForm(request.POST)
    if form.is_valid():
        try:
            review_services.assignment_add(application=application, reviewer=form.cleaned_data["reviewer"],
                                           by=request.user)
        except review_services.AdmissionsError as error:
            _error(request, error)
        else:
            messages.success(request, f"{form.cleaned_data['reviewer'].full_name} will review this application.")
    else:
        messages.error(request, "Choose a reviewer.")
    return redirect("admissions:admin-application", pk=application.pk)


@admin_required
@require_POST
def admin_unassign(request, pk):
    assignment = get_object_or_404(ReviewAssignment.objects.select_related("reviewer"), pk=pk)
    try:
        review_services.assignment_remove(assignment=assignment, by=request.user)
    except review_services.AdmissionsError as error:
        _error(request, error)
    else:
        messages.success(request, f"{assignment.reviewer.full_name} no longer reviews this application.")
    return redirect("admissions:admin-application", pk=assignment.application_id)


@never_cache
@admin_required
@require_http_methods(["GET", "POST"])
def admin_decision(request, pk):
    application = review_selectors.application_for_admin_or_404(request.user, pk)
    current = (
        Decision.objects.filter(application=application, superseded_at=None)
        .select_related("offer").prefetch_related("offer__conditions").first()
    )
    form = review_forms.DecisionForm(
        request.POST or None, initial=review_forms.DecisionForm.initial_from(current, application.intake.tz)
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        respond_by = None
        if data.get("respond_by"):
            from datetime import datetime, time

            respond_by = datetime.combine(data["respond_by"], time(12, 0), tzinfo=application.intake.tz)
        try:
            review_services.decision_stage(
                application=application, outcome=data["outcome"], by=request.user, conditions=form.conditions(),
                respond_by=respond_by, message=data.get("message") or "", waitlist_rank=data.get("waitlist_rank"),
            )
        except review_services.AdmissionsError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, "Decision staged. Apply it on the decisions page to write its email.")
            return redirect("admissions:admin-application", pk=application.pk)
    return render(
        request, "admissions/admin/decision.html",
        {"application": application, "intake": application.intake, "form": form, "current": current},
        status=400 if request.method == "POST" else 200,
    )


@admin_required
@require_POST
def admin_condition(request, pk):
    condition = get_object_or_404(OfferCondition.objects.select_related("offer__application"), pk=pk)
    form = review_forms.ConditionStatusForm(request.POST)
    application = condition.offer.application
    if form.is_valid():
        try:
            review_services.condition_decide(condition=condition, status=form.cleaned_data["status"],
                                             by=request.user)
        except review_services.AdmissionsError as error:
            _error(request, error)
        else:
            application.refresh_from_db()
            note = " The applicant is now enrolled as a student." if application.state == \
                Application.State.ENROLLED else ""
            label = OfferCondition.Status(form.cleaned_data["status"]).label.lower()
            messages.success(request, f"“{condition.text}” is now {label}.{note}")
    return redirect("admissions:admin-application", pk=application.pk)


# --- Set-up, assignment and decisions per intake ------------------------------------------


@never_cache
@admin_required
@require_http_methods(["GET", "POST"])
def admin_setup(request, slug):
    intake = _intake_or_404(slug)
    setup = review_services.setup_for(intake)
    form = review_forms.ReviewSetupForm(request.POST or None, instance=setup)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        review_services.review_setup_save(setup=setup, by=request.user, **data)
        messages.success(request, "Review set-up saved.")
        return redirect("admissions:admin-setup", slug=intake.slug)
    counts = {"total": ReviewAssignment.objects.filter(application__intake=intake).count()}
    unnotified = ReviewAssignment.objects.filter(application__intake=intake, notified_at=None) \
        .values("reviewer").distinct().count()
    reviewable = Application.objects.filter(intake=intake, state__in=review_services.REVIEWABLE).count()
    return render(
        request,
        "admissions/admin/setup.html",
        {
            "intake": intake, "setup": setup, "form": form, "criteria": review_selectors.rubric(intake),
            "criterion_form": review_forms.CriterionForm(prefix="new"), "assigned": counts["total"],
            "reviewable": reviewable, "unnotified": unnotified,
            "panel_size": len(review_services.panel_for(setup)),
        },
        status=400 if request.method == "POST" else 200,
    )


@admin_required
@require_POST
def admin_criterion_add(request, slug):
    intake = _intake_or_404(slug)
    form = review_forms.CriterionForm(request.POST, prefix="new", intake=intake)
    if form.is_valid():
        review_services.criterion_save(criterion=form.save(commit=False), by=request.user)
        messages.success(request, f"Added “{form.cleaned_data['name']}” to the rubric.")
    else:
        for field, errors in form.errors.items():
            messages.error(request, f"{form.fields[field].label if field in form.fields else ''}: {errors[0]}")
    return redirect("admissions:admin-setup", slug=intake.slug)


@never_cache
@admin_required
@require_http_methods(["GET", "POST"])
def admin_criterion_edit(request, pk):
    criterion = get_object_or_404(RubricCriterion.objects.select_related("intake"), pk=pk)
    form = review_forms.CriterionForm(request.POST or None, instance=criterion)
    if request.method == "POST" and form.is_valid():
        review_services.criterion_save(criterion=form.save(commit=False), by=request.user)
        messages.success(request, f"“{criterion.name}” saved.")
        return redirect("admissions:admin-setup", slug=criterion.intake.slug)
    return render(request, "admissions/admin/criterion.html", {"criterion": criterion, "form": form,
                                                                 "intake": criterion.intake},
                  status=400 if request.method == "POST" else 200)


@admin_required
@require_POST
def admin_criterion_delete(request, pk):
    criterion = get_object_or_404(RubricCriterion.objects.select_related("intake"), pk=pk)
    try:
        review_services.criterion_delete(criterion=criterion, by=request.user)
    except review_services.AdmissionsError as error:
        _error(request, error)
    else:
        messages.success(request, f"Removed “{criterion.name}” from the rubric.")
    return redirect("admissions:admin-setup", slug=criterion.intake.slug)


@admin_required
@require_POST
def admin_assignment_run(request, slug):
    intake = _intake_or_404(slug)
    plan = review_services.assignment_run(intake=intake, by=request.user)
    made = len(plan.pairs)
    messages.success(request, f"Made {made} new assignment{pluralize(made)}; reviewers with new "
                              "applications have been sent a digest.")
    if plan.short:
        messages.error(
            request,
            f"{len(plan.short)} application{pluralize(len(plan.short))} could not get enough reviewers "
            "without conflicts. Add reviewers to the panel, then run the assignment again.",
        )
    return redirect("admissions:admin-setup", slug=intake.slug)


@admin_required
@require_POST
def admin_digests(request, slug):
    intake = _intake_or_404(slug)
    sent = review_services.digests_send(intake=intake, by=request.user)
    messages.success(request, f"Sent a digest to {sent} reviewer{pluralize(sent)}.")
    return redirect("admissions:admin-setup", slug=intake.slug)


@never_cache
@admin_required
@require_safe
def admin_decisions(request, slug):
    intake = _intake_or_404(slug)
    staged = list(
        review_services.staged_decisions(intake).select_related("application__applicant", "decided_by")
        .prefetch_related("offer__conditions").order_by("outcome", "waitlist_rank", "pk")
    )
    unsent = list(review_services.unsent_decision_mails(intake).order_by("pk"))
    # Each waiting email beside the applicant and decision it tells them about.
    decisions = Decision.objects.select_related("application__applicant").in_bulk(
        [int(email.idempotency_key.rsplit(":", 1)[1]) for email in unsent]
    )
    for email in unsent:
        email.decision = decisions.get(int(email.idempotency_key.rsplit(":", 1)[1]))
    return render(
        request,
        "admissions/admin/decisions.html",
        {"intake": intake, "staged": staged, "unsent": unsent, "places": review_services.capacity(intake)},
    )


@admin_required
@require_POST
def admin_decisions_apply(request, slug):
    intake = _intake_or_404(slug)
    count = review_services.decisions_apply(intake=intake, by=request.user)
    messages.success(request, f"Applied {count} decision{pluralize(count)}. Their emails are staged: "
                              "check them, then send them.")
    return redirect("admissions:admin-decisions", slug=intake.slug)


@admin_required
@require_POST
def admin_decisions_send(request, slug):
    intake = _intake_or_404(slug)
    count = review_services.decision_mails_release(intake=intake, by=request.user)
    messages.success(request, f"Sent {count} decision email{pluralize(count)}.")
    return redirect("admissions:admin-decisions", slug=intake.slug)


@admin_required
@require_POST
def admin_waitlist_offer(request, slug):
    intake = _intake_or_404(slug)
    staged = review_services.waitlist_offer(intake=intake, by=request.user)
    messages.success(request, f"Staged {len(staged)} offer{pluralize(len(staged))} from the waiting list.")
    return redirect("admissions:admin-decisions", slug=intake.slug)


@never_cache
@admin_required
@require_http_methods(["GET", "POST"])
def admin_interviews(request, slug):
    intake = _intake_or_404(slug)
    form = review_forms.SlotForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            review_services.slot_create(intake=intake, by=request.user, **form.cleaned_data)
        except Exception:  # the unique constraint: the same time and place twice
            form.add_error(None, "There is already a slot at that time and place.")
        else:
            messages.success(request, "Interview slot added.")
            return redirect("admissions:admin-interviews", slug=intake.slug)
    slots = InterviewSlot.objects.filter(intake=intake).select_related("application__applicant")
    invited = Decision.objects.filter(application__intake=intake, superseded_at=None,
                                      outcome=Decision.Outcome.INTERVIEW).count()
    return render(request, "admissions/admin/interviews.html",
                  {"intake": intake, "form": form, "slots": slots, "invited": invited},
                  status=400 if request.method == "POST" else 200)


@admin_required
@require_POST
def admin_slot_delete(request, pk):
    slot = get_object_or_404(InterviewSlot.objects.select_related("intake"), pk=pk)
    try:
        review_services.slot_delete(slot=slot, by=request.user)
    except review_services.AdmissionsError as error:
        _error(request, error)
    else:
        messages.success(request, "Interview slot removed.")
    return redirect("admissions:admin-interviews", slug=slot.intake.slug)


@admin_required
@require_safe
def admin_dashboard(request):
    intakes = list(Intake.objects.select_related("programme").order_by("-closes_at"))
    if not intakes:
        return render(request, "admissions/admin/dashboard.html", {"intakes": []})
    chosen = next((i for i in intakes if i.slug == request.GET.get("intake")), intakes[0])
    data = review_selectors.dashboard(chosen)
    chart = review_chart.line_chart(data["moments"], data["series"])
    rows = [(moment, [line.values[i] for line in chart["lines"]]) for i, moment in enumerate(data["moments"])]
    return render(
        request, "admissions/admin/dashboard.html",
        {"intakes": intakes, "intake": chosen, "chart": chart, **data, "table_rows": rows,
         "places": review_services.capacity(chosen)},
    )


# --- Applicants: booking an interview -------------------------------------------------------


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def interview_book(request, pk):
    application = selectors.application_for_owner_or_404(request.user, pk)
    decision = review_services.interview_decision(application)
    if decision is None:
        raise Http404
    now = timezone.now()
    booked = InterviewSlot.objects.filter(application=application).select_related("intake__programme").first()
    slots = InterviewSlot.objects.filter(intake=application.intake, starts_at__gt=now).filter(
        application__isnull=True
    ).select_related("intake__programme") | InterviewSlot.objects.filter(application=application).select_related(
        "intake__programme"
    )
    form = review_forms.BookSlotForm(request.POST or None, slots=slots.order_by("starts_at"),
                                     initial={"slot": booked})
    if request.method == "POST" and form.is_valid():
        try:
            review_services.slot_book(application=application, slot=form.cleaned_data["slot"], by=request.user)
        except review_services.AdmissionsError as error:
            form.add_error("slot", error.message)
        else:
            messages.success(request, "Your interview is booked. We look forward to meeting you.")
            return redirect("admissions:interview-book", pk=application.pk)
    return render(
        request, "admissions/review/interview_book.html",
        {"application": application, "intake": application.intake, "decision": decision, "booked": booked,
         "form": form},
        status=400 if request.method == "POST" else 200,
    )
