"""Scenario builders shared by the curriculum tests."""

from accounts.roles import Role
from accounts.tests.factories import UserFactory
from curriculum.models import AssessmentComponent, LearningOutcome, ModuleRevision
from curriculum.snapshots import snapshot_of
from curriculum.tests.factories import ModuleFactory


def full_module(**kwargs):
    """A published module with two outcomes, assessments summing to 100 and a first history entry."""
    module = ModuleFactory(**kwargs)
    LearningOutcome.objects.create(module=module, order=0, text="Explain a thing.")
    LearningOutcome.objects.create(module=module, order=1, text="Build a thing.")
    AssessmentComponent.objects.create(module=module, order=0, title="Essay", kind="essay", weight=60)
    AssessmentComponent.objects.create(module=module, order=1, title="Talk", kind="presentation", weight=40)
    ModuleRevision.objects.create(module=module, number=1, kind="created", snapshot=snapshot_of(module))
    return module


def staff_user(**kwargs):
    return UserFactory(roles=[Role.STAFF], **kwargs)


def edit_post_data(module, **changes):
    """The editor's POST for `module` as it stands, with `changes` applied."""
    snap = snapshot_of(module)
    data = {
        "code": snap["code"], "title": snap["title"], "slug": snap["slug"], "summary": snap["summary"],
        "description": snap["description"], "credits": snap["credits"], "level": snap["level"],
        "leader": snap["leader_id"] or "", "version": module.version,
        "outcomes-TOTAL_FORMS": len(snap["outcomes"]), "outcomes-INITIAL_FORMS": len(snap["outcomes"]),
        "outcomes-MIN_NUM_FORMS": 0, "outcomes-MAX_NUM_FORMS": 1000,
        "assessments-TOTAL_FORMS": len(snap["assessments"]), "assessments-INITIAL_FORMS": len(snap["assessments"]),
        "assessments-MIN_NUM_FORMS": 0, "assessments-MAX_NUM_FORMS": 1000,
        "save": "1",
    }
    data["prerequisites"] = [str(i) for i in snap["prerequisite_ids"]]
    data["themes"] = [str(i) for i in snap["theme_ids"]]
    for i, text in enumerate(snap["outcomes"]):
        data[f"outcomes-{i}-text"] = text
    for i, item in enumerate(snap["assessments"]):
        data[f"assessments-{i}-title"] = item["title"]
        data[f"assessments-{i}-kind"] = item["kind"]
        data[f"assessments-{i}-weight"] = item["weight"]
    data.update(changes)
    return data
