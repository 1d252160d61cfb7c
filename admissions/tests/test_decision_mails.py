"""Each decision reaches the applicant in its own words: an offer never reads
like a rejection, and mails that ask for an answer say so in the subject."""

import datetime

import pytest

from admissions import services
from admissions.models import Decision
from admissions.tests.builders import admin_user, submitted
from notifications.models import OutboundEmail

pytestmark = pytest.mark.django_db
Outcome = Decision.Outcome
UTC = datetime.UTC


def decide(outcome, **kwargs):
    application = submitted()
    services.decision_record(application=application, outcome=outcome, by=admin_user(), **kwargs)
    mail = OutboundEmail.objects.get(idempotency_key__startswith="admissions:decision:")
    return application, mail


def test_an_offer_asks_for_an_answer_by_its_deadline_in_the_programmes_time_zone():
    application, mail = decide(Outcome.OFFER, respond_by=datetime.datetime(2027, 4, 30, 11, 0, tzinfo=UTC))

    intake = application.intake.title
    assert mail.purpose == "admissions.decision.offer"
    assert mail.subject == f"Action needed: Your offer of a place: {intake}"
    assert f"We are delighted to offer you a place on {intake}." in mail.body_text
    assert "by Friday 30 April 2027, 12:00 noon UK time" in mail.body_text
    assert f"/apply/application/{application.pk}/offer/" in mail.body_text
    assert mail.state == OutboundEmail.State.STAGED


def test_a_conditional_offer_lists_its_conditions_with_their_dates():
    _, mail = decide(Outcome.OFFER, conditions=[("Your degree is awarded with a 2:1", datetime.date(2027, 7, 30)),
                                                ("A copy of your passport", None)])

    assert mail.purpose == "admissions.decision.conditional_offer"
    assert ("- Your degree is awarded with a 2:1 (by Friday 30 July 2027)\n- A copy of your passport\n"
            in mail.body_text)


@pytest.mark.parametrize(
    ("outcome", "purpose", "subject", "sentence"),
    [
        (Outcome.WAITLIST, "waitlist", "Your application to {}: waiting list", "put you on our waiting list"),
        (Outcome.REJECT, "rejection", "Your application to {}", "we cannot offer you a place this year"),
        (Outcome.INTERVIEW, "interview", "Action needed: Choose a time for your interview: {}",
         "We would like to invite you to an interview"),
    ],
)
def test_other_outcomes_have_their_own_purpose_subject_and_words(outcome, purpose, subject, sentence):
    application, mail = decide(outcome, waitlist_rank=1 if outcome == Outcome.WAITLIST else None)

    assert mail.purpose == f"admissions.decision.{purpose}"
    assert mail.subject == subject.format(application.intake.title)
    assert sentence in mail.body_text
    assert "delighted" not in mail.body_text


def test_an_interview_links_to_the_booking_page_and_the_teams_note_is_included():
    application, mail = decide(Outcome.INTERVIEW, message="Interviews are on Teams and last 30 minutes.")

    assert f"/apply/interview/{application.pk}/" in mail.body_text
    assert "Interviews are on Teams and last 30 minutes.\n\nPlease choose a time" in mail.body_text


def test_without_a_note_no_empty_paragraph_is_left():
    _, mail = decide(Outcome.REJECT)
    assert "\n\n\n" not in mail.body_text


def test_an_interview_staged_without_a_note_does_not_repeat_the_pages_default_line():
    from admissions import services

    application = submitted()
    admin = admin_user()
    services.decision_stage(application=application, outcome=Outcome.INTERVIEW, by=admin)
    services.decisions_apply(intake=application.intake, by=admin)

    mail = OutboundEmail.objects.get(idempotency_key__startswith="admissions:decision:")
    assert services.INTERVIEW_MESSAGE not in mail.body_text
    assert "Please choose a time that suits you here:" in mail.body_text
