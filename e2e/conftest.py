"""Browser journeys: Playwright drives an installed Chromium against live_server.

`page` comes from pytest-playwright; we point it at the browser
scripts/ensure_browser.py finds (Debian's chromium in CI) with the flags this
sandbox needs. `axe_check(page)` injects the pinned axe-core through
page.evaluate (so the strict CSP does not block it) and fails on any serious or
critical violation.
"""

from pathlib import Path

import pytest

from scripts.ensure_browser import find_browser

AXE_SOURCE = (Path(__file__).parent / "vendor" / "axe.min.js").read_text()
# The browser `make test` checked for before starting (scripts/ensure_browser.py).
CHROMIUM = find_browser() or "chromium"

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


def pytest_collection_modifyitems(items):
    for item in items:
        if "/e2e/" in str(item.fspath):
            item.add_marker(pytest.mark.e2e)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": CHROMIUM_ARGS}


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    return {**browser_context_args, "locale": "en-GB", "timezone_id": "Europe/London"}


@pytest.fixture(autouse=True)
def _site_url(settings, live_server):
    """Links in mails point at the live server, so a test can follow them."""
    settings.SITE_URL = live_server.url


@pytest.fixture
def axe_check():
    def check(page, *, context=None):
        page.evaluate(AXE_SOURCE)
        result = page.evaluate(
            """async (context) => {
                const r = await axe.run(context || document, {
                    runOnly: {type: 'tag',
                              values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice']},
                });
                return r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
                    nodes: v.nodes.slice(0, 3).map(n => n.target.join(' '))}));
            }""",
            context,
        )
        serious = [v for v in result if v["impact"] in ("serious", "critical")]
        assert not serious, f"axe found serious problems on {page.url}: {serious}"
        return result

    return check
