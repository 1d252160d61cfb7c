"""The development transport: one console line per mail, saying where to read it."""

import io

import pytest
from django.apps import apps
from django.core.management.base import OutputWrapper
from django.db import transaction

from accounts.tests.factories import UserFactory
from notifications.console import console_lines_held
from notifications.models import OutboundEmail
from notifications.services import queue_email
from notifications.tests.factories import TEST_ACK

pytestmark = pytest.mark.django_db(transaction=True)
SITE = "http://127.0.0.1:8801"


@pytest.fixture(autouse=True)
def console_transport(settings, roles):
    settings.EMAIL_BACKEND = "notifications.backends.OutboxBackend"
    settings.MPT_DELIVERY_EMAIL_BACKEND = "notifications.console.ConsoleLineBackend"
    settings.SITE_URL = SITE


def send(to, key):
    with transaction.atomic():
        return queue_email(purpose=TEST_ACK, to=to, context={"name": "Sam", "programme": "MPT"}, idempotency_key=key)


def test_a_delivered_mail_prints_one_line_naming_its_recipient_subject_and_both_pages(capsys):
    user = UserFactory(email="sam@example.org")
    email = send([user], "one")
    email.refresh_from_db()
    assert email.state == OutboundEmail.State.SENT
    assert capsys.readouterr().out == (
        f'Mail to sam@example.org: "We received your application to MPT". Read it at '
        f"{SITE}/accounts/emails/{email.pk}/ (logged in as sam@example.org) or {SITE}/staff/outbox/{email.pk}/\n"
    )


def test_mail_to_an_address_with_no_account_names_only_the_staff_page(capsys):
    email = send(["referee@example.net", "second@example.net"], "two")
    assert capsys.readouterr().out == (
        f'Mail to referee@example.net, second@example.net: "We received your application to MPT". '
        f"Read it at {SITE}/staff/outbox/{email.pk}/\n"
    )


def test_while_lines_are_held_nothing_is_printed_and_the_mail_is_still_sent(capsys):
    with console_lines_held():
        email = send(["quiet@example.org"], "three")
    email.refresh_from_db()
    assert email.state == OutboundEmail.State.SENT
    assert capsys.readouterr().out == ""
    send(["loud@example.org"], "four")
    assert capsys.readouterr().out.startswith('Mail to loud@example.org: "')


def test_seeding_the_demo_sums_up_its_mail_in_one_line_instead_of_a_line_each(capsys):
    out = io.StringIO()
    with apps.get_app_config("notifications").seeding_demo(stdout=OutputWrapper(out)):
        send(["a@example.org"], "five")
        send(["b@example.org"], "six")
    assert capsys.readouterr().out == ""
    assert out.getvalue() == (
        f"Queued 2 demo mails: read them at {SITE}/staff/outbox/ (as staff) "
        f"or at {SITE}/accounts/emails/ (logged in as their recipient)\n"
    )
    assert set(OutboundEmail.objects.values_list("state", flat=True)) == {OutboundEmail.State.SENT}


def test_seeding_again_with_no_new_mail_says_so(capsys):
    out = io.StringIO()
    with apps.get_app_config("notifications").seeding_demo(stdout=OutputWrapper(out)):
        pass
    assert out.getvalue() == f"No new demo mail: the outbox already holds it, at {SITE}/staff/outbox/\n"
