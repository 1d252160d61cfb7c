import pytest
from django.db import IntegrityError

from accounts import permissions
from accounts.models import User
from accounts.roles import Role
from accounts.tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_email_is_the_login_and_is_stored_lower_case():
    user = User.objects.create_user("  Ada.Lovelace@Example.ORG ", "a-long-password", full_name="Ada Lovelace")
    assert user.email == "ada.lovelace@example.org"
    assert User.USERNAME_FIELD == "email"
    assert User.objects.get_by_natural_key("ADA.LOVELACE@example.org") == user


def test_the_database_refuses_the_same_email_in_another_case():
    UserFactory(email="sam@example.org")
    with pytest.raises(IntegrityError):
        # Bypass save()'s normalisation to prove the constraint itself holds.
        User.objects.bulk_create([User(email="SAM@example.org", full_name="Other Sam")])


def test_roles_exist_as_groups_from_the_data_migration():
    from django.contrib.auth.models import Group

    assert set(Group.objects.values_list("name", flat=True)) >= {str(role) for role in Role}


@pytest.mark.parametrize(
    ("roles", "expected"),
    [
        ([], set()),
        ([Role.APPLICANT], {"applicant"}),
        ([Role.STAFF, Role.REVIEWER], {"staff", "reviewer"}),
    ],
)
def test_role_predicates(roles, expected):
    user = UserFactory(roles=roles)
    got = {
        name
        for name, predicate in [
            ("applicant", permissions.is_applicant),
            ("student", permissions.is_student),
            ("staff", permissions.is_staff_member),
            ("reviewer", permissions.is_reviewer),
            ("admissions_admin", permissions.is_admissions_admin),
        ]
        if predicate(user)
    }
    assert got == expected


def test_superuser_counts_as_every_role_and_inactive_users_as_none():
    superuser = UserFactory(superuser=True)
    assert permissions.is_admissions_admin(superuser) and permissions.is_staff_member(superuser)
    assert permissions.can_use_admin_site(superuser)
    inactive = UserFactory(roles=[Role.STAFF], is_active=False)
    assert not permissions.is_staff_member(inactive)
    assert not permissions.can_use_admin_site(UserFactory(roles=[Role.STAFF]))


def test_anonymous_user_has_no_role():
    from django.contrib.auth.models import AnonymousUser

    assert not permissions.is_applicant(AnonymousUser())


def test_role_names_are_read_once_per_user_object(django_assert_num_queries):
    user = UserFactory(roles=[Role.STAFF])
    user = User.objects.get(pk=user.pk)
    with django_assert_num_queries(1):
        assert permissions.is_staff_member(user)
        assert not permissions.is_reviewer(user)


def test_short_name_prefers_preferred_name():
    assert UserFactory.build(full_name="Jo Marsh", preferred_name="").get_short_name() == "Jo"
    assert UserFactory.build(full_name="Josephine Marsh", preferred_name="Jo M").get_short_name() == "Jo M"
    assert UserFactory.build(full_name="Dr Ada Okafor", preferred_name="").get_short_name() == "Ada"
    assert UserFactory.build(full_name="Prof. Kwame Mensah", preferred_name="").get_short_name() == "Kwame"
    assert UserFactory.build(full_name="Dr", preferred_name="").get_short_name() == "Dr"
