"""Staff's templates are read from the cache, and every edit shows in the very next mail."""

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.roles import Role
from accounts.tests.factories import UserFactory
from notifications import template_cache
from notifications.models import EmailTemplate, OutboundEmail
from notifications.services import queue_email, template_reset, template_save
from notifications.tests.factories import TEST_ACK, EmailTemplateFactory

DEFAULT_SUBJECT = "We received your application to MPT"


def _queue(key):
    return queue_email(
        purpose=TEST_ACK, to=[f"{key}@example.org"], context={"name": "Sam", "programme": "MPT"}, idempotency_key=key
    )


def _statements(queries):
    return [q["sql"].split()[0].upper() for q in queries.captured_queries if q["sql"].split()[0] not in ("BEGIN",)]


@pytest.mark.django_db(transaction=True)
def test_a_mail_reads_the_template_once_then_from_the_cache(monkeypatch):
    published = []
    monkeypatch.setattr("notifications.services.dispatch", published.extend)  # delivery is not the request's cost
    with CaptureQueriesContext(connection) as first, transaction.atomic():
        _queue("first")
    with CaptureQueriesContext(connection) as second, transaction.atomic():
        _queue("second")
    assert _statements(first) == ["SELECT", "INSERT", "COMMIT"]
    # No template query, no account query (looked up inside the INSERT), no savepoint.
    assert _statements(second) == ["INSERT", "COMMIT"]
    assert published == list(OutboundEmail.objects.order_by("pk").values_list("pk", flat=True))


@pytest.mark.django_db(transaction=True)
def test_staff_edit_in_the_editor_shows_in_the_next_mail(roles, client):
    assert _queue("before").subject == DEFAULT_SUBJECT  # the default is cached now
    client.force_login(UserFactory(roles=[Role.STAFF]))
    url = reverse("notifications:template-edit", args=[TEST_ACK])
    client.post(url, {"subject": "Got it, {name}", "body": "Thanks {name}", "action": "save"})
    assert _queue("after-save").subject == "Got it, Sam"
    client.post(url, {"subject": "Got it again, {name}", "body": "Thanks {name}", "action": "save"})
    assert _queue("after-second-save").subject == "Got it again, Sam"
    client.post(url, {"action": "reset"})
    assert _queue("after-reset").subject == DEFAULT_SUBJECT


@pytest.mark.django_db(transaction=True)
def test_a_template_saved_any_other_way_shows_in_the_next_mail():
    assert _queue("before").subject == DEFAULT_SUBJECT
    row = EmailTemplateFactory(purpose=TEST_ACK, subject="From the admin, {name}")  # a plain model save
    assert _queue("after-create").subject == "From the admin, Sam"
    row.subject = "Changed, {name}"
    row.save()
    assert _queue("after-change").subject == "Changed, Sam"
    EmailTemplate.objects.filter(purpose=TEST_ACK).delete()
    assert _queue("after-delete").subject == DEFAULT_SUBJECT


@pytest.mark.django_db(transaction=True)
def test_an_edit_rolled_back_never_reaches_the_cache():
    staff = UserFactory(roles=[Role.STAFF])
    assert _queue("before").subject == DEFAULT_SUBJECT
    with pytest.raises(RuntimeError), transaction.atomic():
        template_save(purpose=TEST_ACK, subject="Never committed, {name}", body="x", send_html=False, by=staff)
        # Inside its own transaction the edit is seen, read from the database and not cached.
        assert _queue("inside").subject == "Never committed, Sam"
        raise RuntimeError("the edit failed")
    assert _queue("after-rollback").subject == DEFAULT_SUBJECT
    assert not OutboundEmail.objects.filter(idempotency_key="inside").exists()


@pytest.mark.django_db
def test_an_edit_in_the_callers_open_transaction_is_seen_by_its_next_mail():
    """No commit here (the test's transaction is rolled back): the edit must still show."""
    staff = UserFactory(roles=[Role.STAFF])
    assert _queue("before").subject == DEFAULT_SUBJECT
    template_save(purpose=TEST_ACK, subject="Same transaction, {name}", body="x", send_html=False, by=staff)
    assert _queue("after-save").subject == "Same transaction, Sam"
    template_reset(purpose=TEST_ACK, by=staff)
    assert _queue("after-reset").subject == DEFAULT_SUBJECT


@pytest.mark.django_db(transaction=True)
def test_a_reader_that_missed_never_overwrites_a_newer_edit(monkeypatch):
    """The reader read the old row; the edit committed and wrote the cache before the reader filled it."""
    real_read = template_cache._read

    def read_then_edit_commits(purpose_key, using):
        old = real_read(purpose_key, using)
        EmailTemplateFactory(purpose=TEST_ACK, subject="Newer, {name}")
        return old

    monkeypatch.setattr(template_cache, "_read", read_then_edit_commits)
    assert _queue("racing").subject == DEFAULT_SUBJECT  # what it read: the edit came after
    monkeypatch.setattr(template_cache, "_read", real_read)
    assert _queue("next").subject == "Newer, Sam"


@pytest.mark.django_db(transaction=True)
def test_an_unshared_cache_with_a_broker_is_not_trusted(settings):
    """Several processes, each with its own in-process cache: read the database every time."""
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:1/0"
    with CaptureQueriesContext(connection) as queries:
        assert template_cache.saved_template(TEST_ACK) == ()
        assert template_cache.saved_template(TEST_ACK) == ()
    assert _statements(queries) == ["SELECT", "SELECT"]


@pytest.mark.django_db(transaction=True)
def test_the_recipient_account_is_found_inside_the_insert():
    user = UserFactory(email="noor@example.org")
    email = _queue("noor")
    assert email.recipient == user
    assert OutboundEmail.objects.get(pk=email.pk).recipient == user
    assert _queue("nobody").recipient is None


@pytest.mark.django_db(transaction=True)
def test_a_repeated_key_leaves_the_callers_transaction_usable():
    with transaction.atomic():
        first = _queue("same")
        again = _queue("same")
        # Without a savepoint a failed INSERT would abort the transaction on PostgreSQL.
        assert EmailTemplate.objects.count() == 0
        later = _queue("other")
    assert again.pk == first.pk
    assert set(OutboundEmail.objects.values_list("idempotency_key", flat=True)) == {"same", "other"}
    assert later.pk != first.pk


class _DownCache:
    def __getattr__(self, name):
        def fail(*args, **kwargs):
            raise ConnectionError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

        return fail


@pytest.mark.django_db(transaction=True)
def test_an_unreachable_cache_never_fails_the_request(monkeypatch, roles, client):
    monkeypatch.setattr(template_cache, "cache", _DownCache())
    assert _queue("cache-down").subject == DEFAULT_SUBJECT
    client.force_login(UserFactory(roles=[Role.STAFF]))
    response = client.post(
        reverse("notifications:template-edit", args=[TEST_ACK]),
        {"subject": "Got it, {name}", "body": "Thanks {name}", "action": "save"},
    )
    assert response.status_code == 302
    assert _queue("cache-still-down").subject == "Got it, Sam"  # read from the database
