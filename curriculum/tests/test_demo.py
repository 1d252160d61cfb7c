import io

import pytest
from django.apps import apps

from curriculum import rules
from curriculum.models import Cohort, Enrolment, Module, ModuleOffering, Programme, SearchSynonym
from curriculum.search import search_modules


def seed():
    # Only the apps the curriculum builds on, so another app's demo data cannot break this test.
    for label in ("accounts", "curriculum"):
        apps.get_app_config(label).seed_demo(password="demo-password-123", stdout=io.StringIO())


@pytest.mark.django_db
def test_demo_curriculum_is_complete_consistent_and_idempotent():
    seed()
    counts = (Module.objects.count(), Programme.objects.count(), ModuleOffering.objects.count(),
              Cohort.objects.count())
    seed()
    assert (Module.objects.count(), Programme.objects.count(), ModuleOffering.objects.count(),
            Cohort.objects.count()) == counts

    for programme in Programme.objects.all():
        assert rules.programme_credit_problems(programme) == [], programme
    for module in Module.objects.all():
        assert rules.weights_problem(a.weight for a in module.assessments.all()) is None
        assert module.outcomes.exists()
        assert module.revisions.filter(number=1).exclude(snapshot={}).exists()
    msc = Programme.objects.get(slug="msc-public-technology")
    assert (msc.total_credits, [(a.name, a.credits_required) for a in msc.exit_awards.all()]) == (
        180, [("PGCert Public Technology", 60), ("PGDip Public Technology", 120)])
    assert Module.objects.get(code="MPT7100").prerequisites.count() == 3
    assert Module.objects.filter(leader__email="staff@example.org").count() == 3
    assert ModuleOffering.objects.filter(academic_year__slug="2027-28").count() == \
        ModuleOffering.objects.filter(academic_year__slug="2026-27").count()
    assert Enrolment.objects.filter(student__email="student@example.org",
                                    cohort__slug="msc-public-technology-2026-27-full-time").exists()


@pytest.mark.django_db
@pytest.mark.parametrize(("query", "title"), [
    ("privacy", "Privacy management"),
    ("statistics", "Social science methods and statistical significance"),
    ("design", "User experience design for public services"),
    ("stats", "Social science methods and statistical significance"),
    ("ux", "User experience design for public services"),
])
def test_the_search_hint_and_the_demo_synonyms_find_the_demo_modules(query, title):
    seed()
    seed()  # synonyms too are created once
    found = [m.title for m in search_modules(Module.objects.published(), query)]
    assert found and found[0] == title
    assert SearchSynonym.objects.filter(term="ux", expansion="user experience").count() == 1
