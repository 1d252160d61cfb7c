"""Every named URL pattern, requested as every role, answers exactly as its case says."""

import importlib
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings
from django.urls import get_resolver, reverse
from django.urls.resolvers import URLPattern, URLResolver

from conftest import ROLE_NAMES

# Django's admin has its own permission checks and tests; we pin only its door.
IGNORED_NAMESPACES = {"admin"}
PINNED = {"admin:index"}


def named_patterns(resolver=None, namespace=None):
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            child_ns = entry.namespace or namespace
            if namespace and entry.namespace:
                child_ns = f"{namespace}:{entry.namespace}"
            yield from named_patterns(entry, child_ns)
        elif isinstance(entry, URLPattern) and entry.name:
            yield f"{namespace}:{entry.name}" if namespace else entry.name


def all_cases():
    cases = []
    ours = [c for c in apps.get_app_configs() if Path(c.path).is_relative_to(settings.BASE_DIR)]
    modules = ["mpt.tests.url_cases"] + [f"{config.name}.tests.url_cases" for config in ours]
    for module_name in modules:
        try:
            module = importlib.import_module(module_name)
        except ModuleNotFoundError as error:
            if not module_name.startswith(error.name or "-"):
                raise
            continue
        cases.extend(module.CASES)
    return cases


CASES = all_cases()


def test_every_url_pattern_has_a_permission_case():
    names = {
        name
        for name in named_patterns()
        if name.split(":")[0] not in IGNORED_NAMESPACES or name in PINNED
    }
    covered = {case.name for case in CASES}
    missing = sorted(names - covered)
    assert not missing, f"URL patterns with no entry in any <app>/tests/url_cases.py: {missing}"
    stale = sorted(covered - names)
    assert not stale, f"cases for URL names that no longer exist: {stale}"


@pytest.mark.django_db
@pytest.mark.parametrize("case", CASES, ids=lambda case: f"{case.method.upper()} {case.name}")
def test_each_role_gets_the_expected_status(case, client, make_user):
    users = {role: make_user(role) for role in ROLE_NAMES}
    url = reverse(case.name, kwargs=case.resolve_kwargs(users))
    got = {}
    with case.around_requests():
        for role in ROLE_NAMES:
            client.logout()
            if users[role] is not None:
                client.force_login(users[role])
            response = getattr(client, case.method)(url, case.data or {})
            got[role] = response.status_code
    expected = {role: case.status_for(role) for role in ROLE_NAMES}
    assert got == expected
