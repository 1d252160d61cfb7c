"""The signed link an invited lecturer answers through, without an account.

The token is `Signer(salt=...).sign_object({"i": invitation id, "n": nonce})`:
the signature stops anyone forging or altering it (so it can never name
another invitation), and the nonce stored on the invitation lets staff revoke a
link by issuing a new one. Expiry lives on the invitation (`link_expires_at`),
so accepting can extend it to the day of the lecture.
"""

import hmac
from dataclasses import dataclass

from django.core import signing
from django.utils import timezone

from core.links import absolute_url

SALT = "lecturers.invitation-link"


def make_token(invitation):
    return signing.Signer(salt=SALT).sign_object({"i": invitation.pk, "n": invitation.nonce})


def link_for(invitation):
    return absolute_url("lecturers:respond", make_token(invitation))


@dataclass(frozen=True)
class LinkCheck:
    invitation: object = None
    problem: str = ""  # "", "invalid" or "expired"

    @property
    def ok(self):
        return not self.problem


def check_token(token, *, queryset=None):
    """The invitation a token opens, or why it opens none.

    "invalid": tampered, made up, or revoked by a newer link; nothing about any
    invitation is revealed. "expired": genuine but past its date.
    """
    from .models import Invitation

    try:
        data = signing.Signer(salt=SALT).unsign_object(token)
        pk, nonce = int(data["i"]), str(data["n"])
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        return LinkCheck(problem="invalid")
    queryset = queryset if queryset is not None else Invitation.objects.all()
    invitation = queryset.filter(pk=pk).first()
    if invitation is None or not hmac.compare_digest(invitation.nonce, nonce):
        return LinkCheck(problem="invalid")
    if invitation.state == Invitation.State.DRAFT:
        return LinkCheck(problem="invalid")
    if invitation.link_expires_at is not None and invitation.link_expires_at <= timezone.now():
        return LinkCheck(invitation=invitation, problem="expired")
    return LinkCheck(invitation=invitation)
