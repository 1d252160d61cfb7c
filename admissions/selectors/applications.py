"""An applicant's own applications, fetched and authorised at once: what
someone may not see does not exist for them (404)."""

from django.db.models import (
    Prefetch,
)
from django.http import Http404
from django.utils.functional import cached_property

from .. import permissions
from ..models import (
    Application,
    ApplicationDocument,
    Decision,
    Offer,
    Referee,
)
from ..steps import step_status


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


def application_missing_steps(application):
    questions = list(application.intake.questions.all())
    documents = list(application.documents.all())
    rows, _all = step_status(application, questions, documents)
    return [step.title for step, complete in rows if not complete]


def interview_decision(application):
    return Decision.objects.filter(
        application=application, superseded_at=None, released_at__isnull=False, outcome=Decision.Outcome.INTERVIEW
    ).first()
