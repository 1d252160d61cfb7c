import pytest

from theses.selectors import SupervisorRow


@pytest.mark.parametrize(("placed", "capacity", "expected"), [
    (3, 2, True),
    (2, 2, False),
    (0, 0, False),
    (5, None, False),  # no limit of their own: the round's default applies
])
def test_a_supervisor_is_over_the_limit_only_with_more_placed_than_their_own_limit(placed, capacity, expected):
    assert SupervisorRow(supervisor=None, placed=placed, capacity=capacity).over_limit is expected
