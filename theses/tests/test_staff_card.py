import pytest
from django.utils import timezone

from accounts.roles import Role
from accounts.tests.factories import UserFactory
from theses.models import Proposal, Submission
from theses.staff_cards import theses_card
from theses.tests.factories import MilestoneFactory, ProposalFactory

pytestmark = pytest.mark.django_db


def test_supervisors_see_what_to_approve_and_whose_work_waits_for_feedback():
    me = UserFactory(roles=[Role.STAFF])
    ProposalFactory(from_partner=True, submitted=True)
    ProposalFactory(submitted=True, source=Proposal.Source.STUDENT, supervisor=me)
    ProposalFactory(submitted=True, source=Proposal.Source.STUDENT)  # asks someone else
    mine = ProposalFactory(supervisor=me, status=Proposal.Status.IN_PROGRESS)
    ProposalFactory.create_batch(2)  # open
    milestone = MilestoneFactory()
    for student, feedback in zip(UserFactory.create_batch(2, roles=[Role.STUDENT]), ["", "Good start."], strict=True):
        Submission.objects.create(milestone=milestone, student=student, proposal=mine, submitted_at=timezone.now(),
                                  demo_url="https://example.org/demo", feedback=feedback)

    card = theses_card(me)

    assert [(line.count, line.label, line.url) for line in card.lines] == [
        (1, "proposal from a partner or colleague to approve", "/staff/theses/?status=submitted"),
        (1, "student asks you to supervise their project", "/staff/theses/?status=submitted"),
        (1, "submission from your students awaiting feedback",
         f"/staff/theses/rounds/{milestone.round_id}/submissions/"),
        (2, "projects open for students to rank", "/staff/theses/?status=open"),
    ]


def test_only_staff_get_the_card():
    assert theses_card(UserFactory(roles=[Role.REVIEWER])) is None
