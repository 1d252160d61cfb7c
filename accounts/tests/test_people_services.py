"""People and roles from the staff area: each rule of the people services, and refusals that change nothing."""

import datetime

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from accounts import permissions, selectors, services
from accounts.models import AccountChange, Invitation, RoleChange, User
from accounts.roles import Role
from accounts.services import people
from accounts.tests.factories import TEST_PASSWORD, UserFactory
from core.access import SYSTEM

pytestmark = pytest.mark.django_db


def _token_from(message):
    return message.context["invite_url"].rsplit("/invitation/", 1)[1].strip("/")


def _roles(user):
    return set(User.objects.get(pk=user.pk).groups.values_list("name", flat=True))


# --- The permission --------------------------------------------------------------------------


def test_admissions_admins_manage_people_through_their_role_and_others_do_not():
    assert permissions.can_manage_people(UserFactory(roles=[Role.ADMISSIONS_ADMIN]))
    assert permissions.can_manage_people(UserFactory(superuser=True))
    for role in (Role.STAFF, Role.REVIEWER, Role.APPLICANT, Role.STUDENT):
        assert not permissions.can_manage_people(UserFactory(roles=[role]))
    assert not permissions.can_manage_people(SYSTEM)
    assert not permissions.can_manage_people(UserFactory(roles=[Role.ADMISSIONS_ADMIN], is_active=False))


def test_a_people_manager_may_give_a_colleague_the_staff_role():
    admin, person = UserFactory(roles=[Role.ADMISSIONS_ADMIN]), UserFactory()

    assert services.user_add_role(user=person, role=Role.STAFF, by=admin) is True

    assert _roles(person) == {"staff"}


# --- Inviting --------------------------------------------------------------------------------


def test_an_invitation_is_recorded_and_mailed_with_a_signed_link():
    admin = UserFactory(roles=[Role.ADMISSIONS_ADMIN], full_name="Priya Raman")

    result = services.person_invite(
        email="Noor@Example.org", full_name="Noor Haddad", roles=[Role.REVIEWER, Role.STAFF], by=admin
    )

    assert result.outcome == "invited"
    invitation = Invitation.objects.get()
    assert (invitation.email, invitation.full_name, invitation.roles, invitation.invited_by, invitation.state) == (
        "noor@example.org", "Noor Haddad", ["staff", "reviewer"], admin, "pending")
    assert invitation.expires_at - invitation.created_at == datetime.timedelta(days=people.INVITATION_VALID_DAYS)
    [message] = mail.outbox
    assert message.to == ["noor@example.org"]
    assert message.extra_headers == {"X-MPT-Purpose": "account_invitation"}
    assert message.context["roles"] == "Staff, Reviewer"
    assert message.context["invited_by"] == "Priya Raman"
    assert message.context["name"] == "Noor"
    assert message.context["invite_url"] in message.body
    assert services.invitation_from_token(_token_from(message)) == invitation
    assert not User.objects.filter(email__iexact="noor@example.org").exists()


def test_inviting_the_same_address_again_replaces_the_waiting_invitation():
    admin = UserFactory(roles=[Role.ADMISSIONS_ADMIN])
    services.person_invite(email="noor@example.org", full_name="Noor", roles=[Role.STAFF], by=admin)
    first_token = _token_from(mail.outbox[0])

    result = services.person_invite(email="NOOR@example.org", full_name="Noor Haddad", roles=[Role.REVIEWER], by=admin)

    assert result.outcome == "replaced"
    assert list(Invitation.objects.order_by("pk").values_list("state", "roles")) == [
        ("replaced", ["staff"]), ("pending", ["reviewer"])]
    with pytest.raises(services.InvitationLinkInvalid) as error:
        services.invitation_from_token(first_token)
    assert error.value.reason == "replaced"
    assert services.invitation_from_token(_token_from(mail.outbox[1])) == result.invitation


def test_an_address_with_an_account_gets_the_roles_only_after_the_inviter_confirms():
    admin = UserFactory(roles=[Role.ADMISSIONS_ADMIN])
    ada = UserFactory(email="ada@example.org", roles=[Role.APPLICANT])

    asked = services.person_invite(email="ADA@example.org", full_name="Ada", roles=[Role.STAFF], by=admin)

    assert (asked.outcome, asked.user) == ("has_account", ada)
    assert _roles(ada) == {"applicant"}
    assert mail.outbox == [] and not Invitation.objects.exists() and not RoleChange.objects.exists()

    given = services.person_invite(
        email="ada@example.org", full_name="Ada", roles=[Role.STAFF, Role.REVIEWER], by=admin, give_to_existing=True
    )

    assert (given.outcome, given.added) == ("roles_given", [Role.STAFF, Role.REVIEWER])
    assert _roles(ada) == {"applicant", "staff", "reviewer"}
    assert set(RoleChange.objects.values_list("role", "by")) == {("staff", admin.pk), ("reviewer", admin.pk)}
    [message] = mail.outbox
    assert message.extra_headers == {"X-MPT-Purpose": "account_access_changed"}
    assert message.context["changes"] == "Given: Staff\nGiven: Reviewer"


@pytest.mark.parametrize("by_roles", [[Role.STAFF], [Role.REVIEWER], [Role.APPLICANT]])
def test_someone_who_may_not_manage_people_cannot_invite_and_nothing_changes(by_roles):
    with pytest.raises(PermissionDenied):
        services.person_invite(
            email="noor@example.org", full_name="Noor", roles=[Role.STAFF], by=UserFactory(roles=by_roles)
        )

    assert not Invitation.objects.exists()
    assert mail.outbox == []


def test_an_invitation_needs_a_role_a_colleague_can_have():
    admin = UserFactory(roles=[Role.ADMISSIONS_ADMIN])
    for roles in ([], [Role.APPLICANT], ["wizard"]):
        with pytest.raises(ValidationError):
            services.person_invite(email="noor@example.org", full_name="Noor", roles=roles, by=admin)

    assert not Invitation.objects.exists()
    assert mail.outbox == []


# --- Accepting -------------------------------------------------------------------------------


def test_accepting_makes_an_active_confirmed_account_with_the_roles_given_by_the_inviter():
    admin = UserFactory(roles=[Role.ADMISSIONS_ADMIN])
    services.person_invite(email="noor@example.org", full_name="Noor", roles=[Role.STAFF], by=admin)
    token = _token_from(mail.outbox[0])

    user = services.invitation_accept(token=token, full_name="Noor Haddad", password=TEST_PASSWORD)

    assert (user.email, user.full_name, user.is_active) == ("noor@example.org", "Noor Haddad", True)
    assert user.email_verified_at is not None
    assert user.check_password(TEST_PASSWORD)
    assert permissions.is_staff_member(user)
    assert list(RoleChange.objects.values_list("user", "role", "change", "by")) == [
        (user.pk, "staff", "added", admin.pk)]
    assert list(AccountChange.objects.values_list("user", "change", "by")) == [(user.pk, "joined", admin.pk)]
    invitation = Invitation.objects.get()
    assert (invitation.state, invitation.user) == ("accepted", user)
    with pytest.raises(services.InvitationLinkInvalid) as error:
        services.invitation_accept(token=token, full_name="Again", password=TEST_PASSWORD)
    assert error.value.reason == "used"
    assert User.objects.filter(email="noor@example.org").count() == 1


def test_an_expired_tampered_or_withdrawn_link_says_why_and_makes_no_account(monkeypatch):
    admin = UserFactory(roles=[Role.ADMISSIONS_ADMIN])
    services.person_invite(email="noor@example.org", full_name="Noor", roles=[Role.STAFF], by=admin)
    token = _token_from(mail.outbox[0])

    def reason(token):
        with pytest.raises(services.InvitationLinkInvalid) as error:
            services.invitation_accept(token=token, full_name="Noor", password=TEST_PASSWORD)
        return error.value.reason

    assert reason(token[:-2] + "xx") == "invalid"
    assert reason("not-a-token") == "invalid"
    Invitation.objects.update(expires_at=timezone.now() - datetime.timedelta(minutes=1))
    assert reason(token) == "expired"
    later = timezone.now() + datetime.timedelta(days=15)
    Invitation.objects.update(expires_at=later + datetime.timedelta(days=1))
    monkeypatch.setattr("django.core.signing.time.time", lambda: later.timestamp())
    assert reason(token) == "expired"
    monkeypatch.undo()
    UserFactory(roles=[Role.ADMISSIONS_ADMIN])  # so that the inviter is not the last who may
    services.user_remove_role(user=admin, role=Role.ADMISSIONS_ADMIN, by=SYSTEM)
    assert reason(token) == "withdrawn"
    assert not User.objects.filter(email="noor@example.org").exists()
    assert Invitation.objects.get().state == "pending"


def test_an_address_that_signed_up_after_the_invitation_is_not_given_a_second_account():
    admin = UserFactory(roles=[Role.ADMISSIONS_ADMIN])
    services.person_invite(email="noor@example.org", full_name="Noor", roles=[Role.STAFF], by=admin)
    UserFactory(email="noor@example.org")

    with pytest.raises(services.InvitationLinkInvalid) as error:
        services.invitation_accept(token=_token_from(mail.outbox[0]), full_name="Noor", password=TEST_PASSWORD)

    assert error.value.reason == "taken"
    assert User.objects.filter(email="noor@example.org").count() == 1
    assert not RoleChange.objects.exists()


# --- Changing roles --------------------------------------------------------------------------


def test_changing_access_gives_and_takes_roles_and_the_right_and_tells_the_person():
    admin = UserFactory(roles=[Role.ADMISSIONS_ADMIN], full_name="Priya Raman")
    person = UserFactory(roles=[Role.REVIEWER])
    version = selectors.access_version(person)

    changes = services.person_change_access(
        person=person, roles=[Role.STAFF], manage_people=True, expected_version=version, by=admin, note="New post."
    )

    assert changes == ["Given: Staff", "Given: may manage people", "Taken: Reviewer"]
    assert _roles(person) == {"staff"}
    assert permissions.can_manage_people(User.objects.get(pk=person.pk))
    assert set(RoleChange.objects.values_list("role", "change", "by", "note")) == {
        ("staff", "added", admin.pk, "New post."), ("reviewer", "removed", admin.pk, "New post.")}
    assert list(AccountChange.objects.values_list("change", "by")) == [("manage_people_given", admin.pk)]
    [message] = mail.outbox
    assert message.context == {
        "name": person.get_short_name(), "changes": "Given: Staff\nGiven: may manage people\nTaken: Reviewer",
        "changed_by": "Priya Raman", "login_url": "http://testserver/accounts/login/"}
    assert {(entry["what"], entry["by"], entry["note"]) for entry in selectors.person_history(person)} == {
        ("Staff role added", admin, "New post."), ("Reviewer role removed", admin, "New post."),
        ("May manage people", admin, "New post.")}


def test_a_save_made_on_a_stale_copy_is_refused_and_names_who_changed_it_since():
    admin, other = UserFactory(roles=[Role.ADMISSIONS_ADMIN]), UserFactory(roles=[Role.ADMISSIONS_ADMIN])
    person = UserFactory(roles=[Role.REVIEWER])
    opened = selectors.access_version(person)
    services.person_change_access(person=person, roles=[Role.REVIEWER, Role.STAFF], manage_people=False,
                                  expected_version=opened, by=other)
    mail.outbox.clear()

    with pytest.raises(services.StaleCopy) as error:
        services.person_change_access(person=person, roles=[], manage_people=False, expected_version=opened, by=admin)

    assert error.value.latest.by == other
    assert _roles(person) == {"reviewer", "staff"}
    assert RoleChange.objects.count() == 1
    assert mail.outbox == []


def test_the_last_people_manager_cannot_take_the_right_from_themselves():
    admin = UserFactory(roles=[Role.ADMISSIONS_ADMIN, Role.STAFF], full_name="Priya Raman")

    with pytest.raises(services.LastPeopleManager) as error:
        services.person_change_access(person=admin, roles=[Role.STAFF], manage_people=False, by=admin)

    assert "Priya Raman is the only person who can manage people" in error.value.messages[0]
    assert _roles(admin) == {"admissions_admin", "staff"}
    assert not RoleChange.objects.exists()
    assert mail.outbox == []
    with pytest.raises(services.LastPeopleManager):
        services.user_remove_role(user=admin, role=Role.ADMISSIONS_ADMIN, by=SYSTEM)
    assert _roles(admin) == {"admissions_admin", "staff"}


def test_the_right_may_move_from_a_role_to_the_persons_own_permission_in_one_save():
    admin = UserFactory(roles=[Role.ADMISSIONS_ADMIN, Role.STAFF])

    services.person_change_access(person=admin, roles=[Role.STAFF], manage_people=True, by=admin)

    assert _roles(admin) == {"staff"}
    assert [user.pk for user in selectors.people_managers()] == [admin.pk]
    with pytest.raises(services.LastPeopleManager):
        services.person_change_access(person=admin, roles=[Role.STAFF], manage_people=False, by=admin)
    assert permissions.can_manage_people(User.objects.get(pk=admin.pk))


def test_with_a_second_people_manager_the_first_may_give_up_the_right():
    admin, other = UserFactory(roles=[Role.ADMISSIONS_ADMIN]), UserFactory(roles=[Role.ADMISSIONS_ADMIN])

    services.person_change_access(person=admin, roles=[Role.STAFF], manage_people=False, by=admin)

    assert _roles(admin) == {"staff"}
    assert [user.pk for user in selectors.people_managers()] == [other.pk]


def test_someone_who_may_not_manage_people_cannot_change_access_and_nothing_changes():
    person = UserFactory(roles=[Role.REVIEWER])

    with pytest.raises(PermissionDenied):
        services.person_change_access(person=person, roles=[Role.STAFF], manage_people=True,
                                      by=UserFactory(roles=[Role.STAFF]))

    assert _roles(person) == {"reviewer"}
    assert not RoleChange.objects.exists() and not AccountChange.objects.exists()
    assert mail.outbox == []


# --- Deactivating ----------------------------------------------------------------------------


def test_deactivating_stops_the_login_records_it_and_tells_the_person_and_reactivating_undoes_it():
    admin, person = UserFactory(roles=[Role.ADMISSIONS_ADMIN], full_name="Priya Raman"), UserFactory(
        roles=[Role.STAFF])

    assert services.person_deactivate(person=person, by=admin, note="Left the university.") is True
    assert services.person_deactivate(person=person, by=admin) is False

    person.refresh_from_db()
    assert not person.is_active
    assert _roles(person) == {"staff"}
    assert list(AccountChange.objects.values_list("change", "by", "note")) == [
        ("deactivated", admin.pk, "Left the university.")]
    assert [m.extra_headers["X-MPT-Purpose"] for m in mail.outbox] == ["account_deactivated"]
    assert mail.outbox[0].context == {"name": person.get_short_name(), "changed_by": "Priya Raman"}

    assert services.person_reactivate(person=person, by=admin) is True
    person.refresh_from_db()
    assert person.is_active
    assert [m.extra_headers["X-MPT-Purpose"] for m in mail.outbox] == ["account_deactivated", "account_reactivated"]
    assert AccountChange.objects.count() == 2


def test_nobody_deactivates_themselves():
    admin = UserFactory(roles=[Role.ADMISSIONS_ADMIN])
    UserFactory(roles=[Role.ADMISSIONS_ADMIN])

    with pytest.raises(ValidationError, match="You cannot deactivate your own account"):
        services.person_deactivate(person=admin, by=admin)

    admin.refresh_from_db()
    assert admin.is_active
    assert not AccountChange.objects.exists()
    assert mail.outbox == []


def test_an_operator_cannot_deactivate_the_last_people_manager():
    admin, operator = UserFactory(roles=[Role.ADMISSIONS_ADMIN]), UserFactory(superuser=True)

    with pytest.raises(services.LastPeopleManager):
        services.person_deactivate(person=admin, by=operator)

    admin.refresh_from_db()
    assert admin.is_active
    assert not AccountChange.objects.exists()


def test_an_unconfirmed_sign_up_is_not_reactivated_around_its_confirmation():
    admin, person = UserFactory(roles=[Role.ADMISSIONS_ADMIN]), UserFactory(unverified=True)

    with pytest.raises(ValidationError):
        services.person_reactivate(person=person, by=admin)

    person.refresh_from_db()
    assert not person.is_active


def test_someone_who_may_not_manage_people_cannot_deactivate_and_nothing_changes():
    person = UserFactory(roles=[Role.STAFF])

    with pytest.raises(PermissionDenied):
        services.person_deactivate(person=person, by=UserFactory(roles=[Role.REVIEWER]))

    person.refresh_from_db()
    assert person.is_active
    assert not AccountChange.objects.exists()


def test_a_staff_member_given_the_right_on_their_own_may_manage_people_and_no_one_else_is():
    admin = UserFactory(roles=[Role.ADMISSIONS_ADMIN])
    ada, sam = UserFactory(roles=[Role.STAFF]), UserFactory(roles=[Role.APPLICANT])

    services.person_change_access(person=ada, roles=[Role.STAFF], manage_people=True, by=admin)
    with pytest.raises(ValidationError) as error:
        services.person_change_access(person=sam, roles=[Role.APPLICANT], manage_people=True, by=admin)

    assert permissions.can_manage_people(User.objects.get(pk=ada.pk))
    assert not permissions.manages_people_by_role(User.objects.get(pk=ada.pk))
    assert "Only members of staff" in error.value.message_dict["manage_people"][0]
    assert not permissions.can_manage_people(User.objects.get(pk=sam.pk))
    assert list(AccountChange.objects.values_list("user", "change")) == [(ada.pk, "manage_people_given")]
    assert set(selectors.people_managers()) == {admin, ada}
