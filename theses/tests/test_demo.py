"""The demo: open proposals on /theses/ for prospective students, a published
allocation with a mutual teammate pair reported, idempotent."""

import io

import pytest
from django.core.management import call_command
from django.urls import reverse

from theses.models import AllocationRun, Preference, Proposal

pytestmark = pytest.mark.django_db


def test_the_demo_shows_open_proposals_publicly_and_reports_teammate_pairs(client):
    call_command("seed_demo", stdout=io.StringIO())
    counts = (Proposal.objects.count(), Preference.objects.count(), AllocationRun.objects.count())
    call_command("seed_demo", stdout=io.StringIO())
    assert (Proposal.objects.count(), Preference.objects.count(), AllocationRun.objects.count()) == counts

    response = client.get(reverse("theses:index"))
    body = response.content.decode()
    assert "No projects are open" not in body
    assert [p.title for p in response.context["proposals"]] == [
        "A volunteer rota that fills itself", "Flood warnings people actually get"]
    assert all(p.status == Proposal.Status.OPEN for p in response.context["proposals"])
    published = AllocationRun.objects.exclude(published_at=None).get()
    assert published.teammate_pairs == 1  # Aisha Khan and Ben Oduya named each other
