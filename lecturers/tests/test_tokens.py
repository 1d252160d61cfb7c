import datetime

import pytest
from django.core import signing
from django.utils import timezone

from lecturers.models import Invitation
from lecturers.tokens import SALT, check_token, make_token

from .factories import make_invitation

pytestmark = pytest.mark.django_db


def test_a_token_opens_its_own_invitation():
    invitation = make_invitation()
    assert check_token(make_token(invitation)).invitation == invitation


def test_a_tampered_token_opens_nothing():
    token = make_token(make_invitation())
    for bad in (token[:-2] + ("AA" if not token.endswith("AA") else "BB"), "made-up", "", token + "x"):
        check = check_token(bad)
        assert (check.problem, check.invitation) == ("invalid", None)


def test_a_token_cannot_be_rewritten_to_open_another_invitation():
    mine, other = make_invitation(), make_invitation()
    forged = signing.Signer(salt=SALT).sign_object({"i": other.pk, "n": mine.nonce})  # right signature, wrong nonce
    assert check_token(forged).problem == "invalid"
    payload, signature = make_token(mine).rsplit(":", 1)
    altered = signing.b64_encode(
        signing.b64_decode(payload.encode()).replace(f'"i":{mine.pk}'.encode(), f'"i":{other.pk}'.encode())
    ).decode()
    assert altered != payload
    assert check_token(f"{altered}:{signature}").invitation is None


def test_an_expired_token_says_so_without_acting():
    invitation = make_invitation()
    Invitation.objects.filter(pk=invitation.pk).update(link_expires_at=timezone.now() - datetime.timedelta(seconds=1))
    check = check_token(make_token(invitation))
    assert check.problem == "expired"


def test_a_draft_has_no_working_link():
    invitation = make_invitation(send=False)
    assert check_token(make_token(invitation)).problem == "invalid"
