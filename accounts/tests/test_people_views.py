"""The people pages: list, person, invite, accept, deactivate; each refusal says why and saves nothing."""

import re

import pytest
from django.contrib.auth.backends import ModelBackend
from django.core import mail
from django.urls import reverse

from accounts import selectors, services
from accounts.models import AccountChange, Invitation, RoleChange, User
from accounts.roles import Role
from accounts.tests.factories import TEST_PASSWORD, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin(client):
    admin = UserFactory(roles=[Role.ADMISSIONS_ADMIN], full_name="Priya Raman")
    client.force_login(admin)
    return admin


def _html(response):
    return response.content.decode()


def _summary_and_field(html, message):
    """The message is in the error summary and beside its field (twice on the page)."""
    assert 'class="error-summary"' in html
    assert html.count(message) >= 2, html


def _roles(user):
    return set(User.objects.get(pk=user.pk).groups.values_list("name", flat=True))


# --- The list --------------------------------------------------------------------------------


def test_the_list_shows_people_with_their_roles_and_filters_by_role_and_search(client, admin):
    UserFactory(full_name="Ada Okafor", email="ada@example.org", roles=[Role.STAFF, Role.REVIEWER])
    UserFactory(full_name="Sam Lee", email="sam@example.org", roles=[Role.APPLICANT])

    everyone = _html(client.get(reverse("people:person-list")))
    staff = _html(client.get(reverse("people:person-list"), {"role": "staff"}))
    searched = _html(client.get(reverse("people:person-list"), {"q": "SAM@"}))
    managers = _html(client.get(reverse("people:person-list"), {"role": "manage_people"}))

    assert "Ada Okafor" in everyone and "Sam Lee" in everyone and "Priya Raman" in everyone
    assert "Staff, Reviewer" in everyone
    assert "Ada Okafor" in staff and "Sam Lee" not in staff
    assert "Sam Lee" in searched and "Ada Okafor" not in searched
    assert "Priya Raman" in managers and "Ada Okafor" not in managers and "May manage people" in managers


def test_the_list_sorts_and_keeps_its_filters_on_the_page_links(client, admin):
    for number in range(30):
        UserFactory(full_name=f"Person {number:02d}", roles=[Role.STAFF])

    first = _html(client.get(reverse("people:person-list"), {"role": "staff", "sort": "-name"}))

    assert first.index("Person 29") < first.index("Person 28")
    assert "?role=staff&amp;sort=-name&amp;page=2" in first
    assert "Page 1 of 2" in first


@pytest.mark.parametrize("count", [1, 3])
def test_the_list_costs_the_same_queries_whatever_the_number_of_people(
    client, admin, count, django_assert_num_queries
):
    people = [UserFactory(full_name=f"Colleague {n}", roles=[Role.STAFF, Role.REVIEWER]) for n in range(count)]
    people[0].user_permissions.add(selectors.manage_people_permission())
    services.person_invite(email=f"new{count}@example.org", full_name="Newcomer", roles=[Role.STAFF], by=admin)
    # The session, the user and their roles; the count, the page, its groups and permissions;
    # the right's permission row and the groups that hold it; the invitations.
    with django_assert_num_queries(10):
        response = client.get(reverse("people:person-list"))
    html = _html(response)
    for person in people:
        assert f'href="{reverse("people:person-detail", args=[person.pk])}"' in html
    assert html.count("Staff, Reviewer") == count
    # Priya by her role, one colleague on their own
    assert html.count('<div class="small">May manage people</div>') == 2
    assert f"new{count}@example.org" in html


def test_people_who_may_not_manage_people_are_refused(client):
    client.force_login(UserFactory(roles=[Role.STAFF]))

    assert client.get(reverse("people:person-list")).status_code == 403
    assert client.post(reverse("people:person-invite"), {
        "full_name": "Noor", "email": "noor@example.org", "roles": ["staff"]}).status_code == 403
    assert not Invitation.objects.exists()


# --- Inviting --------------------------------------------------------------------------------


def test_inviting_sends_the_link_and_says_so(client, admin):
    response = client.post(reverse("people:person-invite"), {
        "full_name": "Noor Haddad", "email": "noor@example.org", "roles": ["staff", "reviewer"]}, follow=True)

    assert response.redirect_chain == [(reverse("people:person-list"), 302)]
    html = _html(response)
    assert "We have sent an invitation to noor@example.org. The link works for 14 days" in html
    assert "Noor Haddad" in html  # in the invitations waiting
    [message] = mail.outbox
    assert message.to == ["noor@example.org"]


def test_inviting_again_says_the_waiting_invitation_is_replaced(client, admin):
    data = {"full_name": "Noor Haddad", "email": "noor@example.org", "roles": ["staff"]}
    client.post(reverse("people:person-invite"), data)

    html = _html(client.post(reverse("people:person-invite"), data, follow=True))

    assert "already had an invitation waiting. It is replaced by this one: the earlier link no longer works" in html
    assert list(Invitation.objects.values_list("state", flat=True).order_by("pk")) == ["replaced", "pending"]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"full_name": "Noor", "email": "not-an-email", "roles": ["staff"]}, "Enter"),
        ({"full_name": "Noor", "email": "noor@example.org"}, "Choose at least one role"),
        ({"full_name": "", "email": "noor@example.org", "roles": ["staff"]}, "Enter the full name"),
        ({"full_name": "Noor", "email": "noor@example.org", "roles": ["applicant"]}, "Select"),
    ],
)
def test_bad_invitation_input_is_shown_beside_the_field_and_nothing_is_sent(client, admin, data, message):
    response = client.post(reverse("people:person-invite"), data)

    html = _html(response)
    assert response.status_code == 200
    assert "<title>Error:" in html
    assert 'class="error-summary"' in html
    assert message in html
    assert not Invitation.objects.exists()
    assert mail.outbox == []


def test_an_invalid_email_is_named_beside_the_field_and_in_the_summary(client, admin):
    response = client.post(reverse("people:person-invite"), {
        "full_name": "Noor", "email": "not-an-email", "roles": ["staff"]})

    html = _html(response)
    assert '<a href="#id_email">Enter the email address in the correct format, like name@example.org</a>' in html
    assert re.search(r'id="id_email-error">.*?Enter the email address in the correct format', html, re.S)


def test_an_address_with_an_account_is_asked_about_then_given_the_roles(client, admin):
    ada = UserFactory(full_name="Ada Okafor", email="ada@example.org")
    data = {"full_name": "Ada", "email": "ada@example.org", "roles": ["staff", "reviewer"]}

    asked = _html(client.post(reverse("people:person-invite"), data))

    assert "ada@example.org already has an account, so there is no one to invite. " \
           "Give them the roles Staff, Reviewer?" in asked
    assert _roles(ada) == set() and mail.outbox == []

    done = client.post(reverse("people:person-invite"), {**data, "give_to_existing": "True"}, follow=True)

    assert done.redirect_chain == [(reverse("people:person-detail", args=[ada.pk]), 302)]
    assert "Ada Okafor now has the roles Staff, Reviewer; we have told them by email." in _html(done)
    assert _roles(ada) == {"staff", "reviewer"}
    assert not Invitation.objects.exists()


# --- Accepting -------------------------------------------------------------------------------


def _invite(admin, email="noor@example.org"):
    services.person_invite(email=email, full_name="Noor Haddad", roles=[Role.STAFF], by=admin)
    return mail.outbox[-1].context["invite_url"].removeprefix("http://testserver")


def test_the_invited_colleague_sets_a_password_and_lands_in_the_staff_area_signed_in(client, admin):
    url = _invite(admin)
    client.logout()

    page = _html(client.get(url))
    response = client.post(url, {"full_name": "Noor Haddad", "password1": TEST_PASSWORD,
                                 "password2": TEST_PASSWORD}, follow=True)

    assert "Priya Raman invited noor@example.org, with the roles Staff." in page
    assert response.redirect_chain == [(reverse("staff-home"), 302)]
    assert "Welcome, Noor. Your account is ready, with the roles Staff." in _html(response)
    assert response.context["user"].email == "noor@example.org"
    assert _roles(User.objects.get(email="noor@example.org")) == {"staff"}


def test_a_bad_password_on_the_invitation_keeps_the_link_working_and_makes_no_account(client, admin):
    url = _invite(admin)
    client.logout()

    response = client.post(url, {"full_name": "Noor", "password1": "short", "password2": "short"})

    assert response.status_code == 200
    assert "This password is too short" in _html(response)
    assert not User.objects.filter(email="noor@example.org").exists()
    assert Invitation.objects.get().state == "pending"


@pytest.mark.parametrize(
    ("spoil", "heading"),
    [
        ("tamper", "This invitation link does not work"),
        ("expire", "This invitation has expired"),
        ("replace", "A newer invitation replaced this one"),
        ("accept", "You have already accepted this invitation"),
    ],
)
def test_a_link_that_cannot_be_used_gets_a_page_saying_what_to_do(client, admin, spoil, heading):
    from django.utils import timezone

    url = _invite(admin)
    if spoil == "tamper":
        url = url[:-3] + "xx/"
    elif spoil == "expire":
        Invitation.objects.update(expires_at=timezone.now())
    elif spoil == "replace":
        _invite(admin)
    elif spoil == "accept":
        services.invitation_accept(token=url.split("/")[-2], full_name="Noor", password=TEST_PASSWORD)
    client.logout()

    response = client.get(url)
    posted = client.post(url, {"full_name": "Noor", "password1": TEST_PASSWORD, "password2": TEST_PASSWORD})

    assert (response.status_code, posted.status_code) == (400, 400)
    assert f"<h1>{heading}</h1>" in _html(response)
    assert User.objects.filter(email="noor@example.org").count() == (1 if spoil == "accept" else 0)


# --- A person's page -------------------------------------------------------------------------


def _access(client, person, roles, manage_people=False, version=None, confirmed=True):
    data = {"roles": roles, "version": version or selectors.access_version(person)}
    if manage_people:
        data["manage_people"] = "on"
    if confirmed:
        data["confirmed"] = "True"
    return client.post(reverse("people:person-detail", args=[person.pk]), data)


def test_changing_roles_asks_once_naming_the_changes_then_saves_and_shows_the_history(client, admin):
    person = UserFactory(full_name="Ada Okafor", roles=[Role.REVIEWER])

    asked = _html(_access(client, person, ["staff"], confirmed=False))

    assert "Give the role Staff" in asked and "Take away the role Reviewer" in asked
    assert "Save the changes and tell Ada" in asked
    assert _roles(person) == {"reviewer"} and not RoleChange.objects.exists()

    done = client.post(reverse("people:person-detail", args=[person.pk]), {
        "roles": ["staff"], "version": selectors.access_version(person), "confirmed": "True"}, follow=True)

    html = _html(done)
    assert _roles(person) == {"staff"}
    assert "we have told them by email" in html
    assert "Staff role added" in html and "Reviewer role removed" in html and html.count("Priya Raman") >= 2
    assert [m.extra_headers["X-MPT-Purpose"] for m in mail.outbox] == ["account_access_changed"]


def test_saving_no_change_says_so(client, admin):
    person = UserFactory(roles=[Role.REVIEWER])

    html = _html(_access(client, person, ["reviewer"]))

    _summary_and_field(html, "Nothing to change: tick or untick a role first")


def test_a_role_change_on_a_stale_copy_is_refused_and_names_who_saved_in_between(client, admin):
    other = UserFactory(roles=[Role.ADMISSIONS_ADMIN], full_name="Tom Whitaker")
    person = UserFactory(full_name="Ada Okafor", roles=[Role.REVIEWER])
    opened = selectors.access_version(person)
    services.person_change_access(person=person, roles=["reviewer", "student"], manage_people=False, by=other)
    mail.outbox.clear()

    response = _access(client, person, ["staff"], version=opened)

    html = _html(response)
    assert "Tom Whitaker changed Ada Okafor&#x27;s roles at" in html
    assert "Your change is not saved" in html
    assert _roles(person) == {"reviewer", "student"}
    assert mail.outbox == []
    # Saving again now means: I have seen their change.
    assert f'value="{selectors.access_version(person)}"' in html
    _access(client, person, ["staff"], version=selectors.access_version(person))
    assert _roles(person) == {"staff"}


def test_the_last_people_manager_is_told_why_they_cannot_remove_their_own_right(client, admin):
    response = _access(client, admin, ["staff"])

    _summary_and_field(_html(response), "Priya Raman is the only person who can manage people")
    assert _roles(admin) == {"admissions_admin"}
    assert not RoleChange.objects.exists()


def test_deactivating_asks_once_then_the_person_can_no_longer_log_in(client, admin):
    person = UserFactory(full_name="Ada Okafor", roles=[Role.STAFF])
    url = reverse("people:person-deactivate", args=[person.pk])

    asked = _html(client.get(url))
    done = client.post(url, {"note": "Left the university."}, follow=True)

    assert "They will no longer be able to log in" in asked and "Deactivate the account" in asked
    assert "Ada Okafor&#x27;s account is deactivated" in _html(done)
    assert "Account deactivated" in _html(done) and "Left the university." in _html(done)
    person.refresh_from_db()
    assert not person.is_active
    assert ModelBackend().authenticate(None, username=person.email, password=TEST_PASSWORD) is None

    client.post(reverse("people:person-reactivate", args=[person.pk]), {})
    person.refresh_from_db()
    assert person.is_active


def test_deactivating_yourself_is_refused_with_a_message_and_nothing_changes(client, admin):
    UserFactory(roles=[Role.ADMISSIONS_ADMIN])

    response = client.post(reverse("people:person-deactivate", args=[admin.pk]), {})

    html = _html(response)
    assert response.status_code == 200
    assert 'class="error-summary"' in html
    assert "You cannot deactivate your own account" in html
    admin.refresh_from_db()
    assert admin.is_active
    assert not AccountChange.objects.exists()


def test_the_staff_home_shows_the_people_card_to_people_managers_only(client, admin):
    _invite(admin)

    html = _html(client.get(reverse("staff-home")))

    assert '<h2 id="staff-card-people">People and roles</h2>' in html
    link = f'<a class="staff-line" href="{reverse("people:person-list")}#invitations">'
    assert f'{link}<span class="staff-count">1</span><span>invitation waiting</span></a>' in html
    client.force_login(UserFactory(roles=[Role.STAFF]))
    assert "staff-card-people" not in _html(client.get(reverse("staff-home")))
