import pytest

from admissions import services
from admissions.models import Application, Decision
from admissions.staff_cards import admissions_card, reviews_card
from admissions.tests.builders import admin_user, reviewer_user, submitted

pytestmark = pytest.mark.django_db


def lines(card):
    return [(line.count, line.label, line.url) for line in card.lines]


def test_admins_see_what_waits_for_reviewers_and_decisions():
    admin = admin_user()
    submitted()
    waiting = submitted()
    Application.objects.filter(pk=waiting.pk).update(state=Application.State.UNDER_REVIEW)
    assert [line.count for line in admissions_card(admin).lines] == [1, 1, 0]

    # Staging twice replaces the first decision: one is waiting, not two.
    services.decision_stage(application=waiting, outcome=Decision.Outcome.REJECT, by=admin)
    services.decision_stage(application=waiting, outcome=Decision.Outcome.WAITLIST, by=admin,
                                   waitlist_rank=1)

    assert lines(admissions_card(admin)) == [
        (1, "submitted application without reviewers yet", "/admissions/?state=submitted"),
        (1, "application under review", "/admissions/?state=under_review"),
        (1, "decision staged, not yet applied", "/admissions/?flags=staged"),
    ]
    assert admissions_card(reviewer_user()) is None


def test_reviewers_see_their_own_queue():
    reviewer = reviewer_user()
    application = submitted()
    other = submitted()
    for app in (application, other):
        services.assignment_add(application=app, reviewer=reviewer, by=admin_user())

    assert lines(reviews_card(reviewer)) == [
        (2, "applications waiting for your review", "/review/"),
        (0, "reviewed by you", "/review/?show=done"),
    ]
    assert reviews_card(admin_user()) is None
