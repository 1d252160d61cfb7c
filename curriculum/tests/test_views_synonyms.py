"""Staff keep the search's synonyms: list, add, change (refusing a stale copy), delete."""

import re

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.tests.factories import UserFactory
from curriculum import services
from curriculum.models import SearchSynonym
from curriculum.tests.factories import ModuleFactory, SearchSynonymFactory
from curriculum.tests.helpers import staff_user

pytestmark = pytest.mark.django_db

LIST = reverse("curriculum:staff-synonym-list")
CREATE = reverse("curriculum:staff-synonym-create")


def text_of(response):
    return re.sub(r"\s+", " ", response.content.decode())


def edit_url(synonym):
    return reverse("curriculum:staff-synonym-edit", args=[synonym.pk])


def delete_url(synonym):
    return reverse("curriculum:staff-synonym-delete", args=[synonym.pk])


def rows():
    return list(SearchSynonym.objects.order_by("term").values_list("term", "expansion", "version"))


@pytest.fixture
def staff(client):
    user = staff_user(full_name="Dr Ada Okafor")
    client.force_login(user)
    client.user = user
    return client


def test_staff_add_a_synonym_and_the_cached_search_finds_it_at_once(staff):
    ModuleFactory(title="User experience design", summary="Research with users.")
    assert "No modules found" in text_of(staff.get("/modules/", {"q": "ux"}))  # now cached

    response = staff.post(CREATE, {"term": " UX ", "expansion": "user  experience,  usability "})

    assert response.status_code == 302 and response.url == LIST
    assert rows() == [("ux", "user experience, usability", 1)]
    assert SearchSynonym.objects.get().updated_by == staff.user
    listing = text_of(staff.get(LIST))
    assert "Saved. A search for “ux” now also finds user experience, usability." in listing
    synonym = SearchSynonym.objects.get()
    assert (f'<td><a href="{edit_url(synonym)}">ux<span class="visually-hidden">: change or delete</span></a></td> '
            "<td>user experience, usability</td>") in listing
    assert "by Dr Ada Okafor" in listing
    assert "1 module matching “ux”" in text_of(staff.get("/modules/", {"q": "ux"}))


@pytest.mark.parametrize(("data", "field", "message"), [
    ({"term": "", "expansion": "user experience"}, "term", "Enter the word people search for, for example ux"),
    ({"term": "ux", "expansion": ""}, "expansion", "Enter what the term stands for, for example user experience"),
    ({"term": "user experience", "expansion": "ux"}, "term",
     "Enter the term as one word of letters and numbers, for example a11y"),
    ({"term": "the", "expansion": "a thing"}, "term",
     "“the” is too common a word for the search to use: choose another term"),
    ({"term": "ux", "expansion": "user experience, of the"}, "expansion",
     "Enter words the module pages use: each phrase needs a word other than “the”, “of” and the like"),
    ({"term": "Ūx", "expansion": "usability"}, "term", "There is already a synonym for “ux”: change that one instead"),
])
def test_a_bad_synonym_is_refused_beside_its_field_and_nothing_is_saved(staff, data, field, message):
    SearchSynonymFactory(term="ux", expansion="user experience")
    response = staff.post(CREATE, data)
    assert response.status_code == 200
    page = text_of(response)
    assert message in page
    assert f'id="id_{field}_error"' in page or f"#id_{field}" in page
    assert rows() == [("ux", "user experience", 1)]


def test_change_a_synonym_and_the_search_follows(staff):
    ModuleFactory(title="Machine learning in government")
    ModuleFactory(title="Accessibility for everyone")
    synonym = SearchSynonymFactory(term="ml", expansion="machine learning")
    assert "1 module matching “ml”" in text_of(staff.get("/modules/", {"q": "ml"}))

    form = text_of(staff.get(edit_url(synonym)))
    assert 'value="machine learning"' in form and 'name="version" value="1"' in form
    assert f'<a href="{delete_url(synonym)}">Delete this synonym</a>' in form
    response = staff.post(edit_url(synonym), {"term": "ml", "expansion": "accessibility", "version": "1"})

    assert response.status_code == 302
    assert rows() == [("ml", "accessibility", 2)]
    page = text_of(staff.get("/modules/", {"q": "ml"}))
    assert "Accessibility for everyone" in page and "Machine learning in government" not in page


def test_a_stale_copy_is_refused_shows_theirs_and_saving_again_replaces_it(staff):
    synonym = SearchSynonymFactory(term="stats", expansion="statistics")
    services.search_synonym_update(synonym=synonym, term="stats", expansion="statistics, statistical methods",
                                   expected_version=1, by=staff_user(full_name="Prof. Kwame Mensah"))

    response = staff.post(edit_url(synonym), {"term": "stats", "expansion": "numbers", "version": "1"})

    page = text_of(response)
    assert response.status_code == 200
    assert "Someone else changed this synonym while you were editing." in page
    assert "Prof. Kwame Mensah changed this synonym" in page
    assert "It now reads: “stats” stands for “statistics, statistical methods”." in page
    assert 'value="numbers"' in page and 'name="version" value="2"' in page
    assert rows() == [("stats", "statistics, statistical methods", 2)]

    assert staff.post(edit_url(synonym), {"term": "stats", "expansion": "numbers", "version": "2"}).status_code == 302
    assert rows() == [("stats", "numbers", 3)]


def test_delete_asks_once_naming_the_consequence_then_the_search_forgets(staff):
    ModuleFactory(title="User experience design")
    synonym = SearchSynonymFactory(term="ux", expansion="user experience")
    assert "1 module matching “ux”" in text_of(staff.get("/modules/", {"q": "ux"}))

    confirm = text_of(staff.get(delete_url(synonym)))
    assert "A search for “ux” will no longer find modules about user experience" in confirm
    assert rows() == [("ux", "user experience", 1)]
    response = staff.post(delete_url(synonym))

    assert response.status_code == 302 and rows() == []
    assert "No modules found" in text_of(staff.get("/modules/", {"q": "ux"}))


@pytest.mark.parametrize("role", ["anonymous", "applicant", "student", "reviewer", "admissions_admin"])
def test_others_are_refused_and_a_refused_post_changes_nothing(client_for, role):
    synonym = SearchSynonymFactory(term="ux", expansion="user experience")
    client = client_for(role)
    expected = 302 if role == "anonymous" else 403
    assert client.post(CREATE, {"term": "ml", "expansion": "machine learning"}).status_code == expected
    assert client.post(edit_url(synonym), {"term": "ux", "expansion": "x", "version": "1"}).status_code == expected
    assert client.post(delete_url(synonym)).status_code == expected
    assert rows() == [("ux", "user experience", 1)]


def test_a_module_leader_without_the_catalogue_permission_may_not_edit_synonyms(client):
    leader = UserFactory()
    ModuleFactory(leader=leader)
    client.force_login(leader)
    assert client.get(LIST).status_code == 403
    assert client.post(CREATE, {"term": "ml", "expansion": "machine learning"}).status_code == 403
    assert rows() == []
    with pytest.raises(PermissionDenied):
        services.search_synonym_create(term="ml", expansion="machine learning", by=leader)
    assert rows() == []


def test_staff_find_the_synonyms_from_the_module_list(staff):
    page = staff.get(reverse("curriculum:staff-module-list")).content.decode()
    assert f'href="{LIST}">Search synonyms</a>' in page


def test_an_empty_list_says_what_to_do(staff):
    assert "No synonyms yet: add one, for example “ux” for “user experience”." in text_of(
        staff.get(LIST)).replace('<a href="' + CREATE + '">add one</a>', "add one")


def test_the_synonym_list_costs_the_same_queries_at_two_sizes(staff):
    counts = []
    for n in (1, 4):
        for i in range(n):
            SearchSynonymFactory(term=f"t{n}x{i}", expansion=f"phrase {n} {i}", updated_by=staff_user())
        with CaptureQueriesContext(connection) as queries:
            page = text_of(staff.get(LIST))
        counts.append(len(queries))
        shown = SearchSynonym.objects.count()
        assert f"{shown} synonym{'s' if shown > 1 else ''}" in page
        for synonym in SearchSynonym.objects.all():
            assert (f'<a href="{edit_url(synonym)}">{synonym.term}<span class="visually-hidden">: change or delete'
                    f"</span></a></td> <td>{synonym.expansion}</td>") in page
    assert counts[0] == counts[1]
