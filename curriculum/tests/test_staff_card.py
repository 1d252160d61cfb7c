import pytest

from accounts.tests.factories import UserFactory
from curriculum.staff_cards import modules_card
from curriculum.tests.factories import ModuleFactory
from curriculum.tests.helpers import staff_user

pytestmark = pytest.mark.django_db


def lines(card):
    return [(line.count, line.label, line.url) for line in card.lines]


def test_editors_see_every_draft_and_every_unpublished_change():
    editor = staff_user()
    ModuleFactory.create_batch(2, draft=True)
    ModuleFactory(pending={"summary": "A change not yet published."})
    ModuleFactory(leader=editor)

    assert lines(modules_card(editor)) == [
        (2, "draft modules, never published", "/staff/modules/?status=draft"),
        (1, "published module with changes not yet published", "/staff/modules/?status=changes"),
        (1, "module you lead", "/staff/modules/?mine=on"),
    ]


def test_a_leader_without_the_permission_counts_only_their_own_modules():
    leader = UserFactory(roles=[])
    ModuleFactory(leader=leader, draft=True)
    ModuleFactory(draft=True)

    assert [line.count for line in modules_card(leader).lines] == [1, 0, 1]


def test_people_who_edit_no_module_get_no_card():
    assert modules_card(UserFactory(roles=[])) is None
