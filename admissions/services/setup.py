"""An intake's review set-up (how many reviewers, due date, blind mode, panel)
and the rubric reviewers score against."""

from django.db import transaction

from ..models import (
    ReviewSetup,
)
from ._common import AdmissionsError, _audited, _require_admin


def setup_for(intake):
    """The intake's review set-up, created with defaults on first use."""
    setup, _ = ReviewSetup.objects.get_or_create(intake=intake)
    return setup


def review_setup_save(*, setup, by, **fields):
    """Change an intake's review set-up. Side effects: history records who."""
    _require_admin(by)
    panel = fields.pop("panel", None)
    with transaction.atomic():
        for name, value in fields.items():
            setattr(setup, name, value)
        _audited(setup, by).save()
        if panel is not None:
            setup.panel.set(panel)
    return setup


def criterion_save(*, criterion, by):
    _require_admin(by)
    _audited(criterion, by).save()
    return criterion


def criterion_delete(*, criterion, by):
    """Remove a rubric criterion nobody has scored yet."""
    _require_admin(by)
    if criterion.scores.exists():
        raise AdmissionsError("Reviewers have already scored this criterion, so it cannot be removed.")
    _audited(criterion, by).delete()
