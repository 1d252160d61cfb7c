"""A session outside its offering's term: the forms warn naming the term, and the services refuse it
unless the person accepted the warning."""

import datetime

import pytest
from django.urls import reverse

from accounts.roles import Role
from accounts.tests.factories import UserFactory
from curriculum.models import Season
from curriculum.tests.factories import AcademicYearFactory, ModuleOfferingFactory, TermFactory
from timetable import services
from timetable.clashes import outside_term_warning, term_span_text
from timetable.models import Session, SessionSeries

from .factories import ClosureDateFactory, RoomFactory, at

pytestmark = pytest.mark.django_db

AFTER_TERM = datetime.date(2026, 12, 15)  # a Tuesday, four days after the autumn term ends
IN_TERM = datetime.date(2026, 10, 6)
WARNING = ("This date, Tuesday 15 December 2026, is outside Autumn term 2026/27 "
           "(28 September to 11 December 2026), the term this offering runs in.")


@pytest.fixture
def offering():
    year = AcademicYearFactory(first_year=2026)
    term = TermFactory(academic_year=year, starts_on=datetime.date(2026, 9, 28), ends_on=datetime.date(2026, 12, 11))
    return ModuleOfferingFactory(module__code="MPT6101", term=term)


@pytest.fixture
def staff():
    return UserFactory(roles=[Role.STAFF])


@pytest.fixture
def staff_client(client, staff):
    client.force_login(staff)
    return client


def create(offering, day, *, by, **kwargs):
    return services.session_create(offering=offering, kind="lecture", starts_at=at(day, 10), ends_at=at(day, 12),
                                   room=RoomFactory(), by=by, **kwargs)


# The words ---------------------------------------------------------------------------


def test_the_warning_names_the_term_and_its_dates(offering):
    assert outside_term_warning(offering=offering, days=[AFTER_TERM]) == WARNING
    assert outside_term_warning(offering=offering, days=[IN_TERM, offering.term.ends_on]) == ""


def test_a_term_across_the_new_year_gives_both_years():
    year = AcademicYearFactory(first_year=2030)
    term = TermFactory(academic_year=year, season=Season.SPRING, starts_on=datetime.date(2030, 12, 2),
                       ends_on=datetime.date(2031, 3, 21))
    assert term_span_text(term) == "2 December 2030 to 21 March 2031"


# The services ------------------------------------------------------------------------


def test_a_person_cannot_create_a_session_outside_the_term_without_accepting_the_warning(offering, staff):
    with pytest.raises(services.OutsideTermError) as refused:
        create(offering, AFTER_TERM, by=staff)

    assert refused.value.messages == [WARNING]
    assert Session.objects.count() == 0


def test_a_session_outside_the_term_is_saved_once_the_warning_is_accepted(offering, staff):
    session = create(offering, AFTER_TERM, by=staff, outside_term_accepted=True)
    assert list(Session.objects.values_list("pk", flat=True)) == [session.pk]
    assert session.bookings.count() == 1


def test_moving_a_session_out_of_the_term_is_refused_and_changes_nothing(offering, staff):
    session = create(offering, IN_TERM, by=staff)

    with pytest.raises(services.OutsideTermError):
        services.session_update(session=session, starts_at=at(AFTER_TERM, 10), ends_at=at(AFTER_TERM, 12), by=staff)

    session.refresh_from_db()
    assert (session.starts_at, session.sequence, session.status) == (at(IN_TERM, 10), 0, "scheduled")
    # Another change to a session already outside its term is not asked about again.
    outside = create(offering, AFTER_TERM, by=staff, outside_term_accepted=True)
    services.session_update(session=outside, title="Revision", by=staff)
    assert Session.objects.get(pk=outside.pk).title == "Revision"


def test_a_series_running_past_the_term_is_refused_listing_each_date_until_accepted(offering, staff):
    pattern = {"offering": offering, "kind": "seminar", "weekday": 1, "start_time": datetime.time(10),
               "end_time": datetime.time(11), "first_week": 10, "last_week": 13, "room": RoomFactory()}

    with pytest.raises(services.OutsideTermError) as refused:
        services.series_create(**pattern, by=staff)
    assert refused.value.messages == [
        "2 dates of the series are outside Autumn term 2026/27 (28 September to 11 December 2026), the term this "
        "offering runs in: Tuesday 15 December 2026, Tuesday 22 December 2026."
    ]
    assert (SessionSeries.objects.count(), Session.objects.count()) == (0, 0)

    series = services.series_create(**pattern, outside_term_accepted=True, by=staff)
    assert series.sessions.count() == 4


# The session form --------------------------------------------------------------------


def form_data(offering, day, room, **extra):
    return {"offering": offering.pk, "kind": "lecture", "date": day.isoformat(), "start_time": "10:00",
            "end_time": "12:00", "room": room.pk, "is_published": "on", **extra}


def test_the_form_warns_naming_the_term_and_saves_nothing_until_confirmed(staff_client, offering):
    data = form_data(offering, AFTER_TERM, RoomFactory())
    url = reverse("timetable:session-create")

    warned = staff_client.post(url, data)
    ticked_unseen = staff_client.post(url, {**data, "save_anyway": "on"})  # no warning shown for this date yet

    assert warned.status_code == 200 and ticked_unseen.status_code == 200
    assert warned.context["warnings"] == [WARNING]
    assert WARNING in warned.content.decode()
    assert Session.objects.count() == 0

    seen = warned.context["form"]["warnings_seen"].value()
    saved = staff_client.post(url, {**data, "save_anyway": "on", "warnings_seen": seen})

    assert saved.status_code == 302
    assert list(Session.objects.values_list("starts_at", flat=True)) == [at(AFTER_TERM, 10)]


def test_a_tick_given_for_other_warnings_does_not_cover_a_new_date_outside_the_term(staff_client, offering):
    room = RoomFactory(name="S1", capacity=5)
    url = reverse("timetable:session-create")
    in_term = form_data(offering, IN_TERM, room, expected_attendance=30)
    seen = staff_client.post(url, in_term).context["form"]["warnings_seen"].value()

    # The person ticks the box for the small room, but has also moved the date past the term's end.
    response = staff_client.post(url, {**in_term, "date": AFTER_TERM.isoformat(), "save_anyway": "on",
                                       "warnings_seen": seen})

    assert response.status_code == 200
    assert response.context["warnings"] == [WARNING, "Room S1 seats 5, fewer than the 30 people expected."]
    assert response.context["form"]["save_anyway"].value() is False  # shown unticked beside the new warnings
    assert Session.objects.count() == 0


def test_editing_a_session_to_a_date_outside_the_term_asks_first(staff_client, offering, staff):
    session = create(offering, IN_TERM, by=staff)
    url = reverse("timetable:session-edit", args=[session.pk])
    data = form_data(offering, AFTER_TERM, session.room)

    warned = staff_client.post(url, data)
    session.refresh_from_db()
    assert warned.context["warnings"] == [WARNING]
    assert session.starts_at == at(IN_TERM, 10)

    seen = warned.context["form"]["warnings_seen"].value()
    assert staff_client.post(url, {**data, "save_anyway": "on", "warnings_seen": seen}).status_code == 302
    session.refresh_from_db()
    assert session.starts_at == at(AFTER_TERM, 10)


def test_a_closure_date_is_a_warning_on_the_form(staff_client, offering):
    ClosureDateFactory(date=datetime.date(2026, 10, 9), label="Founders' day")
    response = staff_client.post(reverse("timetable:session-create"),
                                 form_data(offering, datetime.date(2026, 10, 9), RoomFactory()))
    assert response.context["warnings"] == ["The university is closed on Friday 9 October 2026 (Founders' day)."]
    assert Session.objects.count() == 0


# The series form and the CSV import ---------------------------------------------------


def test_the_series_form_lists_the_dates_after_the_term_and_saves_once_confirmed(staff_client, offering):
    data = {"offering": offering.pk, "kind": "seminar", "weekday": 1, "start_time": "10:00", "end_time": "11:00",
            "first_week": 12, "last_week": 12, "room": RoomFactory().pk, "is_published": "on"}
    url = reverse("timetable:series-create")

    warned = staff_client.post(url, data)
    assert warned.context["warnings"] == [WARNING]
    assert SessionSeries.objects.count() == 0

    seen = warned.context["form"]["warnings_seen"].value()
    saved = staff_client.post(url, {**data, "save_anyway": "on", "warnings_seen": seen})
    assert saved.status_code == 302
    assert list(Session.objects.values_list("starts_at", flat=True)) == [at(AFTER_TERM, 10)]


CSV = ("module,kind,date,start,end,room,online_url,teachers,cohorts,title\n"
       f"MPT6101,lecture,{IN_TERM},10:00,12:00,B12,,,,\n"
       f"MPT6101,lecture,{AFTER_TERM},10:00,12:00,B12,,,,\n")


def test_the_csv_check_marks_rows_outside_the_term_and_importing_them_needs_a_tick(staff_client, offering):
    RoomFactory(name="B12")
    url = reverse("timetable:import")
    post = {"term": offering.term.pk, "csv_text": CSV}

    checked = staff_client.post(url, post)
    [first, second] = checked.context["rows"]
    assert (first.ok, first.warnings, second.ok, second.warnings) == (True, [], True, [WARNING])
    html = checked.content.decode()
    assert "Import 1 session outside the term anyway" in html

    unticked = staff_client.post(url, {**post, "import": "1"})
    assert Session.objects.count() == 0
    assert ("Nothing was imported: tick “Import 1 session outside the term anyway”, or correct their dates and "
            "check the file again.") in unticked.content.decode()

    staff_client.post(url, {**post, "import": "1", "outside_term_accepted": "1"})
    assert sorted(Session.objects.values_list("starts_at", flat=True)) == [at(IN_TERM, 10), at(AFTER_TERM, 10)]
