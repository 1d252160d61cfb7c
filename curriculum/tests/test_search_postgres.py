"""Full-text search on Postgres: weighted, ranked, accent-tolerant."""

import pytest

from curriculum.models import Module
from curriculum.search import clean_query, search_modules
from curriculum.tests.factories import ModuleFactory

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]


def codes(query):
    return [m.code for m in search_modules(Module.objects.published(), clean_query(query))]


def test_title_ranks_above_summary_above_description():
    ModuleFactory(code="C", title="Methods", summary="Research.", description="Some privacy law.")
    ModuleFactory(code="A", title="Privacy management", summary="Law.", description="")
    ModuleFactory(code="B", title="Design", summary="Privacy by design.", description="")
    ModuleFactory(code="X", title="Unrelated", summary="Nothing.", description="")
    assert codes("privacy") == ["A", "B", "C"]


def test_accents_and_stems_are_tolerated_both_ways():
    ModuleFactory(code="A", title="Café governance", summary="Résumé writing for décideurs.")
    assert codes("cafe") == ["A"]
    assert codes("résumés") == ["A"]
    assert codes("DECIDEURS") == ["A"]


def test_the_stored_vector_follows_a_save():
    module = ModuleFactory(code="A", title="Old title")
    module.title = "Statistics"
    module.save()
    assert codes("statistics") == ["A"]
    assert codes("old") == []


@pytest.mark.parametrize("query", ['"unclosed', "a & | ! ( ) :*", "-privacy", "or or or", "😀", "\x00"])
def test_websearch_syntax_and_odd_input_never_errors(query):
    ModuleFactory(title="Privacy management")
    assert isinstance(codes(query), list)
