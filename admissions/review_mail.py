"""Mail the review phase sends, registered with notifications.

Decision mails are admissions I's "admissions.decision.<outcome>" purposes
(kind DECISION, so staged in the outbox until someone releases them). This module adds the
reviewer's digest of new assignments; it never names an applicant, so it is
safe in blind mode too.
"""

from notifications.registry import Kind, register_purpose

from .mail import GROUP

DIGEST = "admissions.review_digest"


def register():
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
