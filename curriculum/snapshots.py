"""A module as plain data: what a revision stores, a draft holds and a preview shows.

A snapshot is a JSON-safe dict of the module's own fields plus its outcomes,
assessments, prerequisites (ids) and themes (ids). The same shape is written by
`snapshot_of`, read back by `apply_snapshot`, compared by `curriculum.diff` and
rendered by the preview.
"""

from dataclasses import dataclass

from .models import AssessmentComponent, LearningOutcome, Module, Theme

FIELDS = ["code", "title", "slug", "summary", "description", "credits", "level", "leader_id"]


def snapshot_of(module):
    """The module as it stands in the database (not its pending draft)."""
    data = {field: getattr(module, field) for field in FIELDS}
    data["outcomes"] = [outcome.text for outcome in module.outcomes.all()]
    data["assessments"] = [
        {"title": a.title, "kind": a.kind, "weight": a.weight} for a in module.assessments.all()
    ]
    data["prerequisite_ids"] = sorted(m.pk for m in module.prerequisites.all())
    data["theme_ids"] = sorted(t.pk for t in module.themes.all())
    return data


def working_snapshot(module):
    """What an editor works on: the pending draft if there is one, else the module."""
    return module.pending if module.pending is not None else snapshot_of(module)


def apply_snapshot(module, data):
    """Write a snapshot onto the module's columns and related rows. The caller saves
    nothing else and holds the row lock."""
    for field in FIELDS:
        setattr(module, field, data[field])
    module.save()
    module.outcomes.all().delete()
    LearningOutcome.objects.bulk_create(
        LearningOutcome(module=module, order=index, text=text) for index, text in enumerate(data["outcomes"])
    )
    module.assessments.all().delete()
    AssessmentComponent.objects.bulk_create(
        AssessmentComponent(module=module, order=index, title=a["title"], kind=a["kind"], weight=a["weight"])
        for index, a in enumerate(data["assessments"])
    )
    module.prerequisites.set(Module.objects.filter(pk__in=data["prerequisite_ids"]).exclude(pk=module.pk))
    module.themes.set(Theme.objects.filter(pk__in=data["theme_ids"]))


@dataclass
class ModuleView:
    """What the public module template needs, built from a module or a snapshot."""

    module: Module
    outcomes: list
    assessments: list
    prerequisites: list
    themes: list


def view_from_snapshot(module, data):
    """An unsaved copy of `module` carrying the snapshot's values, for previews."""
    copy = Module(pk=module.pk, status=module.status, version=module.version)
    for field in FIELDS:
        setattr(copy, field, data[field])
    if copy.leader_id == module.leader_id:
        copy.leader = module.leader
    else:
        from django.contrib.auth import get_user_model

        copy.leader = get_user_model().objects.filter(pk=copy.leader_id).first()
    outcomes = [LearningOutcome(text=text, order=index) for index, text in enumerate(data["outcomes"])]
    assessments = [
        AssessmentComponent(title=a["title"], kind=a["kind"], weight=a["weight"], order=index)
        for index, a in enumerate(data["assessments"])
    ]
    prerequisites = list(Module.objects.filter(pk__in=data["prerequisite_ids"]).order_by("code"))
    themes = list(Theme.objects.filter(pk__in=data["theme_ids"]))
    return ModuleView(copy, outcomes, assessments, prerequisites, themes)
