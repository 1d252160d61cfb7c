import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from core import panels, staff_cards
from core.staff_cards import Card, Line

pytestmark = pytest.mark.django_db


@pytest.fixture
def no_cards(monkeypatch):
    monkeypatch.setattr(panels, "_registry", panels.defaultdict(list))


def things_card(user):
    return Card(key="things", title="Things", more_url="/things/", more_label="All things", lines=[
        Line(1, "thing waiting", "things waiting", "/things/?waiting"),
        Line(0, "thing lost", "things lost", "/things/?lost"),
        Line(3, "thing done", "things done", "/things/?done"),
    ])


def test_a_card_links_what_is_waiting_and_mutes_what_is_not(client_for, no_cards):
    staff_cards.register(things_card)

    html = client_for("staff").get(reverse("staff-home")).content.decode()

    assert '<h2 id="staff-card-things">Things</h2>' in html
    assert ('<a class="staff-line" href="/things/?waiting"><span class="staff-count">1</span>'
            "<span>thing waiting</span></a>") in html
    assert '<span class="staff-count staff-count-zero">0</span><span>things lost</span>' in html
    assert "/things/?lost" not in html
    assert "<span>things done</span>" in html
    assert '<a href="/things/">All things</a>' in html


def test_cards_that_are_not_yours_leave_a_plain_message(client_for, no_cards):
    staff_cards.register(lambda user: None)

    html = client_for("reviewer").get(reverse("staff-home")).content.decode()

    assert "Nothing here is waiting for you." in html
    assert "staff-card" not in html


def test_registering_a_card_twice_shows_it_once(no_cards):
    staff_cards.register(things_card, order=5)
    staff_cards.register(things_card, order=5)
    assert len(panels.panels_for("staff_home")) == 1


def test_overview_is_marked_current_only_on_its_own_page(client_for):
    client = client_for("staff")
    home = client.get(reverse("staff-home")).content.decode()
    modules = client.get(reverse("curriculum:staff-module-list")).content.decode()

    assert '<a href="/staff/" aria-current="page">Overview</a>' in home
    assert '<a href="/staff/">Overview</a>' in modules
    assert 'aria-current="page">Modules (staff)</a>' in modules


def test_applicants_and_students_have_no_overview_link(client_for):
    assert 'href="/staff/"' not in client_for("applicant").get(reverse("accounts:profile")).content.decode()


def _queries(client, *, shows=()):
    """The queries the overview costs, having checked that it shows each of `shows`."""
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("staff-home"))
    assert response.status_code == 200
    text = " ".join(re.sub(r"<[^>]+>", " ", response.content.decode()).split())
    assert [line for line in shows if line not in text] == []
    return len(queries)


def card_lines(n):
    """What the cards say once `grow` has made n (more than one) of each thing."""
    return [f"{n} draft modules, never published", f"{n} invitations awaiting the lecturer",
            f"{n} proposals from partners or colleagues to approve",
            f"{n} submitted applications without reviewers yet", f"{n} mails that failed: look and retry"]


def test_every_card_together_costs_the_same_queries_at_two_sizes(client_for):
    """A superuser sees every app's card; growing every count changes no query count."""
    from admissions.tests.builders import submitted
    from curriculum.tests.factories import ModuleFactory
    from lecturers.tests.factories import make_invitation
    from notifications.tests.factories import OutboundEmailFactory
    from theses.tests.factories import ProposalFactory

    client = client_for("superuser")

    def grow(n):
        for _ in range(n):
            ModuleFactory(draft=True)
            submitted()
            make_invitation()
            ProposalFactory(submitted=True)
            OutboundEmailFactory(failed=True)

    grow(1)
    small = _queries(client, shows=["1 draft module", "1 invitation awaiting", "1 proposal ",
                                    "1 submitted application", "1 mail that failed"])
    grow(4)
    assert _queries(client, shows=card_lines(5)) == small
