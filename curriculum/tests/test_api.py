import pytest

from curriculum.models import ExitAward
from curriculum.tests.factories import ModuleFactory, ProgrammeFactory, ProgrammeModuleFactory
from curriculum.tests.helpers import full_module

pytestmark = pytest.mark.django_db


def test_modules_api_lists_only_published_modules_with_their_detail(client):
    first = full_module(code="MPT1", title="Privacy management")
    second = full_module(code="MPT2")
    second.prerequisites.add(first)
    ModuleFactory(code="MPT3", draft=True)
    ProgrammeModuleFactory(module=second, programme=ProgrammeFactory(slug="msc"), kind="optional")

    data = client.get("/api/v1/modules/").json()

    assert (data["count"], data["page"], data["pages"], data["next"], data["previous"]) == (2, 1, 1, None, None)
    assert [m["code"] for m in data["results"]] == ["MPT1", "MPT2"]
    item = data["results"][1]
    assert item["prerequisites"] == ["MPT1"]
    assert item["learning_outcomes"] == ["Explain a thing.", "Build a thing."]
    assert item["assessment"] == [{"title": "Essay", "kind": "essay", "weight": 60},
                                  {"title": "Talk", "kind": "presentation", "weight": 40}]
    assert item["programmes"] == [{"slug": "msc", "kind": "optional", "year_of_study": 1, "term": "autumn"}]
    assert item["url"] == f"http://testserver/modules/{second.slug}/"


def test_modules_api_paginates_with_links(client):
    ModuleFactory.create_batch(51)
    first = client.get("/api/v1/modules/").json()
    assert (first["count"], first["pages"], len(first["results"])) == (51, 2, 50)
    assert first["next"] == "http://testserver/api/v1/modules/?page=2"
    second = client.get(first["next"]).json()
    assert (len(second["results"]), second["previous"]) == (1, "http://testserver/api/v1/modules/?page=1")
    assert client.get("/api/v1/modules/?page=9").status_code == 404


def test_modules_api_searches(client):
    ModuleFactory(code="MPT1", title="Privacy management")
    ModuleFactory(code="MPT2", title="Design")
    data = client.get("/api/v1/modules/", {"q": "privacy"}).json()
    assert [m["code"] for m in data["results"]] == ["MPT1"]


def test_programmes_api_lists_published_programmes_and_their_modules(client):
    programme = ProgrammeFactory(slug="msc", title="MSc", total_credits=180)
    ProgrammeFactory(slug="hidden", draft=True)
    ProgrammeModuleFactory(programme=programme, module=ModuleFactory(code="MPT1"))
    ProgrammeModuleFactory(programme=programme, module=ModuleFactory(code="MPT9", draft=True))
    ExitAward.objects.create(programme=programme, name="PGCert", credits_required=60)

    data = client.get("/api/v1/programmes/").json()

    assert [p["slug"] for p in data["results"]] == ["msc"]
    result = data["results"][0]
    assert result["exit_awards"] == [{"name": "PGCert", "credits": 60}]
    assert [m["code"] for m in result["modules"]] == ["MPT1"]
