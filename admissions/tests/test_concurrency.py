"""Races that only a real database with row locks can show (PostgreSQL)."""

import threading

import pytest
from django.db import connection

from admissions import services
from admissions.models import Application
from admissions.tests.factories import ApplicationFactory, PrivacyNoticeFactory, complete_application
from notifications.models import OutboundEmail

# The role groups survive other tests' flushes (accounts.roles.ensure_roles runs on post_migrate).
pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def race(work, count=2):
    barrier = threading.Barrier(count)
    results, errors = [], []

    def run():
        try:
            barrier.wait(timeout=10)
            results.append(work())
        except Exception as exc:  # collected, then asserted on below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return results, errors


def test_two_submits_at_the_same_moment_submit_once():
    application = complete_application()
    notice = PrivacyNoticeFactory()

    def submit():
        fresh = Application.objects.get(pk=application.pk)
        _, submitted_now = services.application_submit(
            application=fresh, by=fresh.applicant, privacy_notice=notice, declaration=True
        )
        return submitted_now

    results, errors = race(submit)
    assert errors == []
    assert sorted(results) == [False, True]
    assert OutboundEmail.objects.filter(purpose="admissions.acknowledgement").count() == 1
    assert OutboundEmail.objects.filter(purpose="admissions.reference_request").count() == 2


def test_two_tabs_saving_at_the_same_moment_keep_one_and_tell_the_other():
    application = ApplicationFactory()

    def save(text):
        def work():
            fresh = Application.objects.get(pk=application.pk)
            try:
                services.application_save_step(
                    application=fresh, step="statement", values={"personal_statement": text},
                    complete=False, expected_version=1, by=fresh.applicant,
                )
            except services.StaleVersion:
                return ("told", text)
            return ("saved", text)

        return work

    works = iter([save("tab one"), save("tab two")])
    lock = threading.Lock()

    def next_work():
        with lock:
            work = next(works)
        return work()

    results, errors = race(next_work)
    assert errors == []
    assert sorted(outcome for outcome, _ in results) == ["saved", "told"]
    saved_text = next(text for outcome, text in results if outcome == "saved")
    application.refresh_from_db()
    assert (application.personal_statement, application.version) == (saved_text, 2)
