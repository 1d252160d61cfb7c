import datetime

import pytest
import time_machine

from accounts.roles import Role
from accounts.tests.factories import UserFactory
from timetable import services
from timetable.staff_cards import timetable_card
from timetable.tests.factories import make_session

pytestmark = pytest.mark.django_db


@time_machine.travel(datetime.datetime(2026, 11, 25, 9, 0, tzinfo=datetime.UTC), tick=False)
def test_this_weeks_sessions_are_counted_once_however_many_teach_them():
    me, colleague = UserFactory(roles=[Role.STAFF]), UserFactory(roles=[Role.STAFF])
    monday = datetime.date(2026, 11, 23)
    make_session(day=monday, teachers=[me, colleague])
    make_session(day=monday + datetime.timedelta(days=2), teachers=[colleague])
    cancelled = make_session(day=monday + datetime.timedelta(days=4), teachers=[me])
    services.session_cancel(session=cancelled, reason="Strike day", by=me)
    make_session(day=monday + datetime.timedelta(days=7), teachers=[me])  # next week

    card = timetable_card(me)

    assert card.title == "Timetable, week of 23 November"
    assert [(line.count, line.label, line.url) for line in card.lines] == [
        (2, "sessions this week", "/staff/timetable/?week=2026-W48"),
        (1, "that you teach", "/staff/timetable/?week=2026-W48&by=staff"),
        (1, "cancelled this week", "/staff/timetable/?week=2026-W48"),
    ]


def test_only_timetable_editors_get_the_card():
    assert timetable_card(UserFactory(roles=[Role.REVIEWER])) is None
