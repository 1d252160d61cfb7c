import pytest

from curriculum.diff import diff_snapshots, word_diff
from curriculum.snapshots import snapshot_of
from curriculum.tests.factories import ModuleFactory, ThemeFactory
from curriculum.tests.helpers import full_module


def test_a_small_edit_is_shown_inline_word_by_word():
    segments = word_diff("Learn how the state works.", "Learn how the local state works.")
    assert [(s.op, s.text) for s in segments] == [
        ("same", "Learn how the "), ("added", "local "), ("same", "state works."),
    ]


def test_a_rewrite_is_shown_as_before_and_after():
    segments = word_diff("Old words entirely here.", "Brand new sentence instead.")
    assert [s.op for s in segments] == ["removed", "added"]


@pytest.mark.django_db
def test_snapshot_diff_names_changed_fields_and_list_items():
    module = full_module()
    before = snapshot_of(module)
    prerequisite, theme = ModuleFactory(code="MPT1", title="Basics"), ThemeFactory(name="Design")
    after = {**before, "credits": 30, "outcomes": ["Explain a thing.", "Test a thing."],
             "prerequisite_ids": [prerequisite.pk], "theme_ids": [theme.pk],
             "assessments": [{"title": "Essay", "kind": "essay", "weight": 100}]}

    changes = {c.name: c for c in diff_snapshots(before, after)}

    assert set(changes) == {"credits", "outcomes", "prerequisite_ids", "theme_ids", "assessments"}
    assert (changes["credits"].removed, changes["credits"].added) == (["15"], ["30"])
    assert (changes["outcomes"].removed, changes["outcomes"].added) == (["Build a thing."], ["Test a thing."])
    assert changes["prerequisite_ids"].added == ["MPT1 Basics"]
    assert changes["theme_ids"].added == ["Design"]
    assert changes["assessments"].added == ["Essay (Essay, 100%)"]
    assert diff_snapshots(before, before) == []
