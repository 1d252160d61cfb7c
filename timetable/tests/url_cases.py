from accounts.roles import Role
from mpt.tests.url_permissions import PUBLIC, SIGNED_IN, UrlCase, only

from .factories import RoomFactory, make_session

STAFF_ONLY = only(Role.STAFF)


def _session(users):
    return {"uid": make_session().uid}


def _session_pk(users):
    return {"pk": make_session().pk}


def _series(users):
    import datetime

    from core.access import SYSTEM
    from curriculum.tests.factories import ModuleOfferingFactory
    from timetable import services

    series = services.series_create(
        offering=ModuleOfferingFactory(), kind="lecture", weekday=1, start_time=datetime.time(10),
        end_time=datetime.time(12), first_week=1, last_week=2, room=RoomFactory(), by=SYSTEM,
    )
    return {"pk": series.pk}


def _room(users):
    return {"slug": RoomFactory().slug}


def _offering(users):
    return {"pk": make_session().offering_id}


def _cohort(users):
    from curriculum.tests.factories import CohortFactory

    return {"slug": CohortFactory().slug}


def _staff_member(users):
    return {"pk": users["staff"].pk}


def _personal(users):
    from timetable.services import feed_token_for

    return {"token": feed_token_for(user=users["student"]).token}


CASES = [
    UrlCase("timetable:week", PUBLIC),
    UrlCase("timetable:session-detail", PUBLIC, kwargs=_session),
    UrlCase("timetable:my-feed", SIGNED_IN),
    UrlCase("timetable:feed-offering", PUBLIC, kwargs=_offering),
    UrlCase("timetable:feed-cohort", PUBLIC, kwargs=_cohort),
    UrlCase("timetable:feed-room", PUBLIC, kwargs=lambda users: {"slug": RoomFactory().slug}),
    UrlCase("timetable:feed-staff", PUBLIC, kwargs=_staff_member),
    UrlCase("timetable:feed-personal", PUBLIC, kwargs=_personal, note="the secret is the permission"),
    UrlCase("timetable:staff-week", STAFF_ONLY),
    UrlCase("timetable:staff-term", STAFF_ONLY),
    UrlCase("timetable:session-create", STAFF_ONLY),
    UrlCase("timetable:session-edit", STAFF_ONLY, kwargs=_session_pk),
    UrlCase("timetable:session-cancel", STAFF_ONLY, kwargs=_session_pk),
    UrlCase("timetable:series-create", STAFF_ONLY),
    UrlCase("timetable:series-detail", STAFF_ONLY, kwargs=_series),
    UrlCase("timetable:series-edit", STAFF_ONLY, kwargs=_series),
    # An empty POST is refused by the form: staff are sent back to the series.
    UrlCase("timetable:series-move", only(Role.STAFF, status=302), kwargs=_series, method="post"),
    UrlCase("timetable:staff-room-list", STAFF_ONLY),
    UrlCase("timetable:staff-room-create", STAFF_ONLY),
    UrlCase("timetable:staff-room-detail", STAFF_ONLY, kwargs=_room),
    UrlCase("timetable:staff-room-edit", STAFF_ONLY, kwargs=_room),
    UrlCase("timetable:staff-room-deactivate", STAFF_ONLY, kwargs=_room),
    # Bringing a room back sends staff to its page.
    UrlCase("timetable:staff-room-reactivate", only(Role.STAFF, status=302), kwargs=_room, method="post"),
    UrlCase("timetable:import", STAFF_ONLY),
    UrlCase("timetable:export", STAFF_ONLY),
    UrlCase("timetable-api:session-list", PUBLIC),
]
