"""The Django admin as a read-mostly fallback for superusers: every model of an app is listed there.

Nothing in the normal work needs the admin; it is there for the rare repair.
`register_fallback("curriculum", audit={"ModuleRevision"})` registers each
model of the app that its admin.py has not registered itself, with a list that
shows its first fields, filters on its choices and flags, searches its short
text fields, and costs the same queries whatever the number of rows (the list
leaves related rows out, relations are edited by id). Audit, history and outbox rows
(`audit`) are read-only: they cannot be added, changed or deleted here.
"""

from django.contrib import admin
from django.db import models

LIST_FIELDS = 5


def _list_display(model):
    # Related rows are left out: their names often reach further rows (a query per row).
    fields = [f for f in model._meta.concrete_fields
              if not f.is_relation and not isinstance(f, models.TextField | models.JSONField | models.BinaryField |
                                                      models.FileField)]
    return [f.name for f in fields[:LIST_FIELDS]]


def _list_filter(model):
    return [f.name for f in model._meta.concrete_fields
            if isinstance(f, models.BooleanField) or (f.choices and not f.primary_key)][:4]


def _search_fields(model):
    return [f.name for f in model._meta.concrete_fields
            if isinstance(f, models.CharField | models.EmailField | models.SlugField) and not f.choices][:4]


def fallback_admin(model, *, audit=False):
    """A ModelAdmin class for `model`, read-only when `audit`."""
    display = _list_display(model)
    relations = [f.name for f in [*model._meta.concrete_fields, *model._meta.many_to_many]
                 if f.is_relation and f.editable]
    attrs = {
        "list_display": display,
        "list_filter": _list_filter(model),
        "search_fields": _search_fields(model),
        "raw_id_fields": relations,
        "list_per_page": 50,
        # No bulk actions: each row's checkbox names the row (its __str__, often a query per row).
        "actions": None,
        "show_full_result_count": False,
        # Private files have no URL to show; they are opened through their app's checked view.
        "exclude": [f.name for f in model._meta.concrete_fields if isinstance(f, models.FileField)] or None,
    }
    if audit:
        fields = [f.name for f in [*model._meta.concrete_fields, *model._meta.many_to_many]
                  if not isinstance(f, models.FileField)]
        attrs.update({
            "readonly_fields": fields,
            "raw_id_fields": [],
            "has_add_permission": lambda self, request: False,
            "has_delete_permission": lambda self, request, obj=None: False,
            "has_change_permission": lambda self, request, obj=None: False,
        })
    return type(f"{model.__name__}FallbackAdmin", (admin.ModelAdmin,), attrs)


def register_fallback(app_label, *, audit=(), site=admin.site):
    """Register every model of `app_label` the site does not have yet.

    Historical models are left out (their rows are shown on the record's own
    history page), and so are unmanaged ones: a search index that exists on
    one database only is not data anyone edits."""
    from django.apps import apps

    for model in apps.get_app_config(app_label).get_models():
        if model in site._registry or model.__name__.startswith("Historical") or not model._meta.managed:
            continue
        site.register(model, fallback_admin(model, audit=model.__name__ in audit))
