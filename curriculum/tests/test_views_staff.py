import re

import pytest
from django.urls import reverse

from accounts.roles import Role
from accounts.tests.factories import UserFactory
from curriculum.models import Module, ModuleRevision, PublicationStatus
from curriculum.snapshots import snapshot_of
from curriculum.tests.factories import ModuleFactory, ProgrammeFactory
from curriculum.tests.helpers import edit_post_data, full_module, staff_user

pytestmark = pytest.mark.django_db


def text_of(response):
    return re.sub(r"\s+", " ", response.content.decode())


def edit_url(module):
    return reverse("curriculum:staff-module-edit", args=[module.pk])


def test_staff_save_a_draft_that_the_public_does_not_see_until_published(client):
    module = full_module(summary="Public summary.")
    client.force_login(staff_user())

    response = client.post(edit_url(module), edit_post_data(module, summary="Draft summary."))

    assert response.status_code == 302
    assert "Public summary." in client.get(module.get_absolute_url()).content.decode()
    preview = client.get(reverse("curriculum:staff-module-preview", args=[module.pk])).content.decode()
    assert "Draft summary." in preview and "Preview." in preview
    client.post(reverse("curriculum:staff-module-publish", args=[module.pk]))
    assert "Draft summary." in client.get(module.get_absolute_url()).content.decode()


def test_save_and_publish_in_one_step(client):
    module = full_module(summary="Old.")
    client.force_login(staff_user())
    client.post(edit_url(module), edit_post_data(module, summary="New.", publish="1"))
    module.refresh_from_db()
    assert (module.summary, module.pending) == ("New.", None)


def test_the_leader_may_edit_their_module_and_sees_only_their_modules(client):
    leader = UserFactory()
    mine = full_module(leader=leader)
    theirs = full_module()
    client.force_login(leader)

    listing = client.get(reverse("curriculum:staff-module-list")).content.decode()
    assert mine.title in listing and theirs.title not in listing
    assert client.post(edit_url(mine), edit_post_data(mine, summary="Mine.")).status_code == 302
    assert client.get(edit_url(theirs)).status_code == 404
    before = snapshot_of(theirs)
    assert client.post(edit_url(theirs), edit_post_data(theirs, summary="Theirs.")).status_code == 404
    assert client.post(reverse("curriculum:staff-module-unpublish", args=[theirs.pk])).status_code == 404
    theirs.refresh_from_db()
    assert (snapshot_of(theirs), theirs.pending, theirs.status) == (before, None, PublicationStatus.PUBLISHED)


@pytest.mark.parametrize("role", ["applicant", "student", "reviewer", "admissions_admin"])
def test_others_are_refused_and_a_refused_post_changes_nothing(client_for, role):
    module = full_module(summary="Untouched.")
    client = client_for(role)
    before = snapshot_of(module)
    assert client.post(edit_url(module), edit_post_data(module, summary="Changed")).status_code == 403
    assert client.post(reverse("curriculum:staff-module-unpublish", args=[module.pk])).status_code == 403
    create = reverse("curriculum:staff-module-create")
    assert client.post(create, edit_post_data(module, code="NEW1")).status_code == 403
    module.refresh_from_db()
    assert (snapshot_of(module), module.pending, module.status) == (before, None, PublicationStatus.PUBLISHED)
    assert ModuleRevision.objects.filter(module=module).count() == 1
    assert not Module.objects.filter(code="NEW1").exists()


def test_a_second_editor_is_told_what_changed_and_nothing_is_overwritten(client):
    module = full_module(summary="Original summary.")
    first, second = staff_user(full_name="Ann First"), staff_user(full_name="Ben Second")
    form_for_both = edit_post_data(module)  # both open the editor at the same version

    client.force_login(first)
    client.post(edit_url(module), {**form_for_both, "summary": "Ann's summary."})
    client.force_login(second)
    response = client.post(edit_url(module), {**form_for_both, "title": "Ben's title"})

    page = text_of(response)
    assert response.status_code == 200
    assert "<title>Error:" in page
    assert "Ann First saved this module" in page
    assert "<del>Original </del><ins>Ann&#x27;s </ins>summary." in page
    assert 'value="Ben&#x27;s title"' in page  # Ben's input is kept
    module.refresh_from_db()
    assert module.pending["summary"] == "Ann's summary."
    assert module.pending["title"] == module.title

    # Having seen Ann's change, Ben saves again (the form now carries the new version).
    version = re.search(r'name="version" value="(\d+)"', response.content.decode()).group(1)
    client.post(edit_url(module), {**form_for_both, "summary": "Ann's summary.", "title": "Ben's title",
                                   "version": version})
    module.refresh_from_db()
    assert (module.pending["summary"], module.pending["title"]) == ("Ann's summary.", "Ben's title")


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"assessments-0-weight": "50"}, "Assessment weights must add up to 100%; these add up to 90%."),
        ({"code": "TAKEN1"}, "Another module already has this code. Choose a different one."),
        ({"slug": "taken-slug"}, "Another module already uses this web address. Choose a different one."),
        ({"outcomes-0-DELETE": "on", "outcomes-1-DELETE": "on"}, "Add at least one learning outcome."),
    ],
)
def test_bad_input_is_refused_with_a_clear_message(client, changes, message):
    ModuleFactory(code="TAKEN1", slug="taken-slug")
    module = full_module(summary="Kept.")
    client.force_login(staff_user())
    response = client.post(edit_url(module), edit_post_data(module, summary="Lost?", **changes))
    assert response.status_code == 200
    assert message in text_of(response)
    module.refresh_from_db()
    assert module.pending is None


def test_a_prerequisite_cycle_is_refused_in_the_form(client):
    first, second = full_module(code="MPT1"), full_module(code="MPT2")
    second.prerequisites.add(first)
    client.force_login(staff_user())
    response = client.post(edit_url(first), edit_post_data(first, prerequisites=[str(second.pk)]))
    assert "That would make a loop of prerequisites: MPT1 requires MPT2 requires MPT1" in text_of(response)
    assert list(first.prerequisites.all()) == []


def test_adding_a_row_works_without_javascript_and_saves_nothing(client):
    module = full_module()
    client.force_login(staff_user())
    data = edit_post_data(module, add_outcomes="1")
    data.pop("save")
    response = client.post(edit_url(module), data)
    assert response.status_code == 200
    assert 'name="outcomes-2-text"' in response.content.decode()
    module.refresh_from_db()
    assert module.pending is None and module.revisions.count() == 1


def test_create_a_module_with_outcomes_and_assessments(client):
    client.force_login(staff_user())
    data = {
        "code": "mpt7777", "title": "Data ethics", "slug": "", "summary": "Ethics.", "description": "",
        "credits": "15", "level": "7", "leader": "",
        "outcomes-TOTAL_FORMS": "2", "outcomes-INITIAL_FORMS": "0",
        "outcomes-0-text": "Reason about harms.", "outcomes-1-text": "",
        "assessments-TOTAL_FORMS": "2", "assessments-INITIAL_FORMS": "0",
        "assessments-0-title": "Essay", "assessments-0-kind": "essay", "assessments-0-weight": "100",
        "assessments-1-title": "", "assessments-1-kind": "", "assessments-1-weight": "",
    }
    response = client.post(reverse("curriculum:staff-module-create"), data)
    assert "error-summary" not in response.content.decode(), text_of(response)[:3000]
    module = Module.objects.get(code="MPT7777")
    assert response.status_code == 302
    assert (module.slug, module.status) == ("data-ethics", PublicationStatus.DRAFT)
    assert [o.text for o in module.outcomes.all()] == ["Reason about harms."]
    assert client.get(module.get_absolute_url()).status_code == 404


def test_history_shows_who_changed_what_and_restores(client):
    module = full_module(summary="First words.")
    editor = staff_user(full_name="Cat Editor")
    client.force_login(editor)
    client.post(edit_url(module), edit_post_data(module, summary="Second words.", publish="1"))

    page = text_of(client.get(reverse("curriculum:staff-module-history", args=[module.pk])))
    assert "Published" in page and "Cat Editor" in page
    assert "What changed from version 1 to version 3" in page
    assert "<del>First </del><ins>Second </ins>words." in page

    diff = text_of(client.get(reverse("curriculum:staff-module-history", args=[module.pk]), {"from": 1, "to": 2}))
    assert "<del>First </del><ins>Second </ins>words." in diff

    client.post(reverse("curriculum:staff-module-restore", args=[module.pk, 1]))
    module.refresh_from_db()
    assert module.pending["summary"] == "First words."
    assert module.summary == "Second words."  # restored as a draft, not yet public


def test_staff_list_filters_by_status(client):
    full_module(title="Live one")
    full_module(title="Draft one", draft=True)
    client.force_login(staff_user())
    page = text_of(client.get(reverse("curriculum:staff-module-list"), {"status": "draft"}))
    assert "Draft one" in page and "Live one" not in page


def test_roll_forward_page(client):
    from curriculum.models import ModuleOffering
    from curriculum.tests.factories import AcademicYearFactory, ModuleOfferingFactory, TermFactory

    old, new = AcademicYearFactory(first_year=2026), AcademicYearFactory(first_year=2027)
    ModuleOfferingFactory(term=TermFactory(academic_year=old))
    TermFactory(academic_year=new)
    client.force_login(staff_user())
    response = client.post(reverse("curriculum:staff-offering-roll-forward"),
                           {"from_year": old.pk, "to_year": new.pk}, follow=True)
    assert "1 offerings planned in 2027/28; 0 were already there." in text_of(response)
    assert ModuleOffering.objects.filter(academic_year=new).count() == 1


def test_a_programme_whose_credits_do_not_add_up_cannot_be_published(client):
    programme = ProgrammeFactory(draft=True, total_credits=180)
    client.force_login(UserFactory(roles=[Role.STAFF]))
    response = client.post(reverse("curriculum:staff-programme-status", args=[programme.pk]),
                           {"status": "published"}, follow=True)
    assert "cannot be published: Core modules (0 credits)" in text_of(response)
    programme.refresh_from_db()
    assert programme.status == PublicationStatus.DRAFT


def _count(client, url, *, shows=()):
    """The queries a page costs, having checked that it shows each of `shows`."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    page = response.content.decode()
    assert [text for text in shows if text not in page] == []
    return len(queries)


def test_staff_pages_cost_the_same_queries_at_two_sizes(client):
    client.force_login(staff_user())
    small, large = full_module(), full_module()
    small.prerequisites.add(ModuleFactory())
    large.prerequisites.add(ModuleFactory())
    client.post(edit_url(small), edit_post_data(small, summary="One edit"))  # both have unpublished changes
    for _ in range(4):
        full_module()
        large.prerequisites.add(ModuleFactory())
        client.post(edit_url(large), edit_post_data(large, summary=f"Edit {large.revisions.count()}"))
        large.refresh_from_db()
    for name in ("staff-module-detail", "staff-module-history", "staff-module-preview", "staff-module-edit"):
        counts = [_count(client, reverse(f"curriculum:{name}", args=[m.pk]), shows=[m.code]) for m in (small, large)]
        assert counts[0] == counts[1], name
    first = _count(client, reverse("curriculum:staff-module-list"), shows=[small.title, large.title])
    ModuleFactory.create_batch(5)
    titles = list(Module.objects.values_list("title", flat=True))
    assert _count(client, reverse("curriculum:staff-module-list"), shows=titles) == first
