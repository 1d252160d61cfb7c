"""The people card on the staff home (/staff/), for whoever may manage people."""

from django.urls import reverse
from django.utils import timezone

from core.staff_cards import Card, Line

from . import permissions
from .models import Invitation, User


def people_card(user):
    """Pending invitations and deactivated accounts. Two queries."""
    if not permissions.can_manage_people(user):
        return None
    waiting = Invitation.objects.filter(state=Invitation.State.PENDING, expires_at__gt=timezone.now()).count()
    inactive = User.objects.filter(is_active=False, email_verified_at__isnull=False).count()
    url = reverse("people:person-list")
    return Card(
        key="people",
        title="People and roles",
        more_url=url,
        more_label="See everyone and their roles",
        lines=[
            Line(waiting, "invitation waiting", "invitations waiting", f"{url}#invitations"),
            Line(inactive, "deactivated account", "deactivated accounts", f"{url}?status=inactive"),
        ],
    )
