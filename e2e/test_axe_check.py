"""The accessibility check itself can fail: a page with an unlabelled field does not pass."""

import pytest


def test_axe_check_fails_on_a_serious_violation(page, axe_check):
    page.set_content(
        '<html lang="en"><head><title>t</title></head><body><main><input type="text"></main></body></html>'
    )
    with pytest.raises(AssertionError, match="label"):
        axe_check(page)
