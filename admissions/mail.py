"""The mails admissions sends, registered with notifications, and the links in them.

Every mail goes through `notifications.services.queue_email` inside the
transaction of the event that causes it; delivery happens after commit, never
in the request.
"""

from datetime import timedelta

from django.conf import settings
from django.core import signing
from django.urls import reverse

from notifications.registry import Kind, register_purpose

REFERENCE_SALT = "admissions.reference-link"
REFERENCE_CHASE_AFTER = timedelta(days=7)
OFFER_REMINDERS = (timedelta(days=7), timedelta(days=1))

GROUP = "Admissions"


def absolute(path):
    return f"{settings.SITE_URL}{path}"


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
    "decision_summary": "We are delighted to offer you a place.",
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
    register_purpose(
        "admissions.decision",
        label="Decision on an application (to the applicant)",
        group=GROUP,
        kind=Kind.DECISION,
        placeholders={
            "name": "The applicant's short name",
            "intake": "The intake applied to",
            "decision_summary": "The decision in a sentence or two",
            "status_link": "The applicant's status page",
        },
        sample_context=_sample("name", "intake", "decision_summary", "status_link"),
        subject="A decision on your application: {intake}",
        body=(
            "Hello {name},\n\n"
            "We have made a decision on your application for {intake}.\n\n{decision_summary}\n\n"
            "Read the details and what happens next here:\n\n{status_link}\n\n"
            "Questions: {support_email}\n"
        ),
    )
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
