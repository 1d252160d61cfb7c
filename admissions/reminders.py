"""Reminder sources admissions registers with the notifications reminder engine.

- "admissions.reference_chase": one chase to a referee seven days after the
  request, unless the reference has arrived.
- "admissions.offer_response": reminders seven days and one day before an
  offer's deadline, while it is unanswered.
"""

from datetime import timedelta

from django.urls import reverse

from notifications.registry import ReminderMessage, register_reminder_source

from . import mail
from .models import Application, Offer, Referee

ACTIVE = [Application.State.SUBMITTED, Application.State.UNDER_REVIEW]


def references_due_between(start, end):
    """A chase is 'due' seven days after the request."""
    after = mail.REFERENCE_CHASE_AFTER
    referees = Referee.objects.filter(
        received_at=None,
        requested_at__gte=start - after,
        requested_at__lte=end - after,
        application__state__in=ACTIVE,
    ).exclude(token_nonce="").select_related("application__intake", "application__applicant")
    for referee in referees:
        yield referee, referee.requested_at + after


def reference_chase_message(referee, offset):
    referee.refresh_from_db(fields=["received_at", "token_nonce"])
    if referee.received_at is not None or not referee.token_nonce:
        return None
    from .services.references import _referee_context

    context = _referee_context(referee, referee.application)
    context.pop("relationship")
    return ReminderMessage(to=[referee.email], context=context, subject_objects=[referee.application])


def offers_due_between(start, end):
    offers = Offer.objects.filter(
        state=Offer.State.PENDING,
        respond_by__gte=start,
        respond_by__lte=end,
        decision__released_at__isnull=False,
        decision__superseded_at=None,
    ).select_related("application__intake__programme", "application__applicant")
    for offer in offers:
        yield offer, offer.respond_by


def offer_reminder_message(offer, offset):
    offer.refresh_from_db(fields=["state"])
    if offer.state != Offer.State.PENDING:
        return None
    application = offer.application
    return ReminderMessage(
        to=[application.applicant],
        context={
            "name": application.applicant.get_short_name(),
            "intake": application.intake.title,
            "respond_by": mail.deadline_words(offer.respond_by, application.intake.programme.timezone),
            "offer_link": mail.absolute(reverse("admissions:offer", args=[application.pk])),
        },
        subject_objects=[application],
    )


def register():
    register_reminder_source(
        "admissions.reference_chase",
        label="Chase a reference seven days after asking",
        purpose="admissions.reference_chase",
        offsets=(timedelta(0),),
        due_between=references_due_between,
        message=reference_chase_message,
    )
    register_reminder_source(
        "admissions.offer_response",
        label="Remind an applicant to answer their offer",
        purpose="admissions.offer_reminder",
        offsets=mail.OFFER_REMINDERS,
        due_between=offers_due_between,
        message=offer_reminder_message,
    )
