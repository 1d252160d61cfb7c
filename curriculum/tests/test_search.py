"""The catalogue search gives the same modules on SQLite (FTS5) and PostgreSQL
(tsvector). The ordinary run checks SQLite; CI runs the same tests on PostgreSQL."""

import importlib

import pytest
from django.apps import apps
from django.db import connection
from django.test.utils import CaptureQueriesContext

from curriculum.models import Module
from curriculum.search import (
    clean_query,
    fts5_query,
    parse_query,
    refresh_search_vectors,
    search_modules,
    tsquery_text,
)
from curriculum.tests.factories import ModuleFactory, SearchSynonymFactory

pytestmark = pytest.mark.django_db

MODULES = [
    ("MPT7001", "Institutions and how they decide",
     "How governments, regulators and courts make decisions about technology.", ""),
    ("MPT7003", "Social science methods and statistical significance",
     "Read and run studies: sampling, surveys, experiments.", "What a p-value does and does not tell you."),
    ("MPT7004", "Privacy management", "Data protection law and practice for public services.",
     "Impact assessments, consent and retention."),
    ("MPT7005", "User experience design", "Research with users, prototypes and usability testing of public services.",
     ""),
    ("MPT7006", "Solving serious problems playfully", "Games, play and design methods for hard public problems.", ""),
    ("MPT7008", "Explaining technology to decision makers", "Write briefings a minister's office will read.",
     "Includes an afternoon at a café with real décideurs."),
    ("MPT7010", "Machine learning in government", "Models that decide who gets what, and how to audit them.", ""),
]


@pytest.fixture
def catalogue():
    for code, title, summary, description in MODULES:
        ModuleFactory(code=code, title=title, summary=summary, description=description)
    ModuleFactory(code="MPT7099", title="Statistics for beginners", draft=True)
    SearchSynonymFactory(term="stats", expansion="statistics")
    SearchSynonymFactory(term="ux", expansion="user experience")
    SearchSynonymFactory(term="ml", expansion="machine learning")
    SearchSynonymFactory(term="gdpr", expansion="data protection, privacy")


def found(query):
    return [m.code for m in search_modules(Module.objects.published(), clean_query(query))]


# query, the modules found (in any order), the top result where it is clear-cut
CASES = [
    ("statistics", {"MPT7003"}, "MPT7003"),
    ("statistical", {"MPT7003"}, "MPT7003"),
    ("privac", {"MPT7004"}, "MPT7004"),
    ("privacy", {"MPT7004"}, "MPT7004"),
    ("stats", {"MPT7003"}, "MPT7003"),
    ("ux", {"MPT7005"}, "MPT7005"),
    ("UX", {"MPT7005"}, "MPT7005"),
    ("ml", {"MPT7010"}, "MPT7010"),
    ("gdpr", {"MPT7004"}, "MPT7004"),
    ("design", {"MPT7005", "MPT7006"}, "MPT7005"),
    ("designing", {"MPT7005", "MPT7006"}, "MPT7005"),
    ("décideurs", {"MPT7008"}, "MPT7008"),
    ("CAFE", {"MPT7008"}, "MPT7008"),
    ("public services", {"MPT7004", "MPT7005"}, None),
    ("technology to decision makers", {"MPT7008"}, "MPT7008"),
    ('"technology to decision makers"', {"MPT7008"}, "MPT7008"),
    ('"decision technology"', set(), None),
    ("privacy or games", {"MPT7004", "MPT7006"}, None),
    ("design -games", {"MPT7005"}, "MPT7005"),
    ("mpt7004", {"MPT7004"}, "MPT7004"),
    ("the of and", set(), None),
    ("xyzzy", set(), None),
    ("-privacy", set(), None),
]


@pytest.mark.parametrize(("query", "expected", "top"), CASES, ids=[c[0] for c in CASES])
def test_a_query_finds_the_same_modules_on_either_database(catalogue, query, expected, top):
    codes = found(query)
    assert set(codes) == expected
    assert len(codes) == len(expected)
    if top:
        assert codes[0] == top


def test_an_empty_query_lists_every_published_module(catalogue):
    assert sorted(found("")) == sorted(code for code, *_ in MODULES)


def test_title_ranks_above_summary_above_description():
    ModuleFactory(code="C", title="Methods", summary="Research.", description="Some privacy law.")
    ModuleFactory(code="A", title="Privacy management", summary="Law.", description="")
    ModuleFactory(code="B", title="Design", summary="Privacy by design.", description="")
    ModuleFactory(code="X", title="Unrelated", summary="Nothing.", description="")
    assert found("privacy") == ["A", "B", "C"]


def test_the_index_follows_a_save():
    module = ModuleFactory(code="A", title="Old title", summary="Plain.")
    module.title = "Statistics"
    module.save()
    assert found("statistics") == ["A"]
    assert found("old") == []


def test_the_index_follows_a_bulk_update_once_refreshed():
    ModuleFactory(code="A", title="Before", summary="Plain.")
    Module.objects.filter(code="A").update(title="Accessibility")
    refresh_search_vectors(Module.objects.filter(code="A"))
    assert found("accessibility") == ["A"]
    assert found("before") == []


class _MigrationEditor:
    """What a RunPython function uses of a schema editor, inside the test's transaction
    (SQLite's real editor refuses to open inside one)."""

    connection = connection

    def execute(self, sql, params=()):
        with connection.cursor() as cursor:
            cursor.execute(sql, params)


def test_the_migration_indexes_modules_that_were_already_there():
    ModuleFactory(code="A", title="Privacy management")
    migration = importlib.import_module("curriculum.migrations.0004_search_synonyms_and_sqlite_index")
    on_sqlite = connection.vendor == "sqlite"
    if on_sqlite:
        _MigrationEditor().execute("DELETE FROM curriculum_module_fts")
    assert found("privacy") == ([] if on_sqlite else ["A"])
    migration.create_sqlite_index(apps, _MigrationEditor())
    assert found("privacy") == ["A"]
    # Postgres searches its stored vector; the SQLite index is not made there.
    assert ("curriculum_module_fts" in connection.introspection.table_names()) == on_sqlite


def test_each_database_runs_its_own_full_text_search(catalogue):
    with CaptureQueriesContext(connection) as queries:
        found("privacy")
    sql = queries.captured_queries[-1]["sql"]
    if connection.vendor == "sqlite":
        assert "MATCH" in sql and "curriculum_module_fts" in sql
    else:
        assert "to_tsquery" in sql and "ts_rank" in sql and "unaccent" in sql


def test_a_search_costs_one_query_for_synonyms_and_one_for_modules(catalogue):
    with CaptureQueriesContext(connection) as queries:
        found("ux design")
    assert len(queries) == 2
    assert "curriculum_searchsynonym" in queries[0]["sql"]


# --- Parsing: the same groups whichever database answers ---------------------------

def _synonyms(words):
    return {"ux": ["user experience"], "stats": ["statistics"]}


def test_words_are_stemmed_prefixes_and_stop_words_are_dropped():
    parsed = parse_query("the privacy of ux", synonyms=_synonyms)
    assert fts5_query(parsed) == '{title summary description} : (("privacy"*) AND ("ux" OR "user experience"))'
    assert tsquery_text(parsed) == "(privacy:*) & (ux | (user <-> experience))"


def test_or_joins_alternatives_and_a_minus_excludes():
    parsed = parse_query('design or games -"serious play"')
    assert fts5_query(parsed) == '{title summary description} : ((("design"* OR "games"*)) NOT ("serious play"))'
    assert tsquery_text(parsed) == "(design:* | games:*) & !((serious <-> play))"


def test_a_phrase_keeps_its_stop_words_so_that_fts5_can_check_adjacency():
    parsed = parse_query('"technology to decision"')
    assert fts5_query(parsed) == '{title summary description} : (("technology to decision"))'
    assert tsquery_text(parsed) == "((technology <-> to <-> decision))"


def test_a_code_like_query_also_searches_codes():
    parsed = parse_query("MPT7004")
    assert parsed.code == "MPT7004"
    assert fts5_query(parsed).endswith(' OR code : "mpt7004"')
    assert parse_query("privacy").code == ""


def test_operators_typed_in_the_query_are_only_words():
    parsed = parse_query('NEAR AND "x" NOT a:*|!&(')
    assert fts5_query(parsed) == '{title summary description} : (("near"*) AND ("x"))'
    assert tsquery_text(parsed) == "(near:*) & (x)"


def test_synonym_terms_match_whatever_the_case_and_accents():
    seen = []

    def synonyms(words):
        seen.extend(words)
        return {}

    parse_query("Ūx STATS", synonyms=synonyms)
    assert seen == ["stats", "ux"]


@pytest.mark.parametrize("query", ["²", "① privacy", "ǅemal", "ß", "İstanbul", "数据保护", "٣٤", "x²y", "a" * 200,
                                   " ".join(["privacy"] * 60), '"" "" -', "- - or", "NEAR(privacy design)"])
def test_odd_words_are_answered_on_either_database(catalogue, query):
    assert isinstance(found(query), list)


def test_a_word_that_only_the_database_can_split_still_finds_its_module():
    ModuleFactory(code="A", title="Data protection", summary="数据保护 in practice.")
    assert found("数据保护") == ["A"]


def test_a_query_is_cleaned_of_control_characters_and_capped():
    assert clean_query("\x00\x01privacy\u200b  design ") == "privacy design"
    assert len(clean_query("x" * 10_000)) == 200
