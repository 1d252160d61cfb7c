"""Admissions admins' pages: the list of applications (and its CSV), one
application, review set-up, assignment, decisions, the waiting list,
interviews and the dashboard."""


from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.template.defaultfilters import pluralize
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from core.access import require

from .. import charts, export, forms, permissions, selectors, services
from ..models import (
    Application,
    Decision,
    Intake,
    InterviewSlot,
    OfferCondition,
    ReviewAssignment,
    RubricCriterion,
)
from ._access import PAGE_SIZE, intake_or_404, show_error


def _filtered(request):
    return forms.ApplicationFilter(request.GET or None, queryset=selectors.admin_applications())


@require(permissions.can_manage_reviews)
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
            "bulk_form": forms.BulkStageForm(),
        },
    )


@require(permissions.can_manage_reviews)
@require_safe
def admin_export(request):
    """The filtered list as CSV: what the list shows, never sensitive answers or referees."""
    filterset = _filtered(request)
    return export.csv_response(
        "applications.csv", export.APPLICATIONS_HEADER, export.application_rows(filterset.sorted_queryset())
    )


@require(permissions.can_manage_reviews)
@require_POST
def admin_bulk_stage(request):
    form = forms.BulkStageForm(request.POST)
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
            services.decision_stage(application=application, outcome=form.cleaned_data["outcome"],
                                           by=request.user)
            staged += 1
        except services.AdmissionsError as error:
            refused.append(f"{application.display_name}: {error.message}")
    if staged:
        messages.success(request, f"Staged {staged} decision{pluralize(staged)}. Nothing is sent until "
                                  "you apply them.")
    for line in refused:
        messages.error(request, line)
    return redirect(back)


@never_cache
@require(permissions.can_manage_reviews)
@require_safe
def admin_application(request, pk):
    application = selectors.application_for_admin_or_404(request.user, pk)
    context = selectors.admin_application_page(application)
    review_context = selectors.application_review_page(application, request.user)
    return render(
        request,
        "admissions/admin/application.html",
        {
            **review_context,
            **context,
            "application": application,
            "intake": application.intake,
            "reviews": selectors.reviews_for(application),
            "assign_form": forms.AssignForm(),
            "condition_statuses": OfferCondition.Status.choices,
            "summary": getattr(application, "review_summary", None) if hasattr(application, "review_summary")
            else None,
        },
    )


@require(permissions.can_manage_reviews)
@require_POST
def admin_assign(request, pk):
    application = selectors.application_for_admin_or_404(request.user, pk)
    form = forms.AssignForm(request.POST)
    if form.is_valid():
        try:
            services.assignment_add(application=application, reviewer=form.cleaned_data["reviewer"],
                                           by=request.user)
        except services.AdmissionsError as error:
            show_error(request, error)
        else:
            messages.success(request, f"{form.cleaned_data['reviewer'].full_name} will review this application.")
    else:
        messages.error(request, "Choose a reviewer.")
    return redirect("admissions:admin-application", pk=application.pk)


@require(permissions.can_manage_reviews)
@require_POST
def admin_unassign(request, pk):
    assignment = get_object_or_404(ReviewAssignment.objects.select_related("reviewer"), pk=pk)
    try:
        services.assignment_remove(assignment=assignment, by=request.user)
    except services.AdmissionsError as error:
        show_error(request, error)
    else:
        messages.success(request, f"{assignment.reviewer.full_name} no longer reviews this application.")
    return redirect("admissions:admin-application", pk=assignment.application_id)


@never_cache
@require(permissions.can_manage_reviews)
@require_http_methods(["GET", "POST"])
def admin_decision(request, pk):
    application = selectors.application_for_admin_or_404(request.user, pk)
    current = (
        Decision.objects.filter(application=application, superseded_at=None)
        .select_related("offer").prefetch_related("offer__conditions").first()
    )
    form = forms.DecisionForm(
        request.POST or None, initial=forms.DecisionForm.initial_from(current, application.intake.tz)
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        respond_by = None
        if data.get("respond_by"):
            from datetime import datetime, time

            respond_by = datetime.combine(data["respond_by"], time(12, 0), tzinfo=application.intake.tz)
        try:
            services.decision_stage(
                application=application, outcome=data["outcome"], by=request.user, conditions=form.conditions(),
                respond_by=respond_by, message=data.get("message") or "", waitlist_rank=data.get("waitlist_rank"),
            )
        except services.AdmissionsError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, "Decision staged. Apply it on the decisions page to write its email.")
            return redirect("admissions:admin-application", pk=application.pk)
    return render(
        request, "admissions/admin/decision.html",
        {"application": application, "intake": application.intake, "form": form, "current": current},
        status=400 if request.method == "POST" else 200,
    )


@require(permissions.can_manage_reviews)
@require_POST
def admin_condition(request, pk):
    condition = get_object_or_404(OfferCondition.objects.select_related("offer__application"), pk=pk)
    form = forms.ConditionStatusForm(request.POST)
    application = condition.offer.application
    if form.is_valid():
        try:
            services.condition_decide(condition=condition, status=form.cleaned_data["status"],
                                             by=request.user)
        except services.AdmissionsError as error:
            show_error(request, error)
        else:
            application.refresh_from_db()
            note = " The applicant is now enrolled as a student." if application.state == \
                Application.State.ENROLLED else ""
            label = OfferCondition.Status(form.cleaned_data["status"]).label.lower()
            messages.success(request, f"“{condition.text}” is now {label}.{note}")
    return redirect("admissions:admin-application", pk=application.pk)


@never_cache
@require(permissions.can_manage_reviews)
@require_http_methods(["GET", "POST"])
def admin_setup(request, slug):
    intake = intake_or_404(slug)
    setup = services.setup_for(intake)
    form = forms.ReviewSetupForm(request.POST or None, instance=setup)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        services.review_setup_save(setup=setup, by=request.user, **data)
        messages.success(request, "Review set-up saved.")
        return redirect("admissions:admin-setup", slug=intake.slug)
    counts = {"total": ReviewAssignment.objects.filter(application__intake=intake).count()}
    unnotified = ReviewAssignment.objects.filter(application__intake=intake, notified_at=None) \
        .values("reviewer").distinct().count()
    reviewable = Application.objects.filter(intake=intake, state__in=services.REVIEWABLE).count()
    return render(
        request,
        "admissions/admin/setup.html",
        {
            "intake": intake, "setup": setup, "form": form, "criteria": selectors.rubric(intake),
            "criterion_form": forms.CriterionForm(prefix="new"), "assigned": counts["total"],
            "reviewable": reviewable, "unnotified": unnotified,
            "panel_size": len(selectors.panel_for(setup)),
        },
        status=400 if request.method == "POST" else 200,
    )


@require(permissions.can_manage_reviews)
@require_POST
def admin_criterion_add(request, slug):
    intake = intake_or_404(slug)
    form = forms.CriterionForm(request.POST, prefix="new", intake=intake)
    if form.is_valid():
        services.criterion_save(criterion=form.save(commit=False), by=request.user)
        messages.success(request, f"Added “{form.cleaned_data['name']}” to the rubric.")
    else:
        for field, errors in form.errors.items():
            messages.error(request, f"{form.fields[field].label if field in form.fields else ''}: {errors[0]}")
    return redirect("admissions:admin-setup", slug=intake.slug)


@never_cache
@require(permissions.can_manage_reviews)
@require_http_methods(["GET", "POST"])
def admin_criterion_edit(request, pk):
    criterion = get_object_or_404(RubricCriterion.objects.select_related("intake"), pk=pk)
    form = forms.CriterionForm(request.POST or None, instance=criterion)
    if request.method == "POST" and form.is_valid():
        services.criterion_save(criterion=form.save(commit=False), by=request.user)
        messages.success(request, f"“{criterion.name}” saved.")
        return redirect("admissions:admin-setup", slug=criterion.intake.slug)
    return render(request, "admissions/admin/criterion.html", {"criterion": criterion, "form": form,
                                                                 "intake": criterion.intake},
                  status=400 if request.method == "POST" else 200)


@require(permissions.can_manage_reviews)
@require_POST
def admin_criterion_delete(request, pk):
    criterion = get_object_or_404(RubricCriterion.objects.select_related("intake"), pk=pk)
    try:
        services.criterion_delete(criterion=criterion, by=request.user)
    except services.AdmissionsError as error:
        show_error(request, error)
    else:
        messages.success(request, f"Removed “{criterion.name}” from the rubric.")
    return redirect("admissions:admin-setup", slug=criterion.intake.slug)


@require(permissions.can_manage_reviews)
@require_POST
def admin_assignment_run(request, slug):
    intake = intake_or_404(slug)
    plan = services.assignment_run(intake=intake, by=request.user)
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


@require(permissions.can_manage_reviews)
@require_POST
def admin_digests(request, slug):
    intake = intake_or_404(slug)
    sent = services.digests_send(intake=intake, by=request.user)
    messages.success(request, f"Sent a digest to {sent} reviewer{pluralize(sent)}.")
    return redirect("admissions:admin-setup", slug=intake.slug)


@never_cache
@require(permissions.can_manage_reviews)
@require_safe
def admin_decisions(request, slug):
    intake = intake_or_404(slug)
    staged = list(
        selectors.staged_decisions(intake).select_related("application__applicant", "decided_by")
        .prefetch_related("offer__conditions").order_by("outcome", "waitlist_rank", "pk")
    )
    unsent = list(selectors.unsent_decision_mails(intake).order_by("pk"))
    # Each waiting email beside the applicant and decision it tells them about.
    for email in unsent:
        email.decision = email.admissions_decision
    return render(
        request,
        "admissions/admin/decisions.html",
        {"intake": intake, "staged": staged, "unsent": unsent, "places": selectors.capacity(intake)},
    )


@require(permissions.can_manage_reviews)
@require_POST
def admin_decisions_apply(request, slug):
    intake = intake_or_404(slug)
    count = services.decisions_apply(intake=intake, by=request.user)
    messages.success(request, f"Applied {count} decision{pluralize(count)}. Their emails are staged: "
                              "check them, then send them.")
    return redirect("admissions:admin-decisions", slug=intake.slug)


@require(permissions.can_manage_reviews)
@require_POST
def admin_decisions_send(request, slug):
    intake = intake_or_404(slug)
    count = services.decision_mails_release(intake=intake, by=request.user)
    messages.success(request, f"Sent {count} decision email{pluralize(count)}.")
    return redirect("admissions:admin-decisions", slug=intake.slug)


@require(permissions.can_manage_reviews)
@require_POST
def admin_waitlist_offer(request, slug):
    intake = intake_or_404(slug)
    staged = services.waitlist_offer(intake=intake, by=request.user)
    messages.success(request, f"Staged {len(staged)} offer{pluralize(len(staged))} from the waiting list.")
    return redirect("admissions:admin-decisions", slug=intake.slug)


@never_cache
@require(permissions.can_manage_reviews)
@require_http_methods(["GET", "POST"])
def admin_interviews(request, slug):
    intake = intake_or_404(slug)
    form = forms.SlotForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.slot_create(intake=intake, by=request.user, **form.cleaned_data)
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


@require(permissions.can_manage_reviews)
@require_POST
def admin_slot_delete(request, pk):
    slot = get_object_or_404(InterviewSlot.objects.select_related("intake"), pk=pk)
    try:
        services.slot_delete(slot=slot, by=request.user)
    except services.AdmissionsError as error:
        show_error(request, error)
    else:
        messages.success(request, "Interview slot removed.")
    return redirect("admissions:admin-interviews", slug=slot.intake.slug)


@require(permissions.can_manage_reviews)
@require_safe
def admin_dashboard(request):
    intakes = list(Intake.objects.select_related("programme").order_by("-closes_at"))
    if not intakes:
        return render(request, "admissions/admin/dashboard.html", {"intakes": []})
    chosen = next((i for i in intakes if i.slug == request.GET.get("intake")), intakes[0])
    data = selectors.dashboard(chosen)
    chart = charts.line_chart(data["moments"], data["series"])
    rows = [(moment, [line.values[i] for line in chart["lines"]]) for i, moment in enumerate(data["moments"])]
    return render(
        request, "admissions/admin/dashboard.html",
        {"intakes": intakes, "intake": chosen, "chart": chart, **data, "table_rows": rows,
         "places": selectors.capacity(chosen)},
    )
