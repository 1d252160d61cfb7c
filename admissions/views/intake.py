"""Admissions admins' set-up pages: the intakes, one form to create or edit an
intake with its extra questions, and the privacy notice's versions. Others get
404, like every admin page."""


from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count, Q
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_safe

from core.access import require

from .. import forms, permissions, services
from ..models import (
    Application,
    Intake,
    PrivacyNotice,
)


def _phase(intake, now):
    if not intake.is_published:
        return "hidden", "Hidden from applicants"
    if now < intake.opens_at:
        return "upcoming", f"Opens {intake.opens_words}"
    if now <= intake.closes_at:
        return "open", f"Open until {intake.deadline_words}"
    return "closed", f"Closed {intake.deadline_words}"


@never_cache
@require(permissions.can_manage_reviews)
@require_safe
def intake_list(request):
    intakes = list(
        Intake.objects.select_related("programme", "academic_year", "cohort")
        .annotate(
            # distinct: the two joins (applications, questions) multiply rows.
            drafts=Count("applications", filter=Q(applications__state=Application.State.DRAFT), distinct=True),
            submitted=Count("applications", filter=~Q(applications__state=Application.State.DRAFT), distinct=True),
            question_count=Count("questions", distinct=True),
        )
        .order_by("-academic_year__starts_on", "closes_at", "pk")
    )
    now = timezone.now()
    for intake in intakes:
        intake.phase, intake.phase_text = _phase(intake, now)
    return render(request, "admissions/intakes/list.html", {"intakes": intakes})


def _forms(request, intake):
    data = None
    if request.method == "POST":
        data = request.POST.copy()
        if "add_question" in request.POST:  # "Add another question" works without JavaScript
            data["questions-TOTAL_FORMS"] = str(int(data.get("questions-TOTAL_FORMS") or 0) + 1)
    form = forms.IntakeForm(data, instance=intake)
    questions = forms.QuestionFormSet(data, instance=intake, prefix="questions")
    for number, row in enumerate(questions.forms, start=1):
        # Numbered, so a screen reader hears "Question 2", not the same label again.
        row.fields["label"].label = f"Question {number}"
    return form, questions


def _valid(form, questions):
    valid = all([form.is_valid(), questions.is_valid()])
    for error in questions.non_form_errors():
        form.add_error(None, error)
    for number, row in enumerate(questions.forms, start=1):
        for error in row.non_field_errors():
            form.add_error(None, f"Question {number}: {error}")
        if any(name != "__all__" for name in row.errors):
            form.add_error(None, f"Question {number}: check the fields marked below.")
    return valid and not form.errors


@never_cache
@require(permissions.can_manage_reviews)
@require_http_methods(["GET", "POST"])
def intake_form(request, slug=None):
    intake = get_object_or_404(Intake.objects.select_related("programme"), slug=slug) if slug else Intake()
    form, questions = _forms(request, intake)
    saving = request.method == "POST" and "add_question" not in request.POST
    if saving and _valid(form, questions):
        try:
            intake = services.intake_save(
                intake=form.save(commit=False), questions=questions.save(commit=False),
                removed=questions.deleted_objects, by=request.user,
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, f"“{intake.title}” is saved.")
            return redirect("admissions:intake-admin-list")
    answered = bool(intake.pk) and intake.applications.exclude(state=Application.State.DRAFT).exists()
    return render(
        request,
        "admissions/intakes/form.html",
        {"form": form, "questions": questions, "intake": intake if intake.pk else None, "answered": answered},
        status=400 if saving else 200,
    )


@never_cache
@require(permissions.can_manage_reviews)
@require_http_methods(["GET", "POST"])
def privacy_notices(request):
    """Every version of the privacy notice with how many applicants agreed to it, and
    a form for the next version, starting from the current text."""
    notices = list(PrivacyNotice.objects.order_by("-published_at", "-pk"))
    consents = dict(
        Application.objects.filter(privacy_notice__isnull=False)
        .values_list("privacy_notice").annotate(n=Count("pk")).order_by()
    )
    for notice in notices:
        notice.consents = consents.get(notice.pk, 0)
    current = notices[0] if notices else None
    initial = {"title": current.title, "body": current.body} if current else {}
    form = forms.PrivacyNoticeForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        notice = services.privacy_notice_publish(**form.cleaned_data, by=request.user)
        messages.success(request, f"Version {notice.version} is published: applicants now see it.")
        return redirect("admissions:privacy-notice-admin")
    return render(
        request, "admissions/intakes/privacy_notices.html",
        {"notices": notices, "current": current, "form": form},
        status=400 if request.method == "POST" else 200,
    )
