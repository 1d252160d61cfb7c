"""Reads the admissions pages need, with related rows fetched up front so a page
costs the same number of queries whatever the data size. `*_or_404` helpers
fetch and authorise at once: what someone may not see does not exist for them.
"""

from datetime import timedelta

from django.db.models import Count, Prefetch, Q
from django.http import Http404
from django.utils import timezone
from django.utils.functional import cached_property

from . import permissions
from .models import Application, ApplicationDocument, Decision, Intake, Offer, Referee


def _intakes():
    return Intake.objects.published().select_related("programme", "academic_year")


def apply_page(now=None):
    """Open intakes, and for programmes with none open, the last closed and the next to open.

    Returns {"open": [...], "closed": [(closed intake, next intake or None), ...]}. Three queries.
    """
    now = now or timezone.now()
    open_intakes = list(_intakes().filter(opens_at__lte=now, closes_at__gte=now).order_by("closes_at"))
    upcoming = list(_intakes().filter(opens_at__gt=now).order_by("opens_at"))
    open_programmes = {intake.programme_id for intake in open_intakes}
    recently_closed = list(
        _intakes()
        .filter(closes_at__lt=now, closes_at__gte=now - timedelta(days=366))
        .exclude(programme_id__in=open_programmes)
        .order_by("-closes_at")
    )
    closed, seen = [], set()
    for intake in recently_closed:
        if intake.programme_id in seen:
            continue
        seen.add(intake.programme_id)
        following = next((u for u in upcoming if u.programme_id == intake.programme_id), None)
        closed.append((intake, following))
    upcoming_only = [
        u for u in upcoming if u.programme_id not in open_programmes and u.programme_id not in seen
    ]
    return {"open": open_intakes, "closed": closed, "upcoming": upcoming_only}


def intake_by_slug_or_404(slug):
    intake = _intakes().prefetch_related("questions").filter(slug=slug).first()
    if intake is None:
        raise Http404
    return intake


def next_open_intake(now=None, programme=None):
    now = now or timezone.now()
    qs = _intakes().filter(opens_at__lte=now, closes_at__gte=now)
    if programme is not None:
        qs = qs.filter(programme=programme)
    return qs.order_by("closes_at").first()


def applications_for_applicant(user):
    """The status page: every application of the user with what each step needs."""
    current_decisions = Decision.objects.filter(superseded_at=None, released_at__isnull=False).prefetch_related(
        Prefetch("offer", queryset=Offer.objects.prefetch_related("conditions__evidence"))
    )
    return (
        Application.objects.filter(applicant=user)
        .select_related(
            "intake__programme", "intake__academic_year", "interview_slot__intake__programme",
            "enrolment_link__enrolment__cohort",
        )
        .prefetch_related(
            Prefetch("referees", queryset=Referee.objects.order_by("order")),
            Prefetch("decisions", queryset=current_decisions, to_attr="released_decisions"),
        )
        .order_by("-created_at")
    )


def application_for_owner_or_404(user, pk):
    """The user's own application, with its intake; 404 for anyone else's."""
    application = (
        Application.objects.select_related("intake__programme", "intake__academic_year", "applicant")
        .filter(pk=pk)
        .first()
    )
    if application is None or not permissions.is_owner(user, application):
        raise Http404
    return application


class ApplicationDetail:
    """Related rows of an application, each read on first use only, so a step
    save that needs only the questions costs no query for the rest."""

    def __init__(self, application):
        self.application = application

    def __getitem__(self, name):
        return getattr(self, name)

    @cached_property
    def questions(self):
        return list(self.application.intake.questions.all())

    @cached_property
    def documents(self):
        return list(
            self.application.documents.filter(kind__in=permissions.APPLICANT_DOCUMENT_KINDS).order_by("uploaded_at")
        )

    @cached_property
    def referees(self):
        return list(self.application.referees.order_by("order"))

    @cached_property
    def answers(self):
        return {a.question_id: a for a in self.application.answers.all()}


def application_detail(application):
    """Related rows for the task list, the steps and the check page (read lazily)."""
    return ApplicationDetail(application)


def document_or_404(user, pk):
    document = (
        ApplicationDocument.objects.select_related("application").filter(pk=pk).first()
    )
    if document is None or not permissions.can_download_document(user, document):
        raise Http404
    return document


def current_offer_or_404(user, application):
    offer = (
        Offer.objects.filter(
            application=application, decision__released_at__isnull=False, decision__superseded_at=None
        )
        .select_related("decision")
        .prefetch_related("conditions__evidence")
        .first()
    )
    if offer is None or not permissions.is_owner(user, application):
        raise Http404
    return offer


def intake_counts(intake):
    return intake.applications.aggregate(
        submitted=Count("pk", filter=~Q(state=Application.State.DRAFT)),
        drafts=Count("pk", filter=Q(state=Application.State.DRAFT)),
    )
