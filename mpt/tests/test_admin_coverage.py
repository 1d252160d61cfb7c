"""Every model of every MPT app is in the Django admin, and its pages cost the same queries at any size."""

import importlib
import inspect

import factory
import pytest
from django.apps import apps
from django.contrib import admin
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.tests.factories import UserFactory

APPS = ["accounts", "curriculum", "timetable", "lecturers", "admissions", "theses", "notifications"]

# Unmanaged models (the SQLite-only search index) are not data and have no admin.
MODELS = [m for label in APPS for m in apps.get_app_config(label).get_models()
          if not m.__name__.startswith("Historical") and m._meta.managed]


def _factories():
    found = {}
    for label in APPS:
        try:
            module = importlib.import_module(f"{label}.tests.factories")
        except ImportError:
            continue
        for _name, obj in inspect.getmembers(module, inspect.isclass):
            if issubclass(obj, factory.django.DjangoModelFactory) and obj._meta.model is not None:
                found.setdefault(obj._meta.model, obj)
    return found


FACTORIES = _factories()


def _id(model):
    return model._meta.label


def test_every_model_of_the_apps_is_registered():
    missing = [m._meta.label for m in MODELS if m not in admin.site._registry]
    assert missing == []


def _changelist(client, model):
    url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, model._meta.label
    return len(queries), response


@pytest.mark.django_db
@pytest.mark.parametrize("model", [m for m in MODELS if m in FACTORIES], ids=_id)
def test_the_changelist_and_a_change_page_render_at_a_constant_query_count(client, model):
    superuser = UserFactory(is_staff=True, is_superuser=True)
    client.force_login(superuser)
    make = FACTORIES[model]
    first = make()
    before = model.objects.count()
    one, response = _changelist(client, model)
    assert response.context["cl"].result_count == before
    for _ in range(3):
        make()
    after = model.objects.count()
    three, response = _changelist(client, model)
    assert response.context["cl"].result_count == after
    assert len(response.context["cl"].result_list) == min(after, 50)
    assert three == one, f"{model._meta.label}: {one} queries with {before} rows, {three} with {after}"
    url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_change", args=[first.pk])
    assert client.get(url).status_code == 200
