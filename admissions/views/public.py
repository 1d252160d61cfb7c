"""Pages anyone may read: open intakes, an intake, the privacy notice."""


from django.http import Http404
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_safe

from .. import selectors
from ..models import (
    Application,
)


@require_safe
def apply(request):
    page = selectors.apply_page()
    mine = {}
    if request.user.is_authenticated:
        mine = {a.intake_id: a for a in Application.objects.filter(applicant=request.user)}
    for intake in page["open"]:
        intake.my_application = mine.get(intake.pk)
    return render(request, "admissions/apply.html", {**page, "has_applications": bool(mine)})


@require_safe
def intake_detail(request, slug):
    intake = selectors.intake_by_slug_or_404(slug)
    application = None
    if request.user.is_authenticated:
        application = Application.objects.filter(intake=intake, applicant=request.user).first()
    return render(
        request,
        "admissions/intake_detail.html",
        {
            "intake": intake,
            "application": application,
            "is_open": intake.is_open(),
            "not_yet_open": timezone.now() < intake.opens_at,
            "required_documents": intake.required_document_kinds(),
            "questions": list(intake.questions.all()),
        },
    )


@require_safe
def privacy_notice(request):
    notice = selectors.current_privacy_notice()
    if notice is None:
        raise Http404
    return render(request, "admissions/privacy_notice.html", {"notice": notice})
