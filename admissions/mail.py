"""The mails admissions sends, registered with notifications, and the links in them.

Every mail goes through `notifications.services.queue_email` inside the
transaction of the event that causes it; delivery happens after commit, never
in the request.
"""

from datetime import timedelta

from django.conf import settings
from django.core import signing
from django.urls import reverse

from core.links import absolute  # admissions' services build their links with mail.absolute
from notifications.registry import Kind, register_purpose

from .permissions import can_manage_reviews

REFERENCE_SALT = "admissions.reference-link"
REFERENCE_CHASE_AFTER = timedelta(days=7)
OFFER_REMINDERS = (timedelta(days=7), timedelta(days=1))

GROUP = "Admissions"
# A reviewer's digest of new assignments never names an applicant, so it is safe in blind mode.
DIGEST = "admissions.review_digest"


def reference_link_max_age():
    return getattr(settings, "ADMISSIONS_REFERENCE_LINK_DAYS", 28) * 24 * 3600


def make_reference_token(referee):
    return signing.TimestampSigner(salt=REFERENCE_SALT).sign_object({"r": referee.pk, "n": referee.token_nonce})


def read_reference_token(token):
    """(referee id, nonce) from a link; raises SignatureExpired or BadSignature."""
    data = signing.TimestampSigner(salt=REFERENCE_SALT).unsign_object(token, max_age=reference_link_max_age())
    return data.get("r"), data.get("n")


def reference_url(referee):
    return absolute(reverse("admissions:reference-upload", args=[make_reference_token(referee)]))


def deadline_words(moment, tz_name):
    from .models import moment_in_words

    return moment_in_words(moment, tz_name)


SAMPLE = {
    "name": "Sam",
    "intake": "MSc Public Technology, full-time, 2027/28",
    "status_link": "https://mpt.example.ac.uk/apply/status/",
    "referee_names": "Dr Alex Morgan and Jamie Patel",
    "referee_name": "Dr Alex Morgan",
    "applicant_name": "Sam Lee",
    "relationship": "Line manager at Hackney Council",
    "link": "https://mpt.example.ac.uk/apply/reference/sample/",
    "link_valid_until": "Friday 30 April 2027",
    "respond_by": "Friday 30 April 2027, 12:00 noon UK time",
    "offer_link": "https://mpt.example.ac.uk/apply/application/1/offer/",
    "message": "We especially liked your work on the council's bin collection data.\n\n",
    "conditions": "- Proof of your degree result (by Friday 30 July 2027)",
    "booking_link": "https://mpt.example.ac.uk/apply/interview/1/",
}


def _sample(*names):
    return {name: SAMPLE[name] for name in names}


def register():
    register_purpose(
        "admissions.acknowledgement",
        label="Application received (to the applicant)",
        group=GROUP,
        kind=Kind.ACKNOWLEDGEMENT,
        placeholders={
            "name": "The applicant's short name",
            "intake": "The intake applied to",
            "referee_names": "The two referees' names",
            "status_link": "The applicant's status page",
        },
        sample_context=_sample("name", "intake", "referee_names", "status_link"),
        subject="We have received your application: {intake}",
        body=(
            "Hello {name},\n\n"
            "Thank you for applying for {intake}. We have received your application and it is now locked.\n\n"
            "We have asked your referees, {referee_names}, for references. You can follow every step, "
            "including when each reference arrives, here:\n\n{status_link}\n\n"
            "Questions: {support_email}\n"
        ),
    )
    register_purpose(
        "admissions.reference_request",
        label="Reference request (to a referee)",
        group=GROUP,
        kind=Kind.REQUEST,
        asks_for_action=True,
        placeholders={
            "referee_name": "The referee's name",
            "applicant_name": "The applicant's name",
            "relationship": "How the applicant says they know the referee",
            "intake": "The intake applied to",
            "link": "The private link for uploading the reference",
            "link_valid_until": "The last day the link works",
        },
        sample_context=_sample(
            "referee_name", "applicant_name", "relationship", "intake", "link", "link_valid_until"
        ),
        subject="Reference for {applicant_name}",
        body=(
            "Dear {referee_name},\n\n"
            "{applicant_name} has applied for {intake} at {site_name} and named you as a referee "
            "({relationship}).\n\n"
            "Please tell us about their ability to code and their motivation for public-good technology. "
            "You can type your reference or upload it as a PDF, without creating an account:\n\n{link}\n\n"
            "The link works once, until {link_valid_until}. It is private to you: please do not forward it.\n\n"
            "If you cannot give a reference, reply to let us know. Questions: {support_email}\n"
        ),
    )
    register_purpose(
        "admissions.reference_chase",
        label="Reference reminder, after seven days (to a referee)",
        group=GROUP,
        kind=Kind.REMINDER,
        asks_for_action=True,
        placeholders={
            "referee_name": "The referee's name",
            "applicant_name": "The applicant's name",
            "intake": "The intake applied to",
            "link": "The private link for uploading the reference",
            "link_valid_until": "The last day the link works",
        },
        sample_context=_sample("referee_name", "applicant_name", "intake", "link", "link_valid_until"),
        subject="Reminder: reference for {applicant_name}",
        body=(
            "Dear {referee_name},\n\n"
            "A week ago we asked you for a reference for {applicant_name}, who has applied for {intake}. "
            "We have not received it yet. The application cannot be decided without it.\n\n"
            "You can type it or upload a PDF here, until {link_valid_until}:\n\n{link}\n\n"
            "If you cannot give a reference, reply to let us know. Questions: {support_email}\n"
        ),
    )
    register_decision_purposes()
    register_purpose(
        "admissions.offer_reminder",
        label="Reminder to answer an offer (to the applicant)",
        group=GROUP,
        kind=Kind.REMINDER,
        asks_for_action=True,
        placeholders={
            "name": "The applicant's short name",
            "intake": "The intake applied to",
            "respond_by": "When the offer must be answered, in words",
            "offer_link": "The offer page",
        },
        sample_context=_sample("name", "intake", "respond_by", "offer_link"),
        subject="Please answer your offer for {intake} by {respond_by}",
        body=(
            "Hello {name},\n\n"
            "You have an offer of a place on {intake}. Please accept or decline it by {respond_by}; "
            "after that the offer lapses.\n\n{offer_link}\n\n"
            "Questions: {support_email}\n"
        ),
    )
    register_purpose(
        "admissions.withdrawn",
        label="Application withdrawn (to the applicant)",
        group=GROUP,
        kind=Kind.ACKNOWLEDGEMENT,
        placeholders={"name": "The applicant's short name", "intake": "The intake applied to"},
        sample_context=_sample("name", "intake"),
        subject="You have withdrawn your application: {intake}",
        body=(
            "Hello {name},\n\n"
            "You have withdrawn your application for {intake}. We will not consider it further and "
            "have told no one else.\n\n"
            "If this was a mistake, write to {support_email} as soon as you can.\n"
        ),
    )
    register_digest()


# --- Decision mails: one purpose per outcome, so each reads right and staff can word each -------------

DECISION_PLACEHOLDERS = {
    "name": "The applicant's short name",
    "intake": "The intake applied to",
    "message": "The admissions team's note on this decision, if any (followed by a blank line), else nothing",
    "status_link": "The applicant's status page",
}
OFFER_PLACEHOLDERS = {
    "respond_by": "When the offer must be accepted or declined, in words",
    "offer_link": "The offer page, where they accept or decline",
}

# outcome key → (label, extra placeholders, asks for action, subject, body)
DECISION_MAILS = {
    "offer": (
        "Offer of a place (to the applicant)",
        OFFER_PLACEHOLDERS,
        True,
        "Your offer of a place: {intake}",
        "Hello {name},\n\n"
        "We are delighted to offer you a place on {intake}.\n\n"
        "{message}"
        "Please accept or decline the offer by {respond_by}; after that it lapses:\n\n{offer_link}\n\n"
        "Questions: {support_email}\n",
    ),
    "conditional_offer": (
        "Conditional offer of a place (to the applicant)",
        {**OFFER_PLACEHOLDERS, "conditions": "The offer's conditions, one per line with their due dates"},
        True,
        "Your conditional offer of a place: {intake}",
        "Hello {name},\n\n"
        "We are delighted to offer you a place on {intake}, on these conditions:\n\n{conditions}\n\n"
        "{message}"
        "Please accept or decline the offer by {respond_by}, and upload your evidence for each condition "
        "on your offer page:\n\n{offer_link}\n\n"
        "Questions: {support_email}\n",
    ),
    "waitlist": (
        "Place on the waiting list (to the applicant)",
        {},
        False,
        "Your application to {intake}: waiting list",
        "Hello {name},\n\n"
        "We cannot offer you a place on {intake} yet, but we have put you on our waiting list. If a place "
        "frees up we will offer it to the next person on the list and write to you at once. You do not need "
        "to do anything now.\n\n"
        "{message}"
        "Your application: {status_link}\n\n"
        "Questions: {support_email}\n",
    ),
    "rejection": (
        "Unsuccessful application (to the applicant)",
        {},
        False,
        "Your application to {intake}",
        "Hello {name},\n\n"
        "Thank you for applying to {intake}. We are sorry: we cannot offer you a place this year.\n\n"
        "{message}"
        "Your application: {status_link}\n\n"
        "Questions: {support_email}\n",
    ),
    "interview": (
        "Invitation to interview (to the applicant)",
        {"booking_link": "The page where they choose an interview time"},
        True,
        "Choose a time for your interview: {intake}",
        "Hello {name},\n\n"
        "We would like to invite you to an interview for {intake}.\n\n"
        "{message}"
        "Please choose a time that suits you here:\n\n{booking_link}\n\n"
        "Questions: {support_email}\n",
    ),
}


def decision_purpose(key):
    """The purpose of the decision mail for an outcome key of DECISION_MAILS."""
    return f"admissions.decision.{key}"


def register_decision_purposes():
    """Decision mails are staged for release; admissions admins steer them in the outbox as outbox staff do."""
    for key, (label, extra, asks, subject, body) in DECISION_MAILS.items():
        placeholders = {**DECISION_PLACEHOLDERS, **extra}
        register_purpose(
            decision_purpose(key),
            label=label,
            group=GROUP,
            kind=Kind.DECISION,
            asks_for_action=asks,
            placeholders=placeholders,
            sample_context=_sample(*placeholders),
            subject=subject,
            body=body,
            steered_by=can_manage_reviews,
        )


def register_digest():
    register_purpose(
        DIGEST,
        label="New applications to review (digest to a reviewer)",
        group=GROUP,
        kind=Kind.REQUEST,
        asks_for_action=True,
        placeholders={
            "name": "The reviewer's short name",
            "count": "How many applications were newly assigned",
            "intake": "The intake they belong to",
            "due": "When reviews are due, in words",
            "queue_link": "The reviewer's list of applications to review",
        },
        sample_context={
            "name": "Priya",
            "count": "12",
            "intake": "MSc Public Technology, full-time, 2027/28",
            "due": "Friday 14 May 2027",
            "queue_link": "https://mpt.example.ac.uk/review/",
        },
        subject="{count} new applications to review: {intake}",
        body=(
            "Hello {name},\n\n"
            "{count} applications for {intake} have been assigned to you since we last wrote. "
            "Reviews are due by {due}.\n\n"
            "Your list, with the rubric and each application, is here:\n\n{queue_link}\n\n"
            "If you know an applicant personally, please declare a conflict of interest on their "
            "application and it will go to someone else.\n\n"
            "Questions: {support_email}\n"
        ),
    )
