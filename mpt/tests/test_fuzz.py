"""Hostile input, everywhere, as everyone: no answer is a server error.

For every case of the role-by-URL table (`<app>/tests/url_cases.py`), as every
role: the page is fetched, its forms and links are read from the HTML, and then
it is fetched again with hostile values in every query parameter those forms and
links use (and in one nobody uses), and every form on it is posted hostile
values: very long text, right-to-left and combining unicode, emoji, NUL and
control characters, markup, wrong types (letters for numbers, impossible dates,
negative and huge numbers, choices that do not exist, ids of nothing), every
field missing, every field twice. Any 500 or uncaught exception is collected,
and each app's test fails listing all of its own.

Deterministic: which hostile values a role gets is drawn from a generator
seeded with the case, the role and the form, so a failure is reproducible.
Bounded: a form the site shows on many pages (the navigation's log-out button)
is fuzzed once per role, each role gets two of the hostile kinds per form and
one in the query string (between them the roles cover every kind), and each
case runs in a savepoint
rolled back afterwards, so the data stays small. MPT_FUZZ_TRACEBACKS=1 adds
each failure's whole traceback to the report.
"""

import importlib
import os
import random
import traceback
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlencode, urljoin, urlsplit

import pytest
from django.apps import apps
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.test import Client
from django.urls import reverse

from conftest import ROLE_NAMES

SEED = 20270131
FUZZED_NAMESPACES_SKIPPED = {"admin"}  # Django's admin is Django's to test

LONG = ("Lorem ipsum dolor sit amet " * 400)[:10_000]
UNICODE = ("\u202eevil\u202c \u05e9\u05dc\u05d5\u05dd \u0627\u0644\u0633\u0644\u0627\u0645 "
           "\U0001f469\U0001f3fd\u200d\U0001f4bb \U0001f3f3\ufe0f\u200d\U0001f308 e\u0301\u0301\u0301 "
           "Z\u0336\u0336 \ufdfd \U0001d518\U0001d52b\U0001d526")
MARKUP = '"><img src=x onerror=alert(1)><script>alert(1)</script>{{ 7*7 }}{% debug %}\'--'
CONTROL = "a\x00b\x01c\x1fd\x7f"

NUMBER_VALUES = ["abc", "-1", "1e309", "9" * 40, "0x1F", "NaN"]
DATE_VALUES = ["2027-02-30", "31/12/2027", "0000-00-00", "9999-99-99", "-2027-01-01", "yesterday"]
TIME_VALUES = ["25:61", "12:00:99", "noon", "-1:00"]
CHOICE_VALUES = ["not-a-choice", "999999999", "-1", "0", "' OR 1=1 --"]

KINDS = ["long", "unicode", "markup", "control", "wrong_type", "huge_number", "missing", "duplicated"]
# Per form and role; seven roles between them still try every kind on a form they all see.
POSTS_PER_FORM = 2


def cases_by_app():
    """The role-by-URL cases, grouped by the app whose url_cases.py lists them."""
    ours = [c for c in apps.get_app_configs() if Path(c.path).is_relative_to(settings.BASE_DIR)]
    grouped = {}
    for app_name in ["mpt"] + [config.name for config in ours]:
        module_name = f"{app_name}.tests.url_cases"
        try:
            module = importlib.import_module(module_name)
        except ModuleNotFoundError as error:
            if not module_name.startswith(error.name or "-"):
                raise
            continue
        cases = [case for case in module.CASES if case.name.split(":")[0] not in FUZZED_NAMESPACES_SKIPPED]
        if cases:
            grouped[app_name] = cases
    return grouped


CASES_BY_APP = cases_by_app()


# Reading the page ---------------------------------------------------------------------------------------------


class PageReader(HTMLParser):
    """The forms (with their fields) and the links of an HTML page."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms = []
        self.links = []
        self._form = None
        self._select = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self._form = {"method": (attrs.get("method") or "get").lower(), "action": attrs.get("action") or "",
                          "multipart": "multipart" in (attrs.get("enctype") or ""), "fields": []}
            self.forms.append(self._form)
        elif tag == "a" and attrs.get("href"):
            self.links.append(attrs["href"])
        elif self._form is None or not attrs.get("name"):
            if tag == "option" and self._select is not None:
                self._select["options"].append(attrs.get("value", ""))
            return
        elif tag == "input":
            kind = (attrs.get("type") or "text").lower()
            if kind in ("submit", "button", "image", "reset"):
                return
            self._form["fields"].append({"name": attrs["name"], "type": kind, "value": attrs.get("value", ""),
                                         "checked": "checked" in attrs, "options": []})
        elif tag == "textarea":
            self._form["fields"].append({"name": attrs["name"], "type": "textarea", "value": "", "options": []})
        elif tag == "select":
            self._select = {"name": attrs["name"], "type": "select", "value": "", "options": []}
            self._form["fields"].append(self._select)

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        elif tag == "select":
            self._select = None


def read_page(response):
    if "html" not in response.get("Content-Type", ""):
        return [], []
    reader = PageReader()
    reader.feed(response.content.decode(errors="replace"))
    return reader.forms, reader.links


# Hostile values -------------------------------------------------------------------------------------------------


def hostile_value(field, kind, rng):
    field_type = field["type"] if field else "text"
    if kind == "long":
        return LONG
    if kind == "unicode":
        return UNICODE
    if kind == "markup":
        return MARKUP
    if kind == "control":
        return CONTROL
    if kind == "huge_number":
        return rng.choice(["9" * 40, "-99999999999", "2147483648", "-0", "1e400"])
    # wrong_type (and the second value of "duplicated"): what the field's type does not expect
    if field_type == "number":
        return rng.choice(NUMBER_VALUES)
    if field_type == "date":
        return rng.choice(DATE_VALUES)
    if field_type == "time":
        return rng.choice(TIME_VALUES)
    if field_type in ("datetime-local", "week", "month"):
        return rng.choice([*DATE_VALUES, "2027-W99", "2027-13"])
    if field_type == "email":
        return rng.choice(["not-an-email@", "@@", "a@b"])
    if field_type in ("select", "radio", "checkbox", "hidden"):
        return rng.choice(CHOICE_VALUES)
    return rng.choice(NUMBER_VALUES + DATE_VALUES + CHOICE_VALUES)


def garbage_file(rng):
    name, content = rng.choice([
        ("document.pdf", b"%PDF-1.7\n%garbage that is not a PDF\n"),
        ("photo.jpg", b"\xff\xd8\xff\xe0 not really a jpeg"),
        ("empty.pdf", b""),
        ("x" * 300 + ".pdf", b"%PDF-"),
    ])
    return SimpleUploadedFile(name, content, content_type="application/octet-stream")


def post_data(form, kind, rng):
    """The form's fields as a browser would send them, with `kind` of hostile values."""
    data = {}
    if kind == "missing":
        return {f["name"]: [f["value"]] for f in form["fields"] if f["name"] == "csrfmiddlewaretoken"}
    for field in form["fields"]:
        name = field["name"]
        if name == "csrfmiddlewaretoken":
            data[name] = [field["value"]]
            continue
        if field["type"] == "file":
            data[name] = [garbage_file(rng)] if form["multipart"] else [hostile_value(field, kind, rng)]
            continue
        value = hostile_value(field, "wrong_type" if kind == "duplicated" else kind, rng)
        if kind == "duplicated":
            original = field["value"] or (field["options"][-1] if field["options"] else "1")
            data.setdefault(name, []).extend([original, value])
        else:
            data.setdefault(name, []).append(value)
    return data


# Making the requests --------------------------------------------------------------------------------------------


class Fuzzer:
    def __init__(self, client, users):
        self.client = client
        self.users = users
        self.failures = []
        self.posted = set()
        self.requests = 0

    def login(self, role):
        self.client.logout()
        if self.users[role] is not None:
            self.client.force_login(self.users[role])

    def request(self, role, method, url, *, data=None, multipart=False, label=""):
        self.requests += 1
        try:
            # A savepoint each, so a database error in one request does not poison the rest.
            with transaction.atomic():
                if method == "get":
                    response = self.client.get(url)
                elif multipart:
                    response = self.client.post(url, data or {})
                else:
                    response = self.client.post(url, urlencode(data or {}, doseq=True),
                                                content_type="application/x-www-form-urlencoded")
        except Exception as exc:  # every exception is a finding, reported with the others
            where = next((f"{frame.filename.removeprefix(str(settings.BASE_DIR) + '/')}:{frame.lineno}"
                          for frame in reversed(traceback.extract_tb(exc.__traceback__))
                          if str(settings.BASE_DIR) in frame.filename and "/.venv/" not in frame.filename), "?")
            self.failures.append(f"{role:>16} {method.upper()} {url[:140]} [{label}] raised "
                                 f"{exc.__class__.__name__}: {str(exc)[:160]} (at {where})"
                                 + ("\n" + traceback.format_exc() if os.environ.get("MPT_FUZZ_TRACEBACKS") else ""))
            return None
        if response.status_code >= 500:
            self.failures.append(f"{role:>16} {method.upper()} {url[:140]} [{label}] answered {response.status_code}")
        return response

    def fuzz_query(self, role, url, names, rng):
        path = urlsplit(url).path
        names = sorted(names | {"zz_unknown"})
        kind = rng.choice(["long", "unicode", "markup", "control", "wrong_type", "huge_number"])
        query = urlencode({name: hostile_value(None, kind, rng) for name in names})
        self.request(role, "get", f"{path}?{query}", label=f"query {kind}")
        # Every known parameter twice, with different values.
        query = urlencode([(name, value) for name in names for value in ("1", "-1")])
        self.request(role, "get", f"{path}?{query}", label="query duplicated")

    def fuzz_form(self, role, page_url, form, rng):
        action = urljoin(page_url, form["action"]) if form["action"] else page_url
        if urlsplit(action).netloc:
            return
        key = (role, urlsplit(action).path, tuple(sorted(f["name"] for f in form["fields"])))
        if key in self.posted:
            return
        self.posted.add(key)
        for kind in rng.sample(KINDS, k=POSTS_PER_FORM):
            # Log in again: a form that logs out (or a role change) must not leak into the next post.
            self.login(role)
            self.request(role, "post", action, data=post_data(form, kind, rng), multipart=form["multipart"],
                         label=f"form {kind}")

    def fuzz_case(self, case, url):
        for role in ROLE_NAMES:
            rng = random.Random(f"{SEED}|{case.name}|{case.note}|{role}")
            self.login(role)
            if case.method == "post":
                fields = [{"name": name, "type": "text", "value": "", "options": []} for name in (case.data or {})]
                self.fuzz_form(role, url, {"action": url, "fields": fields, "multipart": False}, rng)
                continue
            response = self.request(role, "get", url, label="page")
            if response is None or response.status_code != 200:
                # The role may not see the page: hostile parameters must still not break the refusal.
                self.fuzz_query(role, url, set(), rng) if response is not None else None
                continue
            forms, links = read_page(response)
            names = set()
            path = urlsplit(url).path
            for href in links:
                target = urlsplit(urljoin(url, href))
                if target.path == path and target.query:
                    names |= {pair.split("=", 1)[0] for pair in target.query.split("&") if pair}
            for form in forms:
                if form["method"] == "get" and urlsplit(urljoin(url, form["action"])).path == path:
                    names |= {field["name"] for field in form["fields"]}
            self.fuzz_query(role, url, names, rng)
            for index, form in enumerate(forms):
                if form["method"] == "post":
                    self.fuzz_form(role, url, form, random.Random(f"{SEED}|{case.name}|{role}|{index}"))


@pytest.mark.django_db
@pytest.mark.parametrize("app_name", sorted(CASES_BY_APP))
def test_no_hostile_input_gets_a_server_error(app_name, make_user, settings, tmp_path):
    settings.PRIVATE_STORAGE_ROOT = tmp_path / "private"
    users = {role: make_user(role) for role in ROLE_NAMES}
    fuzzer = Fuzzer(Client(), users)
    for case in CASES_BY_APP[app_name]:
        with transaction.atomic():
            url = reverse(case.name, kwargs=case.resolve_kwargs(users))
            with case.around_requests():
                fuzzer.fuzz_case(case, url)
            transaction.set_rollback(True)
    assert fuzzer.requests > 0
    assert not fuzzer.failures, (f"{len(fuzzer.failures)} of {fuzzer.requests} hostile requests failed:\n"
                                 + "\n".join(fuzzer.failures))
