"""A readable difference between two module snapshots, field by field.

Text fields are compared word by word (what was removed, what was added);
lists (outcomes, assessments, prerequisites, themes) item by item. Names are
looked up in two queries, whatever the number of fields.
"""

import difflib
import re
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model

from .models import AssessmentComponent, Module, Theme

LABELS = {
    "code": "Code",
    "title": "Title",
    "slug": "Web address",
    "summary": "Summary",
    "description": "Description",
    "credits": "Credits",
    "level": "Level",
    "leader_id": "Module leader",
    "outcomes": "Learning outcomes",
    "assessments": "Assessment",
    "prerequisite_ids": "Prerequisites",
    "theme_ids": "Themes",
}
TEXT_FIELDS = {"title", "summary", "description"}


@dataclass
class Segment:
    op: str  # "same", "removed" or "added"
    text: str


@dataclass
class FieldChange:
    name: str
    label: str
    segments: list = field(default_factory=list)  # for text: inline word diff
    removed: list = field(default_factory=list)  # for values and lists
    added: list = field(default_factory=list)
    is_text: bool = False


# Below this similarity, an inline word diff is harder to read than before/after.
REWRITE_RATIO = 0.5


def word_diff(before, after):
    """Segments of text: unchanged, removed and added runs of words."""
    a = re.findall(r"\S+\s*|\s+", before or "")
    b = re.findall(r"\S+\s*|\s+", after or "")
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    if a and b and matcher.ratio() < REWRITE_RATIO:
        return [Segment("removed", "".join(a)), Segment("added", "".join(b))]
    segments = []
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            segments.append(Segment("same", "".join(a[i1:i2])))
        else:
            if i2 > i1:
                segments.append(Segment("removed", "".join(a[i1:i2])))
            if j2 > j1:
                segments.append(Segment("added", "".join(b[j1:j2])))
    return segments


def _assessment_text(item):
    kind = dict(AssessmentComponent.Kind.choices).get(item["kind"], item["kind"])
    return f"{item['title']} ({kind}, {item['weight']}%)"


def diff_snapshots(before, after):
    """The changes from snapshot `before` to `after`, in form order."""
    before = before or {}
    changes = []
    module_ids, theme_ids, user_ids = set(), set(), set()
    for snap in (before, after):
        module_ids.update(snap.get("prerequisite_ids", []))
        theme_ids.update(snap.get("theme_ids", []))
        if snap.get("leader_id"):
            user_ids.add(snap["leader_id"])
    modules = {m.pk: f"{m.code} {m.title}" for m in Module.objects.filter(pk__in=module_ids).only("code", "title")}
    themes = dict(Theme.objects.filter(pk__in=theme_ids).values_list("pk", "name"))
    people = get_user_model().objects.filter(pk__in=user_ids).only("full_name", "email")
    users = {u.pk: u.full_name or u.email for u in people}

    def names(key, values):
        if key == "prerequisite_ids":
            return [modules.get(v, f"(deleted module {v})") for v in values]
        if key == "theme_ids":
            return [themes.get(v, f"(deleted theme {v})") for v in values]
        if key == "assessments":
            return [_assessment_text(v) for v in values]
        return list(values)

    for key, label in LABELS.items():
        old, new = before.get(key), after.get(key)
        if old == new or (isinstance(new, list) and not old and not new):
            continue
        change = FieldChange(key, label)
        if key in TEXT_FIELDS:
            change.is_text = True
            segments = word_diff(old, new)
            if [seg.op for seg in segments] == ["removed", "added"]:
                change.removed, change.added = [segments[0].text], [segments[1].text]
            else:
                change.segments = segments
        elif isinstance(new, list) or isinstance(old, list):
            old_names, new_names = names(key, old or []), names(key, new or [])
            change.removed = [n for n in old_names if n not in new_names]
            change.added = [n for n in new_names if n not in old_names]
            if not change.removed and not change.added:
                change.added = ["(the same items in a new order)"]
        elif key == "leader_id":
            change.removed = ([users.get(old, "nobody")] if old else ["nobody"]) if before else []
            change.added = [users.get(new, "nobody")] if new else ["nobody"]
        else:
            change.removed = [] if old is None else [str(old)]
            change.added = [] if new is None else [str(new)]
        changes.append(change)
    return changes
