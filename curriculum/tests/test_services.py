import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from accounts.roles import Role
from accounts.tests.factories import UserFactory
from curriculum import services
from curriculum.models import Module, ModuleOffering, ModuleRevision, PublicationStatus, Season
from curriculum.snapshots import snapshot_of, working_snapshot
from curriculum.tests.factories import AcademicYearFactory, ModuleFactory, ModuleOfferingFactory, TermFactory
from curriculum.tests.helpers import full_module, staff_user

pytestmark = pytest.mark.django_db


def _edited(module, **changes):
    data = working_snapshot(module)
    data.update(changes)
    return data


def test_a_draft_of_a_published_module_leaves_the_public_text_until_published():
    module = full_module(summary="Old summary.")
    editor = staff_user()

    services.module_save_draft(module=module, data=_edited(module, summary="New summary."),
                               expected_version=module.version, by=editor)

    module.refresh_from_db()
    assert module.summary == "Old summary."
    assert module.pending["summary"] == "New summary."
    assert module.status == PublicationStatus.PUBLISHED

    services.module_publish(module=module, by=editor)

    module.refresh_from_db()
    assert module.summary == "New summary."
    assert module.pending is None
    kinds = list(module.revisions.order_by("number").values_list("kind", flat=True))
    assert kinds == ["created", "draft", "published"]


def test_editing_a_draft_module_changes_it_in_place():
    module = full_module(draft=True)
    services.module_save_draft(module=module, data=_edited(module, title="Better title"),
                               expected_version=module.version, by=staff_user())
    module.refresh_from_db()
    assert module.title == "Better title"
    assert module.pending is None
    assert module.status == PublicationStatus.DRAFT


def test_outcomes_assessments_and_prerequisites_are_saved_from_the_snapshot():
    module = full_module(draft=True)
    other = ModuleFactory()
    data = _edited(module, outcomes=["Only one now."],
                   assessments=[{"title": "Project", "kind": "project", "weight": 100}],
                   prerequisite_ids=[other.pk])
    services.module_save_draft(module=module, data=data, expected_version=module.version, by=staff_user())
    assert [o.text for o in module.outcomes.all()] == ["Only one now."]
    assert [(a.title, a.weight) for a in module.assessments.all()] == [("Project", 100)]
    assert list(module.prerequisites.all()) == [other]


def test_a_save_from_an_old_version_is_refused_and_says_what_changed():
    module = full_module(summary="Original.")
    first, second = staff_user(full_name="Ann First"), staff_user(full_name="Ben Second")
    opened_at = module.version
    services.module_save_draft(module=module, data=_edited(module, summary="Ann's text."),
                               expected_version=opened_at, by=first)

    with pytest.raises(services.EditConflict) as conflict:
        services.module_save_draft(module=module, data=_edited(module, summary="Ben's text."),
                                   expected_version=opened_at, by=second)

    assert conflict.value.base["summary"] == "Original."
    assert conflict.value.current["summary"] == "Ann's text."
    assert conflict.value.latest.author == first
    module.refresh_from_db()
    assert module.pending["summary"] == "Ann's text."


def test_publishing_does_not_make_an_open_editor_stale():
    module = full_module()
    editor = staff_user()
    opened_at = module.version
    services.module_publish(module=module, by=editor)
    services.module_save_draft(module=module, data=_edited(module, summary="Fine."), expected_version=opened_at,
                               by=editor)
    module.refresh_from_db()
    assert module.pending["summary"] == "Fine."


def test_the_leader_may_edit_their_module_without_the_permission():
    leader = UserFactory()  # no role, no permission: only leads this module
    module = full_module(leader=leader)
    services.module_save_draft(module=module, data=_edited(module, summary="By the leader."),
                               expected_version=module.version, by=leader)
    module.refresh_from_db()
    assert module.pending["summary"] == "By the leader."


@pytest.mark.parametrize("role", [None, Role.STUDENT, Role.APPLICANT, Role.REVIEWER, Role.ADMISSIONS_ADMIN])
def test_no_one_else_may_edit_and_nothing_changes(role):
    module = full_module(summary="Untouched.")
    intruder = UserFactory(roles=[role] if role else [])
    before = snapshot_of(module)
    with pytest.raises(PermissionDenied):
        services.module_save_draft(module=module, data=_edited(module, summary="Hacked"),
                                   expected_version=module.version, by=intruder)
    with pytest.raises(PermissionDenied):
        services.module_unpublish(module=module, by=intruder)
    module.refresh_from_db()
    assert snapshot_of(module) == before
    assert module.pending is None
    assert module.status == PublicationStatus.PUBLISHED
    assert module.revisions.count() == 1


def test_a_leader_without_the_permission_cannot_change_the_leader():
    leader = UserFactory()
    module = full_module(leader=leader)
    with pytest.raises(PermissionDenied):
        services.module_save_draft(module=module, data=_edited(module, leader_id=staff_user().pk),
                                   expected_version=module.version, by=leader)


def test_weights_not_summing_to_100_are_refused_by_the_service_too():
    module = full_module(draft=True)
    data = _edited(module, assessments=[{"title": "Essay", "kind": "essay", "weight": 70}])
    with pytest.raises(ValidationError, match="add up to 70%"):
        services.module_save_draft(module=module, data=data, expected_version=module.version, by=staff_user())


def test_a_prerequisite_cycle_is_refused_by_the_service():
    first, second = full_module(code="MPT1"), full_module(code="MPT2")
    second.prerequisites.add(first)
    with pytest.raises(ValidationError, match="loop of prerequisites: MPT1 requires MPT2 requires MPT1"):
        services.module_save_draft(module=first, data=_edited(first, prerequisite_ids=[second.pk]),
                                   expected_version=first.version, by=staff_user())


def test_unpublish_hides_the_module_and_restore_brings_back_old_text():
    module = full_module(summary="Version one.")
    editor = staff_user()
    services.module_save_draft(module=module, data=_edited(module, summary="Version two."),
                               expected_version=module.version, by=editor)
    services.module_publish(module=module, by=editor)
    services.module_unpublish(module=module, by=editor)
    assert not Module.objects.published().filter(pk=module.pk).exists()

    first = module.revisions.get(number=1)
    services.module_restore(module=module, revision=first, by=editor)

    module.refresh_from_db()
    assert module.summary == "Version one."  # a draft module is edited in place
    latest = module.revisions.order_by("-number").first()
    assert (latest.kind, latest.note) == (ModuleRevision.Kind.RESTORED, "Restored version 1")


def test_discarding_a_draft_returns_to_the_published_text():
    module = full_module(summary="Published.")
    editor = staff_user()
    services.module_save_draft(module=module, data=_edited(module, summary="Draft."),
                               expected_version=module.version, by=editor)
    services.module_discard_draft(module=module, by=editor)
    module.refresh_from_db()
    assert module.pending["summary"] == "Published."


def test_module_create_makes_a_draft_with_history():
    other = ModuleFactory(code="MPT0001")
    data = {**working_snapshot(other), "code": "MPT0002", "slug": "new-one", "title": "New one",
            "outcomes": ["Do it."], "assessments": [{"title": "Essay", "kind": "essay", "weight": 100}],
            "prerequisite_ids": [other.pk]}
    module = services.module_create(data=data, by=staff_user())
    assert module.status == PublicationStatus.DRAFT
    assert module.version == 1
    assert module.revisions.get().kind == "created"
    assert list(module.prerequisites.all()) == [other]


def test_a_duplicate_code_is_refused_with_a_clear_message():
    ModuleFactory(code="MPT7004")
    module = full_module(draft=True)
    with pytest.raises(ValidationError, match="Another module already has the code MPT7004"):
        services.module_save_draft(module=module, data=_edited(module, code="mpt7004"),
                                   expected_version=module.version, by=staff_user())


def test_roll_forward_copies_offerings_once_and_skips_cancelled():
    old_year, new_year = AcademicYearFactory(first_year=2026), AcademicYearFactory(first_year=2027)
    autumn = TermFactory(academic_year=old_year, season=Season.AUTUMN)
    TermFactory(academic_year=new_year, season=Season.AUTUMN)
    kept = ModuleOfferingFactory(term=autumn, capacity=25)
    ModuleOfferingFactory(term=autumn, status=ModuleOffering.Status.CANCELLED)
    staff = staff_user()

    result = services.offerings_roll_forward(from_year=old_year, to_year=new_year, by=staff)
    again = services.offerings_roll_forward(from_year=old_year, to_year=new_year, by=staff)

    copied = ModuleOffering.objects.get(academic_year=new_year)
    assert (copied.module, copied.capacity, copied.leader, copied.status) == (
        kept.module, 25, kept.leader, ModuleOffering.Status.PLANNED)
    assert (len(result.created), len(again.created), len(again.skipped)) == (1, 0, 1)


def test_roll_forward_needs_the_permission():
    old_year, new_year = AcademicYearFactory(first_year=2026), AcademicYearFactory(first_year=2027)
    with pytest.raises(PermissionDenied):
        services.offerings_roll_forward(from_year=old_year, to_year=new_year, by=UserFactory(roles=[Role.STUDENT]))


def test_the_roll_forward_command_plans_the_new_year():
    import io

    from django.core.management import call_command

    old_year, new_year = AcademicYearFactory(first_year=2026), AcademicYearFactory(first_year=2027)
    ModuleOfferingFactory(term=TermFactory(academic_year=old_year))
    TermFactory(academic_year=new_year)
    staff = staff_user(email="planner@example.org")
    out = io.StringIO()
    call_command("roll_offerings_forward", "2026-27", "2027-28", by=staff.email, stdout=out)
    assert out.getvalue() == "1 offerings planned in 2027/28; 0 already there.\n"
