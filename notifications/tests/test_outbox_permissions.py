"""The outbox's services check who acts, as every app's services do."""

import pytest
from django.core.exceptions import PermissionDenied

from accounts.permissions import is_admissions_admin
from accounts.roles import Role
from accounts.tests.factories import UserFactory
from core.access import SYSTEM
from notifications import services
from notifications.models import EmailTemplate, OutboundEmail
from notifications.registry import Kind, get_purpose, register_purpose
from notifications.tests.factories import TEST_ACK, OutboundEmailFactory

State = OutboundEmail.State
STEERED = "tests.steered"

if get_purpose(STEERED) is None:
    register_purpose(
        STEERED, label="Test mail admissions admins steer", group="Tests", kind=Kind.DECISION,
        placeholders={"name": "Their name"}, sample_context={"name": "Sam"},
        subject="Hello {name}", body="Hello {name}\n", steered_by=is_admissions_admin,
    )


def _states(*emails):
    return [OutboundEmail.objects.get(pk=e.pk).state for e in emails]


@pytest.mark.django_db
def test_someone_who_is_not_outbox_staff_cannot_release_retry_edit_or_discard_and_nothing_changes():
    applicant = UserFactory(roles=[Role.APPLICANT])
    staged, failed = OutboundEmailFactory(staged=True), OutboundEmailFactory(failed=True)

    with pytest.raises(PermissionDenied):
        services.email_release(email=staged, by=applicant)
    with pytest.raises(PermissionDenied):
        services.email_bulk_release(ids=[staged.pk], by=applicant)
    with pytest.raises(PermissionDenied):
        services.email_retry(email=failed, by=applicant)
    with pytest.raises(PermissionDenied):
        services.email_edit(email=staged, by=applicant, to=["x@example.org"], subject="Changed", body_text="Changed")
    with pytest.raises(PermissionDenied):
        services.email_discard(email=failed, by=applicant)

    assert _states(staged, failed) == [State.STAGED, State.FAILED]
    row = OutboundEmail.objects.filter(pk=staged.pk).values_list("to", "subject", "released_by", "edited_by").get()
    assert row == (staged.to, staged.subject, None, None)


@pytest.mark.django_db
def test_only_outbox_staff_save_or_reset_a_template():
    reviewer = UserFactory(roles=[Role.REVIEWER])
    staff = UserFactory(roles=[Role.STAFF])
    services.template_save(purpose=TEST_ACK, subject="Staff's, {name}", body="x", send_html=False, by=staff)

    with pytest.raises(PermissionDenied):
        services.template_save(purpose=TEST_ACK, subject="Mine, {name}", body="x", send_html=False, by=reviewer)
    with pytest.raises(PermissionDenied):
        services.template_reset(purpose=TEST_ACK, by=reviewer)

    assert list(EmailTemplate.objects.values_list("subject", "updated_by")) == [("Staff's, {name}", staff.pk)]


@pytest.mark.django_db
def test_a_purpose_names_who_else_steers_its_mail_and_only_that_purpose():
    admin = UserFactory(roles=[Role.ADMISSIONS_ADMIN])
    steered = OutboundEmailFactory(staged=True, purpose=STEERED)
    other = OutboundEmailFactory(staged=True)

    with pytest.raises(PermissionDenied):
        services.email_bulk_release(ids=[steered.pk, other.pk], by=admin)
    assert _states(steered, other) == [State.STAGED, State.STAGED]

    assert services.email_bulk_release(ids=[steered.pk], by=admin) == 1
    steered.refresh_from_db()
    assert (steered.state, steered.released_by) == (State.QUEUED, admin)


@pytest.mark.django_db
def test_the_system_actor_steers_mail_and_is_recorded_as_no_one():
    failed = OutboundEmailFactory(failed=True)

    services.email_retry(email=failed, by=SYSTEM)

    failed.refresh_from_db()
    assert (failed.state, failed.released_by) == (State.QUEUED, None)


@pytest.mark.django_db
def test_an_outbox_action_without_an_actor_is_refused():
    staged = OutboundEmailFactory(staged=True)

    with pytest.raises(TypeError):
        services.email_discard(email=staged, by=None)
    with pytest.raises(TypeError):
        services.email_discard(email=staged)

    assert _states(staged) == [State.STAGED]
