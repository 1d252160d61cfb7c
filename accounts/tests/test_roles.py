import pytest
from django.contrib.auth.models import AnonymousUser, Group
from django.core.exceptions import PermissionDenied
from django.core.management import call_command

from accounts import permissions
from accounts.models import RoleChange
from accounts.roles import Role, granted
from accounts.services import user_add_role, user_remove_role
from accounts.tests.factories import UserFactory
from core.access import SYSTEM


@pytest.mark.django_db(transaction=True)
def test_groups_and_their_grants_come_back_after_a_flush():
    # A live-server test ends by flushing every table, groups included.
    call_command("flush", verbosity=0, interactive=False)

    assert set(Group.objects.values_list("name", flat=True)) == {str(role) for role in Role}
    staff = UserFactory(roles=[Role.STAFF])
    assert staff.has_perm("curriculum.change_module")
    assert granted(Role.STAFF) >= {"curriculum.change_module"}
    assert not UserFactory(roles=[Role.APPLICANT]).has_perm("curriculum.change_module")


# --- user_add_role / user_remove_role ----------------------------------------------


@pytest.mark.django_db
def test_an_admissions_admin_adds_the_reviewer_role_and_the_change_is_recorded():
    admin, person = UserFactory(roles=[Role.ADMISSIONS_ADMIN]), UserFactory()
    assert not permissions.is_reviewer(person)  # reads and caches the roles

    assert user_add_role(user=person, role=Role.REVIEWER, by=admin, note="Reviews for 2027.") is True

    assert permissions.is_reviewer(person)  # the cached roles were read again
    assert list(person.groups.values_list("name", flat=True)) == ["reviewer"]
    change = RoleChange.objects.get()
    assert (change.user, change.role, change.change, change.by, change.note) == (
        person, "reviewer", "added", admin, "Reviews for 2027.")


@pytest.mark.django_db
def test_adding_a_role_someone_has_changes_nothing():
    admin, person = UserFactory(roles=[Role.ADMISSIONS_ADMIN]), UserFactory(roles=[Role.REVIEWER])

    assert user_add_role(user=person, role=Role.REVIEWER, by=admin) is False

    assert list(person.groups.values_list("name", flat=True)) == ["reviewer"]
    assert not RoleChange.objects.exists()


@pytest.mark.django_db
def test_removing_a_role_takes_it_away_and_records_who():
    operator, person = UserFactory(superuser=True), UserFactory(roles=[Role.STAFF, Role.REVIEWER])
    assert permissions.is_staff_member(person)

    assert user_remove_role(user=person, role=Role.STAFF, by=operator) is True
    assert user_remove_role(user=person, role=Role.STAFF, by=operator) is False

    assert not permissions.is_staff_member(person)
    assert list(person.groups.values_list("name", flat=True)) == ["reviewer"]
    assert list(RoleChange.objects.values_list("role", "change", "by")) == [("staff", "removed", operator.pk)]


@pytest.mark.django_db
def test_a_person_may_take_on_the_applicant_role_themselves_but_not_staff():
    person = UserFactory()

    assert user_add_role(user=person, role=Role.APPLICANT, by=person) is True
    with pytest.raises(PermissionDenied):
        user_add_role(user=person, role=Role.STAFF, by=person)
    with pytest.raises(PermissionDenied):
        user_remove_role(user=person, role=Role.APPLICANT, by=person)

    assert list(person.groups.values_list("name", flat=True)) == ["applicant"]
    assert list(RoleChange.objects.values_list("role", "change")) == [("applicant", "added")]


@pytest.mark.parametrize(
    ("by_roles", "role"),
    [
        ([Role.STAFF], Role.REVIEWER),
        ([Role.REVIEWER], Role.REVIEWER),
        # Admissions admins manage people (any role): staff and reviewers may not.
        ([Role.STAFF], Role.STAFF),
        ([Role.REVIEWER], Role.ADMISSIONS_ADMIN),
        ([Role.APPLICANT], Role.APPLICANT),
    ],
)
@pytest.mark.django_db
def test_a_role_change_by_someone_not_allowed_is_refused_and_changes_nothing(by_roles, role):
    by, person = UserFactory(roles=by_roles), UserFactory(roles=[Role.STUDENT])

    with pytest.raises(PermissionDenied):
        user_add_role(user=person, role=role, by=by)

    assert list(person.groups.values_list("name", flat=True)) == ["student"]
    assert not RoleChange.objects.exists()


@pytest.mark.parametrize(
    ("by_roles", "role"),
    [([Role.STAFF], Role.STUDENT), ([Role.REVIEWER], Role.STUDENT), ([Role.STAFF], Role.STAFF)],
)
@pytest.mark.django_db
def test_a_role_removal_by_someone_not_allowed_is_refused_and_changes_nothing(by_roles, role):
    by, person = UserFactory(roles=by_roles), UserFactory(roles=[Role.STUDENT, Role.STAFF])

    with pytest.raises(PermissionDenied):
        user_remove_role(user=person, role=role, by=by)

    assert set(person.groups.values_list("name", flat=True)) == {"student", "staff"}
    assert not RoleChange.objects.exists()


@pytest.mark.django_db
def test_anonymous_cannot_change_roles():
    person = UserFactory()

    with pytest.raises(PermissionDenied):
        user_add_role(user=person, role=Role.APPLICANT, by=AnonymousUser())

    assert not person.groups.exists()
    assert not RoleChange.objects.exists()


@pytest.mark.django_db
def test_system_work_changes_a_role_and_is_recorded_with_no_person():
    person = UserFactory()

    assert user_add_role(user=person, role=Role.STAFF, by=SYSTEM, note="Demo data.") is True

    assert permissions.is_staff_member(person)
    assert list(RoleChange.objects.values_list("role", "change", "by", "note")) == [
        ("staff", "added", None, "Demo data.")]


@pytest.mark.django_db
def test_a_role_change_with_no_actor_is_refused():
    person = UserFactory()

    with pytest.raises(TypeError):
        user_add_role(user=person, role=Role.STAFF, by=None)
    with pytest.raises(TypeError):
        user_add_role(user=person, role=Role.STAFF)

    assert not person.groups.exists()
