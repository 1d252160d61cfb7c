import pytest

from notifications.models import EmailState, OutboundEmail

STATES = [state.value for state in EmailState]


@pytest.mark.parametrize("state", STATES)
def test_only_staged_or_failed_mail_can_be_edited_and_only_unsent_mail_discarded(state):
    email = OutboundEmail(state=state)

    assert email.can_be_edited is (state in ("staged", "failed"))
    assert email.can_be_discarded is (state in ("staged", "queued", "failed"))


@pytest.mark.parametrize(("state", "last_error", "expected"), [
    ("queued", "421 try later", True),
    ("failed", "550 no such user", True),
    ("sent", "421 try later", False),  # delivered on a later attempt: the error is history
    ("discarded", "550 no such user", False),
    ("failed", "", False),
])
def test_the_last_error_stands_while_a_retry_waits_or_delivery_failed(state, last_error, expected):
    assert OutboundEmail(state=state, last_error=last_error).last_error_stands is expected
