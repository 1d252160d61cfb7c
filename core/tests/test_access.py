"""The access layer: the view decorator and the system actor."""

import copy
import datetime
import pickle

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.test import RequestFactory

from accounts.permissions import is_staff_member
from accounts.roles import Role
from accounts.tests.factories import UserFactory
from core.access import SYSTEM, SystemActor, acting_user, check, require
from curriculum.tests.factories import ModuleOfferingFactory
from timetable import services
from timetable.models import Session
from timetable.tests.factories import RoomFactory


def _view(request):
    return HttpResponse("the page")


def _get(user, path="/staff/thing/?week=2027-W05"):
    request = RequestFactory().get(path)
    request.user = user
    return request


@pytest.mark.parametrize("deny", [403, 404])
def test_an_anonymous_visitor_is_sent_to_log_in_and_comes_back(deny):
    response = require(is_staff_member, deny=deny)(_view)(_get(AnonymousUser()))

    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/staff/thing/%3Fweek%3D2027-W05"


@pytest.mark.django_db
def test_a_signed_in_person_of_the_wrong_role_gets_404_by_default():
    view = require(is_staff_member)(_view)

    with pytest.raises(Http404):
        view(_get(UserFactory(roles=[Role.APPLICANT])))


@pytest.mark.django_db
def test_a_signed_in_person_of_the_wrong_role_gets_403_when_asked():
    view = require(is_staff_member, deny=403)(_view)

    with pytest.raises(PermissionDenied):
        view(_get(UserFactory(roles=[Role.APPLICANT])))


@pytest.mark.django_db
@pytest.mark.parametrize("deny", [403, 404])
def test_the_right_role_sees_the_page(deny):
    response = require(is_staff_member, deny=deny)(_view)(_get(UserFactory(roles=[Role.STAFF])))

    assert (response.status_code, response.content) == (200, b"the page")


def test_require_keeps_the_views_name_and_refuses_another_deny_code():
    assert require(is_staff_member)(_view).__name__ == "_view"
    with pytest.raises(ValueError):
        require(is_staff_member, deny=401)


def test_the_system_actor_is_one_object_that_is_no_user():
    assert SystemActor() is SYSTEM
    assert copy.deepcopy(SYSTEM) is SYSTEM
    assert pickle.loads(pickle.dumps(SYSTEM)) is SYSTEM  # noqa: S301 (our own bytes)
    assert repr(SYSTEM) == "SYSTEM"
    assert not SYSTEM.is_authenticated
    assert not hasattr(SYSTEM, "pk")


def test_a_predicate_asked_directly_about_the_system_actor_says_no():
    assert is_staff_member(SYSTEM) is False


@pytest.mark.django_db
def test_check_lets_the_system_actor_through_and_refuses_others():
    check(SYSTEM, is_staff_member)
    check(UserFactory(roles=[Role.STAFF]), is_staff_member)
    with pytest.raises(PermissionDenied, match="Staff only"):
        check(UserFactory(roles=[Role.STUDENT]), is_staff_member, message="Staff only")
    with pytest.raises(TypeError):
        check(None, is_staff_member)


@pytest.mark.django_db
def test_acting_user_records_no_one_for_the_system_actor():
    person = UserFactory()

    assert acting_user(person) is person
    assert acting_user(SYSTEM) is None
    with pytest.raises(TypeError):
        acting_user(None)


def _session_args():
    starts = datetime.datetime(2026, 10, 5, 10, tzinfo=datetime.UTC)
    return {
        "offering": ModuleOfferingFactory(), "kind": "lecture", "starts_at": starts,
        "ends_at": starts + datetime.timedelta(hours=1), "room": RoomFactory(), "outside_term_accepted": True,
    }


@pytest.mark.django_db
def test_a_service_called_without_by_fails_loudly_and_saves_nothing():
    args = _session_args()

    with pytest.raises(TypeError, match="by"):
        services.session_create(**args)

    assert not Session.objects.exists()


@pytest.mark.django_db
def test_a_service_called_with_by_none_is_refused_and_saves_nothing():
    args = _session_args()

    with pytest.raises(TypeError, match="by=None"):
        services.session_create(**args, by=None)

    assert not Session.objects.exists()


@pytest.mark.django_db
def test_a_service_run_as_the_system_actor_is_allowed_and_recorded_as_no_one():
    session = services.session_create(**_session_args(), by=SYSTEM)

    assert Session.objects.filter(pk=session.pk, updated_by=None).exists()
