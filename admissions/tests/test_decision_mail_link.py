"""A decision knows its mail by a foreign key; the outbox key is only the outbox's."""

import importlib

import pytest
from django.apps import apps
from django.urls import reverse

from admissions import selectors, services
from admissions.models import Decision
from admissions.tests.builders import admin_user, submitted
from admissions.tests.factories import DecisionFactory
from notifications.models import OutboundEmail
from notifications.tests.factories import OutboundEmailFactory

pytestmark = pytest.mark.django_db
migration = importlib.import_module("admissions.migrations.0003_decision_mail")


def test_releasing_a_decision_links_the_mail_it_queues():
    application = submitted()

    decision = services.decision_record(application=application, outcome=Decision.Outcome.OFFER, by=admin_user())

    mail = OutboundEmail.objects.get(purpose="admissions.decision.offer")
    decision = Decision.objects.select_related("mail").get(pk=decision.pk)
    assert decision.mail == mail
    assert mail.idempotency_key == services.decisions.decision_mail_key(decision)
    assert selectors.decision_mail(decision) == mail


def test_the_decisions_page_lists_each_unsent_mail_beside_its_applicant(client):
    admin = admin_user()
    first, second = submitted(), submitted()
    second.intake = first.intake
    second.save()
    for application in (first, second):
        services.decision_stage(application=application, outcome=Decision.Outcome.REJECT, by=admin)
    services.decisions_apply(intake=first.intake, by=admin)
    client.force_login(admin)

    response = client.get(reverse("admissions:admin-decisions", args=[first.intake.slug]))

    unsent = response.context["unsent"]
    assert [email.decision.application for email in unsent] == [first, second]
    assert [email.to for email in unsent] == [[first.applicant.email], [second.applicant.email]]


def test_the_migration_links_existing_mails_by_their_key_and_leaves_others_alone():
    linked, unlinked, other = DecisionFactory(), DecisionFactory(), DecisionFactory()
    mail = OutboundEmailFactory(idempotency_key=f"admissions:decision:{linked.pk}")
    OutboundEmailFactory(idempotency_key=f"admissions:acknowledgement:{other.pk}")
    OutboundEmailFactory(idempotency_key="admissions:decision:not-a-number")

    migration.link_existing_mails(apps, None)

    assert Decision.objects.get(pk=linked.pk).mail == mail
    assert Decision.objects.get(pk=unlinked.pk).mail is None
    assert Decision.objects.get(pk=other.pk).mail is None
