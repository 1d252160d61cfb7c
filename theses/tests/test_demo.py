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
        "A volunteer rota that fills itself", "Air quality alerts for schools", "Council spending people can read",
        "Flood warnings people actually get", "Library opening hours that are right"]
    assert all(p.status == Proposal.Status.OPEN for p in response.context["proposals"])
    published = AllocationRun.objects.exclude(published_at=None).get()
    assert published.teammate_pairs == 1  # Aisha Khan and Ben Oduya named each other


def test_the_demo_has_a_part_time_student_whose_ranking_is_still_open(client):
    from accounts.models import User

    out = io.StringIO()
    call_command("seed_demo", stdout=out)
    assert "  Student, ranking  parttime@example.org" in out.getvalue()

    client.force_login(User.objects.get(email="parttime@example.org"))
    page = client.get(reverse("theses:preferences"))

    assert page.status_code == 200
    body = page.content.decode()
    assert "Council spending people can read" in body and "Air quality alerts for schools" in body
    assert [c.proposal.title for c in Preference.objects.filter(preference_list__student__email=
                                                                "parttime@example.org").order_by("rank")] == [
        "Council spending people can read", "Library opening hours that are right"]
