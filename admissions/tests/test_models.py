import pytest

from admissions.models import Application, Offer, OfferCondition

STATES = [state.value for state in Application.State]


@pytest.mark.parametrize("state", STATES)
def test_an_application_awaits_a_decision_from_submission_until_decided(state):
    application = Application(state=state)

    assert application.awaits_decision is (state in ("submitted", "under_review"))
    assert application.has_decision is (state in ("decided", "enrolled"))


@pytest.mark.parametrize(("status", "offer_state", "expected"), [
    ("outstanding", "pending", True),
    ("outstanding", "accepted", True),
    ("outstanding", "declined", False),
    ("outstanding", "withdrawn", False),
    ("outstanding", "lapsed", False),
    ("met", "accepted", False),
    ("waived", "pending", False),
])
def test_evidence_is_awaited_for_an_outstanding_condition_of_an_offer_that_stands(status, offer_state, expected):
    condition = OfferCondition(status=status, offer=Offer(state=offer_state))

    assert condition.awaits_evidence is expected
