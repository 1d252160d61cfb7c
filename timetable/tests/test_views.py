import datetime

import icalendar
import pytest
from django.test import RequestFactory
from django.urls import reverse

from accounts.roles import Role
from accounts.tests.factories import UserFactory
from core import panels
from curriculum.tests.factories import CohortFactory, EnrolmentFactory, ModuleOfferingFactory
from timetable import services
from timetable.models import Session, SessionSeries
from timetable.timezones import iso_week

from .factories import RoomFactory, at, make_session

pytestmark = pytest.mark.django_db


@pytest.fixture
def offering():
    return ModuleOfferingFactory(module__code="MPT6101", module__title="Public Technology in Practice")


def week_of(day):
    return iso_week(day - datetime.timedelta(days=day.weekday()))


def monday(offering):
    return services.term_monday(offering.term)


def fill_week(offering, n):
    """n sessions on Tuesday of week 1, each in its own room with its own teacher and cohort."""
    day = monday(offering) + datetime.timedelta(days=1)
    return [
        make_session(offering=offering, day=day, start=9 + i % 8, end=10 + i % 8,
                     teachers=[UserFactory(roles=[Role.STAFF])], cohorts=[CohortFactory()])
        for i in range(n)
    ]


def assert_shows_sessions(response, sessions, *, staff=False):
    """Each session has its card on the page: a link to its page (for staff, to its edit form)."""
    html = response.content.decode()
    links = [reverse("timetable:session-edit", args=[s.pk]) if staff else s.get_absolute_url() for s in sessions]
    assert [link for link in links if f'href="{link}"' not in html] == []


# Public week and list --------------------------------------------------------------


def test_the_week_view_shows_the_weeks_sessions_and_names_the_time_zone(client, offering):
    session = make_session(offering=offering, room=RoomFactory(name="B12"), title="Public value")
    make_session(offering=offering, day=monday(offering) + datetime.timedelta(weeks=1))

    response = client.get(reverse("timetable:week"), {"week": week_of(monday(offering))})

    html = response.content.decode()
    assert response.status_code == 200
    assert [s.pk for s in response.context["days"][1].sessions] == [session.pk]
    assert response.context["session_count"] == 1
    assert "UK time (Europe/London)" in html
    assert "Room B12" in html and "Public value" in html


def test_the_list_view_and_the_filters_keep_to_the_chosen_module(client, offering):
    mine = make_session(offering=offering)
    make_session(offering=ModuleOfferingFactory(term=offering.term), start=14, end=15)

    response = client.get(reverse("timetable:week"), {
        "week": week_of(monday(offering)), "module": offering.module.slug, "view": "list",
    })

    assert response.context["mode"] == "list"
    assert [s.pk for d in response.context["days"] for s in d.sessions] == [mine.pk]
    assert reverse("timetable:feed-offering", args=[offering.pk]) in response.content.decode()


def test_unpublished_sessions_are_not_public(client, offering):
    hidden = make_session(offering=offering, is_published=False)
    response = client.get(reverse("timetable:week"), {"week": week_of(monday(offering))})
    assert response.context["session_count"] == 0
    assert client.get(hidden.get_absolute_url()).status_code == 404


def test_htmx_week_navigation_gets_only_the_week_body(client, offering):
    make_session(offering=offering)
    response = client.get(reverse("timetable:week"), {"week": week_of(monday(offering))}, HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert "<html" not in html
    assert 'hx-target="#week-body"' in html
    assert "Week of" in html


@pytest.mark.parametrize("view", ["grid", "list"])
def test_the_week_view_costs_the_same_queries_at_any_size(client, offering, django_assert_num_queries, view):
    week = week_of(monday(offering))
    sessions = fill_week(offering, 2)
    client.get(reverse("timetable:week"), {"week": week, "view": view})
    with django_assert_num_queries(5):  # three filter lists, sessions, their staff
        response = client.get(reverse("timetable:week"), {"week": week, "view": view})
    assert_shows_sessions(response, sessions)
    sessions += fill_week(offering, 20)
    with django_assert_num_queries(5):
        response = client.get(reverse("timetable:week"), {"week": week, "view": view})
    assert response.context["session_count"] == 22
    assert_shows_sessions(response, sessions)


def test_the_session_page_costs_the_same_queries_at_any_size(client, offering, django_assert_num_queries):
    small = make_session(offering=offering, teachers=[UserFactory(roles=[Role.STAFF])], cohorts=[CohortFactory()])
    big = make_session(offering=offering, start=14, end=15,
                       teachers=UserFactory.create_batch(3, roles=[Role.STAFF]), cohorts=CohortFactory.create_batch(3))
    for session in (small, big):
        with django_assert_num_queries(5):
            response = client.get(session.get_absolute_url())
        assert response.status_code == 200
        html = response.content.decode()
        assert "Public Technology in Practice" in html and session.room.label in html
        assert [c.name for c in session.cohorts.all() if c.name not in html] == []


# Feeds -------------------------------------------------------------------------------


def parse(response):
    assert response["Content-Type"].startswith("text/calendar")
    return icalendar.Calendar.from_ical(response.content)


def test_a_module_feed_has_stable_uids_rising_sequence_cancellations_and_its_time_zone(client, offering):
    staff = UserFactory(roles=[Role.STAFF])
    session = make_session(offering=offering, day=monday(offering) + datetime.timedelta(days=1, weeks=5))
    url = reverse("timetable:feed-offering", args=[offering.pk])

    first = parse(client.get(url))
    services.session_update(session=session, title="Moved to the afternoon",
                            starts_at=session.starts_at + datetime.timedelta(hours=4),
                            ends_at=session.ends_at + datetime.timedelta(hours=4), by=staff)
    second = parse(client.get(url))
    services.session_cancel(session=session, reason="Strike action", by=staff)
    third = parse(client.get(url))

    events = [cal.walk("VEVENT")[0] for cal in (first, second, third)]
    assert len({str(e["UID"]) for e in events}) == 1
    assert [int(e["SEQUENCE"]) for e in events] == [0, 1, 2]
    assert [str(e["STATUS"]) for e in events] == ["CONFIRMED", "CONFIRMED", "CANCELLED"]
    assert "Strike action" in str(events[2]["DESCRIPTION"])
    start = events[1]["DTSTART"]
    assert start.params["TZID"] == "Europe/London"
    assert start.dt == session.starts_at + datetime.timedelta(hours=4)
    assert [str(tz["TZID"]) for tz in third.walk("VTIMEZONE")] == ["Europe/London"]


def test_room_cohort_and_staff_feeds_hold_only_their_sessions(client, offering):
    room, cohort, teacher = RoomFactory(), CohortFactory(), UserFactory(roles=[Role.STAFF])
    mine = make_session(offering=offering, room=room, cohorts=[cohort], teachers=[teacher])
    make_session(offering=offering, start=14, end=15)
    expected = [f"session-{mine.uid}@testserver"]
    for url in (
        reverse("timetable:feed-room", args=[room.slug]),
        reverse("timetable:feed-cohort", args=[cohort.slug]),
        reverse("timetable:feed-staff", args=[teacher.pk]),
    ):
        assert [str(e["UID"]) for e in parse(client.get(url)).walk("VEVENT")] == expected


def test_the_personal_feed_follows_enrolments_and_stops_working_when_revoked(client, offering):
    enrolment = EnrolmentFactory()
    mine = make_session(offering=offering, cohorts=[enrolment.cohort])
    make_session(offering=offering, start=14, end=15)
    client.force_login(enrolment.student)
    client.get(reverse("timetable:my-feed"))
    old = services.feed_token_for(user=enrolment.student).token
    old_url = reverse("timetable:feed-personal", args=[old])

    assert [str(e["UID"]) for e in parse(client.get(old_url)).walk("VEVENT")] == [f"session-{mine.uid}@testserver"]

    client.post(reverse("timetable:my-feed"))
    assert client.get(old_url).status_code == 404
    new = services.feed_token_for(user=enrolment.student).token
    assert client.get(reverse("timetable:feed-personal", args=[new])).status_code == 200


# API --------------------------------------------------------------------------------


def test_the_api_lists_published_sessions_as_json(client, offering):
    session = make_session(offering=offering, room=RoomFactory(name="B12"))
    make_session(offering=offering, start=14, end=15, is_published=False)

    data = client.get(reverse("timetable-api:session-list"), {"module": offering.module.slug}).json()

    assert data["count"] == 1
    item = data["results"][0]
    assert item["uid"] == str(session.uid)
    assert item["module"]["code"] == "MPT6101"
    assert item["room"] == {"name": "B12", "building": "Bush House"}
    assert item["timezone"] == "Europe/London"
    assert datetime.datetime.fromisoformat(item["starts_at"]) == session.starts_at


@pytest.mark.parametrize("n", [1, 3])
def test_the_api_costs_the_same_queries_whatever_the_number_of_sessions(client, offering, django_assert_num_queries,
                                                                         n):
    sessions = fill_week(offering, n)

    with django_assert_num_queries(5):  # the module filter, count, sessions, their teachers, their cohorts
        data = client.get(reverse("timetable-api:session-list"), {"module": offering.module.slug}).json()

    assert data["count"] == n
    assert sorted(item["uid"] for item in data["results"]) == sorted(str(s.uid) for s in sessions)
    assert sorted(item["room"]["name"] for item in data["results"]) == sorted(s.room.name for s in sessions)
    assert sorted(item["teachers"][0] for item in data["results"]) == sorted(
        s.teachers.get().full_name for s in sessions)


def test_the_api_refuses_a_malformed_date(client):
    response = client.get(reverse("timetable-api:session-list"), {"from": "soon"})
    assert response.status_code == 400
    assert response.json() == {"errors": {"from": "Use a date like 2027-02-01."}}


# Panel on the module page ------------------------------------------------------------


def test_the_module_page_panel_lists_upcoming_sessions_and_the_feed(offering, settings):
    session = make_session(offering=offering, day=datetime.date.today() + datetime.timedelta(days=3))
    request = RequestFactory().get("/")
    html = panels.render_slot("module_detail", request, module=offering.module, offering=offering)
    assert session.get_absolute_url() in html
    assert reverse("timetable:feed-offering", args=[offering.pk]) in html


# Staff ------------------------------------------------------------------------------


@pytest.fixture
def staff_client(client):
    user = UserFactory(roles=[Role.STAFF], full_name="Dr Ada Okafor")
    client.force_login(user)
    client.user = user
    return client


@pytest.mark.parametrize("by", ["room", "cohort", "staff"])
def test_the_staff_grid_costs_the_same_queries_at_any_size(staff_client, offering, django_assert_num_queries, by):
    week = week_of(monday(offering))
    # auth (3), sessions, their staff; the room grid also lists empty rooms, the cohort grid cohorts
    queries = 6 if by in ("room", "cohort") else 5
    sessions = fill_week(offering, 2)
    staff_client.get(reverse("timetable:staff-week"), {"week": week, "by": by})
    with django_assert_num_queries(queries):
        response = staff_client.get(reverse("timetable:staff-week"), {"week": week, "by": by})
    assert_shows_sessions(response, sessions, staff=True)
    sessions += fill_week(offering, 20)
    with django_assert_num_queries(queries):
        response = staff_client.get(reverse("timetable:staff-week"), {"week": week, "by": by})
    assert len(response.context["rows"]) == 22
    assert_shows_sessions(response, sessions, staff=True)


def test_the_term_overview_counts_sessions_per_week(staff_client, offering, django_assert_num_queries):
    staff = staff_client.user
    services.series_create(offering=offering, kind="lecture", weekday=1, start_time=datetime.time(10),
                           end_time=datetime.time(12), first_week=1, last_week=3, room=RoomFactory(), by=staff)
    response = staff_client.get(reverse("timetable:staff-term"), {"term": offering.term.pk})
    rows = dict(response.context["rows"])
    assert rows[offering][:4] == [[1, 0], [1, 0], [1, 0], [0, 0]]


@pytest.mark.parametrize("n", [1, 3])
def test_the_term_overview_costs_the_same_queries_whatever_the_number_of_offerings(
        staff_client, offering, django_assert_num_queries, n):
    offerings = [offering] + [ModuleOfferingFactory(term=offering.term) for _ in range(n - 1)]
    for each in offerings:
        services.series_create(offering=each, kind="lecture", weekday=2, start_time=datetime.time(10),
                               end_time=datetime.time(11), first_week=1, last_week=2, room=RoomFactory(),
                               by=staff_client.user)
    staff_client.get(reverse("timetable:staff-term"), {"term": offering.term.pk})

    with django_assert_num_queries(7):
        response = staff_client.get(reverse("timetable:staff-term"), {"term": offering.term.pk})

    rows = dict(response.context["rows"])
    assert [rows[each][:3] for each in offerings] == [[[1, 0], [1, 0], [0, 0]]] * n
    html = response.content.decode()
    assert [each.module.code for each in offerings if each.module.code not in html] == []


@pytest.mark.parametrize("n", [1, 3])
def test_the_series_page_costs_the_same_queries_whatever_the_number_of_sessions(
        staff_client, offering, django_assert_num_queries, n):
    series = services.series_create(offering=offering, kind="lecture", weekday=1, start_time=datetime.time(10),
                                    end_time=datetime.time(12), first_week=1, last_week=n, room=RoomFactory(),
                                    by=staff_client.user)
    sessions = list(series.sessions.all())

    with django_assert_num_queries(7):
        response = staff_client.get(series.get_absolute_url())

    assert [s.pk for s in response.context["sessions"]] == [s.pk for s in sessions]
    html = response.content.decode()
    links = [reverse("timetable:session-edit", args=[s.pk]) for s in sessions]
    assert [link for link in links if link not in html] == []


def session_post(offering, day, **extra):
    data = {"offering": offering.pk, "kind": "lecture", "date": day.isoformat(), "start_time": "10:00",
            "end_time": "12:00", "is_published": "on"}
    data.update(extra)
    return data


def test_staff_add_a_session_and_a_clash_is_named_on_the_form(staff_client, offering):
    room = RoomFactory(name="B12")
    day = monday(offering) + datetime.timedelta(days=1)
    url = reverse("timetable:session-create")

    first = staff_client.post(url, session_post(offering, day, room=room.pk))
    second = staff_client.post(url, session_post(ModuleOfferingFactory(term=offering.term), day, room=room.pk,
                                                 start_time="11:00", end_time="12:30"))

    assert first.status_code == 302
    assert second.status_code == 200
    html = second.content.decode()
    assert f"Room B12 is already booked for MPT6101 lecture, Tue {day.day} {day:%b} 10:00\u201312:00" in html
    assert html.count("<title>Error:") == 1
    assert Session.objects.count() == 1


def test_a_warning_asks_before_saving_and_save_anyway_saves(staff_client, offering):
    room = RoomFactory(name="S1", capacity=5)
    day = monday(offering) + datetime.timedelta(days=1)
    data = session_post(offering, day, room=room.pk, expected_attendance=30)

    warned = staff_client.post(reverse("timetable:session-create"), data)
    seen = warned.context["form"]["warnings_seen"].value()  # what the re-rendered page sends back
    saved = staff_client.post(reverse("timetable:session-create"), {**data, "save_anyway": "on",
                                                                    "warnings_seen": seen})

    assert warned.status_code == 200
    assert warned.context["warnings"] == ["Room S1 seats 5, fewer than the 30 people expected."]
    assert saved.status_code == 302
    assert Session.objects.count() == 1


def test_staff_edit_a_session(staff_client, offering):
    session = make_session(offering=offering)
    day = monday(offering) + datetime.timedelta(days=2)
    response = staff_client.post(reverse("timetable:session-edit", args=[session.pk]),
                                 session_post(offering, day, room=session.room_id, title="Open data"))
    assert response.status_code == 302
    session.refresh_from_db()
    assert (session.title, session.starts_at, session.status) == ("Open data", at(day, 10), "moved")


def test_staff_create_and_move_a_series(staff_client, offering):
    room = RoomFactory()
    response = staff_client.post(reverse("timetable:series-create"), {
        "offering": offering.pk, "kind": "seminar", "weekday": 1, "start_time": "10:00", "end_time": "12:00",
        "first_week": 1, "last_week": 3, "room": room.pk, "is_published": "on",
    })
    series = SessionSeries.objects.get()
    assert response["Location"] == series.get_absolute_url()
    assert series.sessions.count() == 3

    staff_client.post(reverse("timetable:series-move", args=[series.pk]), {"weeks": 1})

    assert sorted(series.sessions.values_list("week", flat=True)) == [2, 3, 4]


def test_staff_edit_a_series_from_a_week(staff_client, offering):
    series = services.series_create(offering=offering, kind="lecture", weekday=1, start_time=datetime.time(10),
                                    end_time=datetime.time(12), first_week=1, last_week=3, room=RoomFactory(),
                                    by=staff_client.user)
    room = RoomFactory(name="C3")
    response = staff_client.post(reverse("timetable:series-edit", args=[series.pk]), {
        "from_week": 2, "weekday": 1, "start_time": "10:00", "end_time": "12:00", "room": room.pk,
    })
    assert response.status_code == 302
    assert list(series.sessions.order_by("week").values_list("room__name", flat=True))[1:] == ["C3", "C3"]


def test_cancelling_from_the_page_emails_people_and_a_student_cannot(client, staff_client, offering):
    from notifications.models import OutboundEmail

    enrolment = EnrolmentFactory()
    session = make_session(offering=offering, cohorts=[enrolment.cohort])
    url = reverse("timetable:session-cancel", args=[session.pk])

    student = UserFactory(roles=[Role.STUDENT])
    staff_user = staff_client.user
    client.force_login(student)
    assert client.post(url, {"reason": "No"}).status_code == 403
    session.refresh_from_db()
    assert (session.status, session.cancel_reason, session.sequence) == ("scheduled", "", 0)
    assert session.bookings.filter(is_active=False).count() == 0
    assert not OutboundEmail.objects.exists()

    client.force_login(staff_user)
    response = client.post(url, {"reason": "The lecturer is ill."})
    assert response.status_code == 302
    session.refresh_from_db()
    assert session.status == "cancelled"
    assert list(OutboundEmail.objects.values_list("to", flat=True)) == [[enrolment.student.email]]


CSV_HEADER = "module,kind,date,start,end,room,online_url,teachers,cohorts,title\n"


def test_csv_import_dry_run_lists_each_rows_problem_and_saves_nothing(staff_client, offering):
    RoomFactory(name="B12")
    day = monday(offering) + datetime.timedelta(days=1)
    text = CSV_HEADER + (
        f"MPT6101,lecture,{day},10:00,12:00,B12,,,,Intro\n"
        f"MPT6101,lecture,{day},11:00,12:00,B12,,,,Overlap\n"
        f"NOPE,party,tomorrow,10:00,09:00,Z9,,x@example.org,,\n"
    )
    response = staff_client.post(reverse("timetable:import"), {"term": offering.term.pk, "csv_text": text})
    rows = response.context["rows"]
    assert [r.ok for r in rows] == [True, False, False]
    assert rows[1].problems == ["It overlaps row 2, which books the same room."]
    assert rows[2].problems == [
        f"No offering of module “NOPE” in {offering.term}.",
        "Unknown kind “party”; use one of lecture, seminar, workshop, lab, guest_lecture, assessment.",
        "The date “tomorrow” is not a date like 2027-02-02.",
        "The session must end after it starts.",
        "No room called “Z9”.",
        "No account with the address x@example.org.",
    ]
    assert Session.objects.count() == 0


def test_csv_import_then_export(staff_client, offering):
    RoomFactory(name="B12")
    day = monday(offering) + datetime.timedelta(days=1)
    text = CSV_HEADER + f"MPT6101,lecture,{day},10:00,12:00,B12,,,,Intro\nMPT6101,seminar,{day},13:00,14:00,B12,,,,\n"
    checked = staff_client.post(reverse("timetable:import"), {"term": offering.term.pk, "csv_text": text})
    assert checked.context["problems"] == 0 and Session.objects.count() == 0

    staff_client.post(reverse("timetable:import"), {"term": offering.term.pk, "csv_text": text, "import": "1"})
    assert Session.objects.count() == 2

    export = staff_client.get(reverse("timetable:export"), {"term": offering.term.pk}).content.decode()
    lines = export.strip().splitlines()
    assert lines[0].startswith("module,kind,date,start,end,room")
    assert lines[1].startswith(f"MPT6101,lecture,{day},10:00,12:00,B12,,,,Intro,scheduled")
