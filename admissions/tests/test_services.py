import datetime
import zoneinfo

import pytest
import time_machine
from django.core import signing
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.roles import Role
from accounts.tests.factories import UserFactory
from admissions import mail as admissions_mail
from admissions import services
from admissions.models import Application, Decision, DocumentKind, Offer, Referee
from admissions.tests.factories import (
    ApplicationFactory,
    IntakeFactory,
    PrivacyNoticeFactory,
    RefereeFactory,
    complete_application,
    pdf_upload,
)
from curriculum.tests.factories import ProgrammeFactory
from notifications.models import OutboundEmail
from notifications.reminder_engine import reminders_run

pytestmark = pytest.mark.django_db
LONDON = zoneinfo.ZoneInfo("Europe/London")


def submit(application, now=None):
    return services.application_submit(
        application=application, by=application.applicant, privacy_notice=PrivacyNoticeFactory(),
        declaration=True, now=now,
    )


def test_a_second_application_to_the_same_intake_is_refused_by_the_database():
    application = ApplicationFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        Application.objects.create(intake=application.intake, applicant=application.applicant)


def test_start_creates_a_prefilled_draft_once_and_gives_the_applicant_role():
    intake = IntakeFactory()
    user = UserFactory(full_name="Robin Ade")
    first, created = services.application_start(intake=intake, by=user)
    again, created_again = services.application_start(intake=intake, by=user)
    assert (created, created_again) == (True, False)
    assert first.pk == again.pk
    assert first.legal_name == "Robin Ade"
    assert first.state == Application.State.DRAFT
    assert Role.APPLICANT in set(user.groups.values_list("name", flat=True))


def test_start_on_a_closed_intake_is_refused():
    with pytest.raises(services.IntakeClosed):
        services.application_start(intake=IntakeFactory(closed=True), by=UserFactory())
    assert Application.objects.count() == 0


def test_saving_a_step_bumps_the_version_and_records_completion():
    application = ApplicationFactory()
    services.application_save_step(
        application=application, step="statement", values={"personal_statement": "Because."},
        complete=True, expected_version=1, by=application.applicant,
    )
    application.refresh_from_db()
    assert (application.version, application.personal_statement) == (2, "Because.")
    assert application.completed_steps == ["statement"]


def test_a_save_from_an_older_version_is_refused_and_the_newer_save_kept():
    """Two tabs: both opened at version 1; the second save is told, nothing is lost silently."""
    application = ApplicationFactory()
    tab_a = Application.objects.get(pk=application.pk)
    tab_b = Application.objects.get(pk=application.pk)
    services.application_save_step(
        application=tab_b, step="statement", values={"personal_statement": "From tab B"},
        complete=False, expected_version=1, by=application.applicant,
    )
    with pytest.raises(services.StaleVersion):
        services.application_save_step(
            application=tab_a, step="statement", values={"personal_statement": "From tab A"},
            complete=False, expected_version=1, by=application.applicant,
        )
    application.refresh_from_db()
    assert (application.personal_statement, application.version) == ("From tab B", 2)


def test_someone_else_cannot_save_a_step():
    application = ApplicationFactory()
    with pytest.raises(PermissionDenied):
        services.application_save_step(
            application=application, step="statement", values={"personal_statement": "x"},
            complete=True, expected_version=1, by=UserFactory(),
        )
    application.refresh_from_db()
    assert application.personal_statement == ""


def test_submit_locks_the_application_and_queues_the_acknowledgement_and_two_reference_requests():
    application = complete_application()
    submitted, now_submitted = submit(application)
    assert now_submitted is True
    assert submitted.state == Application.State.SUBMITTED
    assert submitted.privacy_notice.version == "2026-1"
    assert submitted.privacy_consented_at is not None
    mails = OutboundEmail.objects.order_by("pk")
    assert [m.purpose for m in mails] == [
        "admissions.acknowledgement", "admissions.reference_request", "admissions.reference_request",
    ]
    assert mails[0].to == [application.applicant.email]
    assert sorted(m.to[0] for m in mails[1:]) == sorted(r.email for r in application.referees.all())
    assert all(r.token_nonce and r.requested_at for r in application.referees.all())
    # The history says who submitted.
    last = submitted.history.first()
    assert (last.state, last.history_user) == ("submitted", application.applicant)
    with pytest.raises(services.ApplicationLocked):
        services.application_save_step(
            application=submitted, step="statement", values={"personal_statement": "late edit"},
            complete=True, expected_version=submitted.version, by=application.applicant,
        )


def test_submitting_twice_submits_once_and_queues_no_more_mail():
    application = complete_application()
    submit(application)
    again, now_submitted = submit(Application.objects.get(pk=application.pk))
    assert now_submitted is False
    assert again.state == Application.State.SUBMITTED
    assert OutboundEmail.objects.count() == 3


def test_an_incomplete_application_cannot_be_submitted():
    application = ApplicationFactory(complete=True)  # no referees, no documents
    with pytest.raises(services.Incomplete) as error:
        submit(application)
    assert "Documents" in error.value.missing
    application.refresh_from_db()
    assert application.state == Application.State.DRAFT
    assert OutboundEmail.objects.count() == 0


def test_submit_without_the_declaration_is_refused():
    application = complete_application()
    with pytest.raises(services.Incomplete):
        services.application_submit(
            application=application, by=application.applicant, privacy_notice=PrivacyNoticeFactory(),
            declaration=False,
        )


def test_only_the_applicant_can_submit():
    application = complete_application()
    with pytest.raises(PermissionDenied):
        services.application_submit(
            application=application, by=UserFactory(roles=[Role.ADMISSIONS_ADMIN]),
            privacy_notice=PrivacyNoticeFactory(), declaration=True,
        )
    application.refresh_from_db()
    assert application.state == Application.State.DRAFT


class TestDeadlineInTheProgrammesTimeZone:
    """Deadline 12:00 noon UK time on 31 March 2027, which is British Summer Time (11:00 UTC)."""

    deadline = datetime.datetime(2027, 3, 31, 12, 0, tzinfo=LONDON)

    def application(self):
        intake = IntakeFactory(
            opens_at=datetime.datetime(2027, 1, 1, tzinfo=LONDON), closes_at=self.deadline,
        )
        return complete_application(intake=intake)

    def test_the_last_second_before_is_accepted(self):
        application = self.application()
        _, submitted = submit(application, now=self.deadline - datetime.timedelta(seconds=1))
        assert submitted is True

    def test_the_deadline_itself_is_accepted(self):
        _, submitted = submit(self.application(), now=self.deadline)
        assert submitted is True

    def test_the_first_second_after_is_refused(self):
        application = self.application()
        with pytest.raises(services.DeadlinePassed):
            submit(application, now=self.deadline + datetime.timedelta(seconds=1))
        application.refresh_from_db()
        assert application.state == Application.State.DRAFT
        assert OutboundEmail.objects.count() == 0

    def test_noon_utc_is_already_past_noon_in_london(self):
        application = self.application()
        with pytest.raises(services.DeadlinePassed):
            submit(application, now=datetime.datetime(2027, 3, 31, 11, 0, 1, tzinfo=datetime.UTC))

    def test_another_programme_time_zone_is_honoured(self):
        new_york = zoneinfo.ZoneInfo("America/New_York")
        deadline = datetime.datetime(2027, 3, 31, 17, 0, tzinfo=new_york)
        intake = IntakeFactory(
            programme=ProgrammeFactory(timezone="America/New_York"),
            opens_at=datetime.datetime(2027, 1, 1, tzinfo=new_york), closes_at=deadline,
        )
        assert intake.deadline_words == "Wednesday 31 March 2027, 5:00pm America/New York"
        application = complete_application(intake=intake)
        _, submitted = submit(application, now=deadline - datetime.timedelta(seconds=1))
        assert submitted is True

    def test_deadline_in_words(self):
        intake = IntakeFactory(opens_at=datetime.datetime(2027, 1, 1, tzinfo=LONDON), closes_at=self.deadline)
        assert intake.deadline_words == "Wednesday 31 March 2027, 12:00 noon UK time"


def submitted_application():
    application = complete_application()
    submit(application)
    application.refresh_from_db()
    return application


def test_a_reference_link_works_once():
    application = submitted_application()
    referee = application.referees.get(order=1)
    token = admissions_mail.make_reference_token(referee)
    services.reference_submit(token=token, text="Sam is an excellent engineer.", file=pdf_upload("ref.pdf"))
    referee.refresh_from_db()
    assert referee.received_at is not None
    assert referee.reference_text == "Sam is an excellent engineer."
    assert referee.documents.get().kind == DocumentKind.REFERENCE
    with pytest.raises(services.ReferenceLinkInvalid) as error:
        services.reference_submit(token=token, text="Again")
    assert error.value.reason == "used"
    referee.refresh_from_db()
    assert referee.reference_text == "Sam is an excellent engineer."


def test_a_tampered_reference_link_is_refused():
    application = submitted_application()
    referee = application.referees.get(order=1)
    token = admissions_mail.make_reference_token(referee)
    other = application.referees.get(order=2)
    _payload, rest = token.split(":", 1)
    forged_payload = signing.b64_encode(
        f'{{"r":{other.pk},"n":"{referee.token_nonce}"}}'.encode()
    ).decode()
    forged = f"{forged_payload}:{rest}"
    assert forged != token
    for bad in (token[:-2] + "xx", forged, "nonsense"):
        with pytest.raises(services.ReferenceLinkInvalid) as error:
            services.referee_from_token(bad)
        assert error.value.reason == "invalid"


def test_an_expired_reference_link_is_refused():
    application = submitted_application()
    token = admissions_mail.make_reference_token(application.referees.get(order=1))
    with (
        time_machine.travel(timezone.now() + datetime.timedelta(days=29)),
        pytest.raises(services.ReferenceLinkInvalid) as error,
    ):
        services.referee_from_token(token)
    assert error.value.reason == "expired"


def test_a_link_from_before_a_new_request_no_longer_works():
    application = submitted_application()
    referee = application.referees.get(order=1)
    old = admissions_mail.make_reference_token(referee)
    services.referee_request(referee=referee, application=application)
    with pytest.raises(services.ReferenceLinkInvalid):
        services.referee_from_token(old)


def test_referees_are_chased_once_after_seven_days_unless_they_answered():
    application = submitted_application()
    answered = application.referees.get(order=1)
    services.reference_submit(token=admissions_mail.make_reference_token(answered), text="Yes.")
    requested = application.submitted_at
    assert reminders_run(now=requested + datetime.timedelta(days=6)) == 0
    assert reminders_run(now=requested + datetime.timedelta(days=7, minutes=5)) == 1
    assert reminders_run(now=requested + datetime.timedelta(days=7, minutes=10)) == 0
    chase = OutboundEmail.objects.get(purpose="admissions.reference_chase")
    assert chase.to == [application.referees.get(order=2).email]
    assert "/apply/reference/" in chase.body_text


def admin():
    return UserFactory(roles=[Role.ADMISSIONS_ADMIN])


def test_record_a_conditional_offer_and_the_applicant_accepts_before_the_deadline():
    application = submitted_application()
    respond_by = timezone.now() + datetime.timedelta(days=14)
    decision = services.decision_record(
        application=application, outcome=Decision.Outcome.OFFER, by=admin(), respond_by=respond_by,
        conditions=[("Degree awarded with at least a 2:1", None)],
    )
    application.refresh_from_db()
    assert application.state == Application.State.DECIDED
    assert decision.released_at is not None
    offer = decision.offer
    assert offer.conditional is True
    assert [c.text for c in offer.conditions.all()] == ["Degree awarded with at least a 2:1"]
    mail = OutboundEmail.objects.get(purpose="admissions.decision.conditional_offer")
    assert mail.state == OutboundEmail.State.STAGED
    services.offer_respond(offer=offer, accept=True, by=application.applicant)
    offer.refresh_from_db()
    assert offer.state == Offer.State.ACCEPTED


def test_an_offer_cannot_be_answered_after_its_deadline():
    application = submitted_application()
    respond_by = timezone.now() + datetime.timedelta(days=3)
    decision = services.decision_record(
        application=application, outcome=Decision.Outcome.OFFER, by=admin(), respond_by=respond_by,
    )
    with pytest.raises(services.OfferClosed):
        services.offer_respond(
            offer=decision.offer, accept=True, by=application.applicant,
            now=respond_by + datetime.timedelta(seconds=1),
        )
    decision.offer.refresh_from_db()
    assert decision.offer.state == Offer.State.PENDING


def test_only_admissions_admins_record_decisions():
    application = submitted_application()
    with pytest.raises(PermissionDenied):
        services.decision_record(
            application=application, outcome=Decision.Outcome.OFFER, by=UserFactory(roles=[Role.REVIEWER])
        )
    assert Decision.objects.count() == 0


def test_offer_reminders_go_seven_days_and_one_day_before_the_deadline():
    application = submitted_application()
    respond_by = timezone.now() + datetime.timedelta(days=20)
    services.decision_record(
        application=application, outcome=Decision.Outcome.OFFER, by=admin(), respond_by=respond_by,
    )
    assert reminders_run(now=respond_by - datetime.timedelta(days=8)) == 0
    assert reminders_run(now=respond_by - datetime.timedelta(days=7)) == 1
    assert reminders_run(now=respond_by - datetime.timedelta(days=1)) == 1
    assert reminders_run(now=respond_by - datetime.timedelta(hours=12)) == 0
    reminders = OutboundEmail.objects.filter(purpose="admissions.offer_reminder")
    assert reminders.count() == 2
    assert "Action needed" in reminders.first().subject


def test_no_offer_reminder_once_answered():
    application = submitted_application()
    respond_by = timezone.now() + datetime.timedelta(days=20)
    decision = services.decision_record(
        application=application, outcome=Decision.Outcome.OFFER, by=admin(), respond_by=respond_by,
    )
    services.offer_respond(offer=decision.offer, accept=False, by=application.applicant)
    assert reminders_run(now=respond_by - datetime.timedelta(days=7)) == 0


def test_evidence_is_uploaded_for_a_condition():
    application = submitted_application()
    decision = services.decision_record(
        application=application, outcome=Decision.Outcome.OFFER, by=admin(),
        conditions=[("Proof of your degree", None)],
    )
    condition = decision.offer.conditions.get()
    document = services.document_add(
        application=application, kind=DocumentKind.EVIDENCE, file=pdf_upload("degree.pdf"),
        by=application.applicant, condition=condition,
    )
    assert list(condition.evidence.all()) == [document]


def test_withdraw_before_enrolling_withdraws_the_offer_and_stops_reference_links():
    application = submitted_application()
    decision = services.decision_record(
        application=application, outcome=Decision.Outcome.OFFER, by=admin(),
    )
    token = admissions_mail.make_reference_token(application.referees.get(order=1))
    services.application_withdraw(application=application, by=application.applicant, reason="Took a job")
    application.refresh_from_db()
    decision.offer.refresh_from_db()
    assert application.state == Application.State.WITHDRAWN
    assert decision.offer.state == Offer.State.WITHDRAWN
    assert OutboundEmail.objects.filter(purpose="admissions.withdrawn").count() == 1
    with pytest.raises(services.ReferenceLinkInvalid):
        services.referee_from_token(token)


def test_an_enrolled_applicant_cannot_withdraw():
    application = ApplicationFactory(state=Application.State.ENROLLED, submitted_at=timezone.now(),
                                     privacy_notice=PrivacyNoticeFactory(), privacy_consented_at=timezone.now())
    with pytest.raises(services.ApplicationLocked):
        services.application_withdraw(application=application, by=application.applicant)


def test_a_new_decision_supersedes_the_old_and_withdraws_its_unanswered_offer():
    application = submitted_application()
    first = services.decision_record(application=application, outcome=Decision.Outcome.OFFER, by=admin())
    second = services.decision_record(application=application, outcome=Decision.Outcome.REJECT, by=admin())
    first.refresh_from_db()
    first.offer.refresh_from_db()
    assert first.superseded_at is not None
    assert first.offer.state == Offer.State.WITHDRAWN
    assert Decision.objects.get(application=application, superseded_at=None) == second


def test_a_new_upload_replaces_the_old_one_of_the_same_kind():
    application = ApplicationFactory()
    first = services.document_add(application=application, kind=DocumentKind.CV, file=pdf_upload("a.pdf"),
                                  by=application.applicant)
    second = services.document_add(application=application, kind=DocumentKind.CV, file=pdf_upload("Sam Lee CV.pdf"),
                                   by=application.applicant)
    assert list(application.documents.all()) == [second]
    assert second.file.name != first.file.name
    assert "Sam" not in second.file.name and "CV" not in second.file.name  # stored names reveal nothing


def test_referee_rows_are_unique_per_order():
    application = ApplicationFactory()
    RefereeFactory(application=application, order=1)
    with pytest.raises(IntegrityError), transaction.atomic():
        Referee.objects.create(application=application, order=1, name="x", relationship="y", email="z@example.org")
