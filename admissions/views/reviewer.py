"""Reviewers' pages: their queue (and its CSV), the review form, conflicts of
interest, and the documents of applications assigned to them."""


from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_safe

from core.access import require

from .. import export, forms, permissions, selectors, services
from ..models import (
    Application,
    ApplicationDocument,
    Intake,
    ReviewerConflict,
)
from ._access import PAGE_SIZE


@require(permissions.can_review)
@require_safe
def review_queue(request):
    show = request.GET.get("show", "todo")
    if show not in ("todo", "done", "all"):
        show = "todo"
    page = Paginator(selectors.reviewer_queue(request.user, show), PAGE_SIZE).get_page(request.GET.get("page"))
    for assignment in page:
        setup = getattr(assignment.application.intake, "review_setup", None)
        assignment.code = selectors.reference_code(assignment.application_id)
        assignment.blind = bool(setup and setup.blind)
        assignment.due_on = setup.due_on if setup else None
    return render(
        request,
        "admissions/review/queue.html",
        {"page": page, "show": show, "counts": selectors.reviewer_counts(request.user)},
    )


@require(permissions.can_review)
@require_safe
def review_queue_export(request):
    """The reviewer's own queue as CSV; in blind mode without names."""
    return export.csv_response("my-reviews.csv", export.REVIEWER_QUEUE_HEADER, export.reviewer_queue_rows(request.user))


@never_cache
@require(permissions.can_review)
@require_http_methods(["GET", "POST"])
def review_application(request, pk):
    application = selectors.application_for_staff_or_404(request.user, pk)
    if not permissions.can_review_application(request.user, application):
        raise Http404
    context = selectors.application_review_page(application, request.user)
    initial = {}
    if context["own_review"]:
        own = context["own_review"]
        initial = {"recommendation": own.recommendation, "comment": own.comment}
        initial.update({f"c{k}": v for k, v in context["own_scores"].items()})
    form = forms.ReviewForm(
        request.POST if request.method == "POST" else None, criteria=context["criteria"], initial=initial
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.review_save(
                application=application, reviewer=request.user, scores=form.scores(),
                recommendation=form.cleaned_data["recommendation"], comment=form.cleaned_data["comment"],
                by=request.user,
            )
        except services.AdmissionsError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, f"Your review of {_name(application, context)} is saved.")
            if "next" in request.POST:
                following = selectors.next_assignment(request.user, application.pk)
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


@require(permissions.can_review)
@require_http_methods(["GET", "POST"])
def review_conflict_declare(request, pk):
    application = selectors.application_for_staff_or_404(request.user, pk)
    if not permissions.can_review_application(request.user, application):
        raise Http404
    form = forms.ApplicationConflictForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.conflict_declare(
            reviewer=request.user, intake=application.intake, application=application, by=request.user,
            reason=form.cleaned_data["reason"],
        )
        messages.success(request, "Thank you. The application is no longer yours to review; it will go to someone "
                                  "else.")
        return redirect("admissions:review-queue")
    setup = selectors.setup_of(application.intake)
    name = application.display_name if permissions.sees_identity(request.user, setup) else \
        selectors.reference_code(application.pk)
    return render(request, "admissions/review/conflict.html", {"application": application, "name": name,
                                                                 "form": form})


@require(permissions.can_review)
@require_http_methods(["GET", "POST"])
def review_conflicts(request):
    intakes = Intake.objects.order_by("-closes_at")
    form = forms.ConflictForm(request.POST or None, intakes=intakes)
    if request.method == "POST" and form.is_valid():
        services.conflict_declare(
            reviewer=request.user, intake=form.cleaned_data["intake"], email=form.cleaned_data["email"],
            reason=form.cleaned_data["reason"], by=request.user,
        )
        messages.success(request, "Conflict declared. You will not be asked to review this person.")
        return redirect("admissions:review-conflicts")

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
        services.document_open(document=document, by=request.user)
    except PermissionDenied:
        raise Http404 from None
    try:
        handle = document.file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    setup = selectors.setup_of(document.application.intake)
    filename = document.download_name
    if not permissions.sees_identity(request.user, setup):
        filename = f"{selectors.reference_code(document.application_id)}-{document.kind}.pdf"
    response = FileResponse(handle, as_attachment=True, filename=filename, content_type="application/pdf")
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response
