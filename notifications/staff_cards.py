"""The outbox's card on the staff area's front page (see core/staff_cards.py)."""

from django.urls import reverse

from core.staff_cards import Card, Line

from .models import OutboundEmail
from .permissions import can_manage_outbox
from .selectors import outbox_counts, outbox_health

State = OutboundEmail.State


def outbox_card(user):
    """Mail that waits for a person: to release, failed, or stuck. Two queries."""
    if not can_manage_outbox(user):
        return None
    counts = outbox_counts()
    health = outbox_health()
    url = reverse("notifications:outbox")
    return Card(
        key="outbox",
        title="Outbox",
        more_url=url,
        more_label="All mail",
        lines=[
            Line(counts[State.STAGED], "mail waiting for you to release it", "mails waiting for you to release them",
                 f"{url}?state={State.STAGED}"),
            Line(counts[State.FAILED], "mail that failed: look and retry", "mails that failed: look and retry",
                 f"{url}?state={State.FAILED}"),
            Line(health.stale_queued, "mail queued for over ten minutes", "mails queued for over ten minutes",
                 f"{url}?state={State.QUEUED}"),
        ],
    )
