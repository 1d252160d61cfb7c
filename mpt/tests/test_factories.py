"""Every model of MPT's apps has a factory in `<app>/tests/factories.py`, and
each factory, alone and with each of its traits, saves a row that passes the
model's own validation (`full_clean`: fields, choices, validators, constraints).
"""

import importlib
import inspect

import factory
import pytest
from django.apps import apps

APPS = ["accounts", "notifications", "curriculum", "timetable", "lecturers", "admissions", "theses"]


def needs_factory(model):
    """Historical tables are written by django-simple-history; the unmanaged
    full-text index (curriculum's ModuleSearchEntry) by the search refresh."""
    return model._meta.managed and not hasattr(model, "instance_type")


def app_factories(label):
    module = importlib.import_module(f"{label}.tests.factories")
    return [
        value for value in vars(module).values()
        if inspect.isclass(value) and issubclass(value, factory.django.DjangoModelFactory)
        and value.__module__ == module.__name__ and value._meta.model is not None
    ]


FACTORIES = [f for label in APPS for f in app_factories(label)]
MODELS = [m for label in APPS for m in apps.get_app_config(label).get_models() if needs_factory(m)]
CASES = [
    pytest.param(f, trait, id=f"{f.__name__}-{trait or 'default'}")
    for f in FACTORIES
    for trait in [None, *sorted(name for name, value in f._meta.parameters.items()
                               if isinstance(value, factory.Trait))]
]


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m._meta.label)
def test_every_model_has_a_factory_in_its_app(model):
    assert [f for f in FACTORIES if f._meta.model is model
            and f.__module__ == f"{model._meta.app_label}.tests.factories"]


@pytest.mark.django_db
@pytest.mark.parametrize(("factory_class", "trait"), CASES)
def test_factory_builds_a_valid_saved_row(factory_class, trait):
    row = factory_class(**({trait: True} if trait else {}))

    row.full_clean()
    assert type(row).objects.filter(pk=row.pk).exists()
