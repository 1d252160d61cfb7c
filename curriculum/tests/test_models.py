import pytest

from curriculum.models import PublicationStatus
from curriculum.tests.factories import ModuleFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("status", "pending", "expected"),
    [
        (PublicationStatus.PUBLISHED, {"title": "New title"}, True),
        (PublicationStatus.PUBLISHED, None, False),
        # A draft's edits are the draft itself: nothing is waiting behind a public page.
        (PublicationStatus.DRAFT, {"title": "New title"}, False),
    ],
)
def test_a_module_has_unpublished_changes_only_when_published_with_edits_waiting(status, pending, expected):
    module = ModuleFactory.build(status=status, pending=pending)

    assert module.has_unpublished_changes is expected
