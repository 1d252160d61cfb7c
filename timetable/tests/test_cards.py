"""The week pages' HTML built in Python (timetable/cards.py, selectors): exact output and escaping."""

import datetime

import pytest
from django.urls import reverse

from accounts.roles import Role
from accounts.tests.factories import UserFactory
from core.access import SYSTEM
from curriculum.tests.factories import CohortFactory, ModuleOfferingFactory
from timetable import services
from timetable.timezones import iso_week

from .factories import RoomFactory, at, make_session

pytestmark = pytest.mark.django_db


@pytest.fixture
def offering():
    return ModuleOfferingFactory(module__code="MPT6101", module__title="Data & <Society> in practice")


def tuesday(offering):
    return services.term_monday(offering.term) + datetime.timedelta(days=1)


def week(offering):
    return iso_week(services.term_monday(offering.term))


def test_a_public_card_names_the_module_escapes_what_staff_typed_and_lists_every_teacher_by_name(client, offering):
    teachers = [UserFactory(roles=[Role.STAFF], full_name=name) for name in ("Dr Zoe <Z> Young", "Dr Ada Okafor")]
    session = make_session(offering=offering, day=tuesday(offering), room=RoomFactory(name="Lab <A&B>"),
                           teachers=teachers, title="Trust & <b>safety</b>")

    html = client.get(reverse("timetable:week"), {"week": week(offering), "view": "list"}).content.decode()

    start = at(tuesday(offering), 10)
    assert (
        '<li><article class="tt-session tt-kind-lecture">'
        f'<p class="tt-time"><time datetime="{start.isoformat()}">10:00</time>\u2013'
        f'<time datetime="{(start + datetime.timedelta(hours=2)).isoformat()}">12:00</time></p>'
        f'<p class="tt-what"><a href="{session.get_absolute_url()}">MPT6101 lecture</a></p>'
        '<p class="tt-module">Data &amp; &lt;Society&gt; in practice</p>'
        '<p class="tt-title">Trust &amp; &lt;b&gt;safety&lt;/b&gt;</p>'
        '<p class="tt-where">Lab &lt;A&amp;B&gt; \u00b7 Dr Ada Okafor, Dr Zoe &lt;Z&gt; Young</p>'
        "</article></li>"
    ) in html


def test_cancelled_and_moved_cards_say_so_and_the_reason_is_escaped(client, offering):
    cancelled = make_session(offering=offering, day=tuesday(offering), start=9, end=10)
    services.session_cancel(session=cancelled, reason="Speaker ill <sorry>", by=SYSTEM)
    moved = make_session(offering=offering, day=tuesday(offering), start=14, end=15, room=None,
                         online_url="https://example.org/room")
    services.session_update(session=moved, starts_at=at(tuesday(offering), 15), ends_at=at(tuesday(offering), 16),
                            by=SYSTEM)

    html = client.get(reverse("timetable:week"), {"week": week(offering), "view": "grid"}).content.decode()

    assert ('<article class="tt-session tt-kind-lecture tt-cancelled">' in html
            and '<p class="tt-status"><strong class="status-tag status-tag--cancelled">Cancelled</strong> '
                "Speaker ill &lt;sorry&gt;</p>" in html)
    assert ('<p class="tt-module">Data &amp; &lt;Society&gt; in practice</p><p class="tt-where">Online</p>'
            '<p class="tt-status"><strong class="status-tag status-tag--moved">Moved</strong></p></article>') in html
    # Days with nothing show a dash in the grid.
    assert '<td>\n          <span class="text-muted">\u2014</span>\n        </td>' in html


def test_staff_cards_name_the_module_link_to_the_edit_form_and_series_and_mark_drafts(client, offering):
    client.force_login(UserFactory(roles=[Role.STAFF]))
    room = RoomFactory(name="B12")
    series = services.series_create(offering=offering, kind="seminar", weekday=1, start_time=datetime.time(10),
                                    end_time=datetime.time(11), first_week=1, last_week=1, room=room,
                                    teachers=[UserFactory(roles=[Role.STAFF], full_name="Dr Ada Okafor")], by=SYSTEM)
    draft = make_session(offering=offering, day=tuesday(offering), start=14, end=15, room=room,
                         is_published=False)
    first = series.sessions.get()

    html = client.get(reverse("timetable:staff-week"), {"week": week(offering)}).content.decode()

    assert (f'<p class="tt-what"><a href="{reverse("timetable:session-edit", args=[first.pk])}">MPT6101 seminar</a>'
            '</p><p class="tt-module">Data &amp; &lt;Society&gt; in practice</p><p class="tt-where">Dr Ada Okafor</p>'
            f'<p class="tt-series"><a href="{series.get_absolute_url()}">Series'
            '<span class="visually-hidden"> of MPT6101 seminar</span></a></p></article>') in html
    assert (f'<a href="{reverse("timetable:session-edit", args=[draft.pk])}">MPT6101 lecture</a>'
            ' <span class="status-tag status-tag--draft">Not published</span></p>'
            '<p class="tt-module">Data &amp; &lt;Society&gt; in practice</p>') in html
    add = reverse("timetable:session-create")
    assert (f'<a class="tt-add" href="{add}?date={tuesday(offering).isoformat()}&amp;room={room.pk}">Add'
            f'<span class="visually-hidden"> a session on {tuesday(offering):%A} {tuesday(offering).day} '
            f'{tuesday(offering):%B} in B12</span></a></td>') in html


def test_the_cohort_grid_shows_a_session_in_each_of_its_cohorts_rows(client, offering):
    client.force_login(UserFactory(roles=[Role.STAFF]))
    cohorts = [CohortFactory(name="Alpha cohort"), CohortFactory(name="Beta cohort")]
    session = make_session(offering=offering, day=tuesday(offering), cohorts=cohorts)

    response = client.get(reverse("timetable:staff-week"), {"week": week(offering), "by": "cohort"})

    rows = {row.label: row for row in response.context["rows"]}
    assert [rows[c.name].cells[1].sessions[0].pk for c in cohorts] == [session.pk, session.pk]
    assert all(reverse("timetable:session-edit", args=[session.pk]) in rows[c.name].cells_html for c in cohorts)


def test_the_filter_options_are_escaped_and_keep_the_choice(client, offering):
    RoomFactory(name="Lab <A&B>", slug="lab-a-b")
    html = client.get(reverse("timetable:week"), {"week": week(offering), "room": "lab-a-b"}).content.decode()
    assert '<option value="lab-a-b" selected>Lab &lt;A&amp;B&gt;</option>' in html
