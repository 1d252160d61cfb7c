"""The people mails give exactly the placeholders their purposes declare, and the default
text staff see in the template editor is the mail accounts sends."""

import pytest

from accounts import mail as account_mail
from accounts.models import User
from accounts.tests.factories import UserFactory
from notifications.registry import ACTION_PREFIX, get_purpose
from notifications.rendering import render
from notifications.services import global_context

pytestmark = pytest.mark.django_db

SITE = "http://testserver"


def _messages(user):
    return {
        "account_invitation": account_mail.invitation_message(
            User(email="noor@example.org", full_name="Noor Haddad"), invite_url=f"{SITE}/accounts/invitation/tok/",
            roles="Staff, Reviewer", invited_by="Priya Raman", valid_days=14,
        ),
        "account_access_changed": account_mail.access_changed_message(
            user, changes="Given: Staff\nTaken: Reviewer", changed_by="Priya Raman"
        ),
        "account_deactivated": account_mail.deactivated_message(user, changed_by="Priya Raman"),
        "account_reactivated": account_mail.reactivated_message(user, changed_by="Priya Raman"),
    }


PURPOSES = ["account_invitation", "account_access_changed", "account_deactivated", "account_reactivated"]


@pytest.mark.parametrize("purpose", PURPOSES)
def test_each_people_mail_gives_exactly_the_placeholders_its_purpose_declares(purpose):
    message = _messages(UserFactory(full_name="Ada Okafor"))[purpose]
    spec = get_purpose(purpose)
    assert message.extra_headers == {"X-MPT-Purpose": purpose}
    assert set(message.context) == set(spec.placeholders)
    assert message.context["name"] == ("Noor" if purpose == "account_invitation" else "Ada")


@pytest.mark.parametrize("purpose", PURPOSES)
def test_the_default_staff_see_in_the_editor_is_the_people_mail_accounts_sends(purpose):
    message = _messages(UserFactory(full_name="Ada Okafor"))[purpose]
    spec = get_purpose(purpose)
    rendered = render(
        subject=spec.subject, body=spec.body, context={**global_context(), **message.context}, purpose=spec,
        send_html=spec.html,
    )
    assert rendered.body_text == message.body
    expected_subject = ACTION_PREFIX + message.subject if spec.asks_for_action else message.subject
    assert rendered.subject == expected_subject
