"""The accounts demo data: one login per role, a colleague invited and not yet joined,
and a deactivated account with its history, dated from today."""

import datetime
import io

import pytest
from django.utils import timezone

from accounts.demo import DEACTIVATED, INVITED, seed_demo_users
from accounts.models import AccountChange, Invitation, User

pytestmark = pytest.mark.django_db


def test_the_demo_has_a_waiting_invitation_and_a_deactivated_account_and_seeding_twice_adds_nothing():
    for _ in range(2):
        seed_demo_users(password="demo-password-1", stdout=io.StringIO())

    invitation = Invitation.objects.get()
    now = timezone.now()
    assert (invitation.email, invitation.state, sorted(invitation.roles)) == (INVITED[0], "pending",
                                                                            ["reviewer", "staff"])
    assert invitation.invited_by.email == "admissions@example.org"
    assert now - datetime.timedelta(days=4) < invitation.created_at < now - datetime.timedelta(days=2)
    assert invitation.expires_at > now
    gone = User.objects.get(email=DEACTIVATED[0])
    assert not gone.is_active and gone.email_verified_at is not None
    assert gone.role_names() == {"staff"}
    change = AccountChange.objects.get()
    assert (change.user, change.change, change.by.email) == (gone, "deactivated", "admissions@example.org")
    assert now - datetime.timedelta(days=31) < change.at < now - datetime.timedelta(days=29)


def test_an_expired_demo_invitation_is_made_afresh():
    seed_demo_users(password="demo-password-1", stdout=io.StringIO())
    Invitation.objects.update(expires_at=timezone.now() - datetime.timedelta(days=1))

    seed_demo_users(password="demo-password-1", stdout=io.StringIO())

    assert list(Invitation.objects.order_by("pk").values_list("state", flat=True)) == ["replaced", "pending"]
