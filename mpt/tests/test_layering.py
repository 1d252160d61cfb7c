"""The layering docs/architecture.md draws, checked by reading the code.

- Each app writes only its own tables: where another app's model is imported,
  an app may read it but not create, change or delete its rows, and nothing
  outside accounts changes a user's groups (roles go through
  `accounts.services.user_add_role` / `user_remove_role`).
- No app imports `mpt` (the wiring imports the apps, never the other way).
- `core` imports no app.

Tests and migrations are not application code and are not read.
"""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
APPS = ("accounts", "notifications", "curriculum", "timetable", "lecturers", "admissions", "theses")
PROJECT = (*APPS, "core", "mpt")

# Manager and queryset methods that write rows.
WRITES = {
    "create", "get_or_create", "update_or_create", "bulk_create", "bulk_update", "update", "delete",
}
# Instance methods that write a row.
INSTANCE_WRITES = {"save", "delete"}
# Ways in to a model instance whose later `.save()` is a write to its table.
FETCHES = {"get", "first", "last", "create", "get_or_create", "update_or_create", "earliest", "latest"}
GROUP_WRITES = {"add", "remove", "set", "clear"}


def _top(module):
    return (module or "").split(".", 1)[0]


def _foreign_models(tree, app):
    """Names bound to another MPT app's models in this file: {name: "app.Model"}.

    Reads `from other.models import Model`, `from other.models.part import Model`,
    `from other import models as m` (then `m.Model`) and `User = get_user_model()`.
    """
    names, modules = {}, {}
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.level == 0 and _top(node.module) in APPS:
            owner = _top(node.module)
            if owner == app:
                continue
            parts = node.module.split(".")
            if len(parts) >= 2 and parts[1] == "models":
                for alias in node.names:
                    names[alias.asname or alias.name] = f"{owner}.{alias.name}"
            elif len(parts) == 1:
                for alias in node.names:
                    if alias.name == "models":
                        modules[alias.asname or alias.name] = owner
        elif (
            app != "accounts"
            and isinstance(node, ast.Assign)
            and isinstance(node.value, ast.Call)
            and getattr(node.value.func, "id", getattr(node.value.func, "attr", None)) == "get_user_model"
        ):
            for target in node.targets:
                if isinstance(target, ast.Name):
                    names[target.id] = "accounts.User"
    return names, modules


def _model_of(node, names, modules):
    """The foreign model an expression names (`Cohort`, `cm.Cohort`), else None."""
    if isinstance(node, ast.Name):
        return names.get(node.id)
    if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id in modules:
        return f"{modules[node.value.id]}.{node.attr}"
    return None


def _rooted_model(node, names, modules):
    """For a chain like `Cohort.objects.filter(...).select_for_update()`, the model at its root."""
    while True:
        if isinstance(node, ast.Call):
            node = node.func
        elif isinstance(node, ast.Attribute):
            if node.attr == "objects":
                return _model_of(node.value, names, modules)
            node = node.value
        else:
            return None


def _instance_of(value, names, modules):
    """The foreign model whose instance `value` makes or fetches, else None."""
    if not isinstance(value, ast.Call):
        return None
    made = _model_of(value.func, names, modules)
    if made:
        return made
    if isinstance(value.func, ast.Attribute) and value.func.attr in FETCHES:
        return _rooted_model(value.func.value, names, modules)
    return None


def _scopes(tree):
    yield tree
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            yield node


def _own_nodes(scope):
    """Nodes of a scope, not descending into the functions it defines."""
    stack = list(ast.iter_child_nodes(scope))
    while stack:
        node = stack.pop()
        yield node
        if not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Lambda)):
            stack.extend(ast.iter_child_nodes(node))


def cross_app_writes(source, app, filename="<source>"):
    """Where `source`, a file of `app`, writes another app's rows or a user's groups.

    Returns ["file:line: what"], empty when the file keeps to its own tables.
    """
    tree = ast.parse(source, filename)
    names, modules = _foreign_models(tree, app)
    found = []

    def report(node, what):
        found.append(f"{filename}:{node.lineno}: {what}")

    for scope in _scopes(tree):
        instances = {}
        nodes = sorted(_own_nodes(scope), key=lambda n: (getattr(n, "lineno", 0), getattr(n, "col_offset", 0)))
        for node in nodes:
            if isinstance(node, ast.Assign):
                model = _instance_of(node.value, names, modules)
                for target in node.targets:
                    elements = target.elts if isinstance(target, ast.Tuple) else [target]
                    # `obj, created = Model.objects.get_or_create(...)`: the first is the instance.
                    first = elements[0] if elements else None
                    for element in elements:
                        if isinstance(element, ast.Name):
                            if model and element is first:
                                instances[element.id] = model
                            else:
                                instances.pop(element.id, None)
            if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)):
                continue
            method, receiver = node.func.attr, node.func.value
            if (
                app != "accounts"
                and method in GROUP_WRITES
                and isinstance(receiver, ast.Attribute)
                and receiver.attr == "groups"
            ):
                report(node, f"changes a user's groups (.groups.{method}); use accounts.services.user_add_role")
                continue
            if method in WRITES:
                model = _rooted_model(receiver, names, modules)
                if model:
                    report(node, f"{model}.objects…{method}()")
                    continue
            if method in INSTANCE_WRITES:
                model = _instance_of(receiver, names, modules)
                if model is None and isinstance(receiver, ast.Name):
                    model = instances.get(receiver.id)
                if model:
                    report(node, f"{model} instance .{method}()")
    return found


def imported_apps(source, filename="<source>"):
    """The top-level project packages `source` imports: {(line, package)}."""
    tree = ast.parse(source, filename)
    seen = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            seen.update((node.lineno, _top(alias.name)) for alias in node.names if _top(alias.name) in PROJECT)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and _top(node.module) in PROJECT:
            seen.add((node.lineno, _top(node.module)))
        elif (
            isinstance(node, ast.Call)
            and getattr(node.func, "attr", getattr(node.func, "id", None)) == "import_module"
            and node.args
            and isinstance(node.args[0], ast.Constant)
            and isinstance(node.args[0].value, str)
            and _top(node.args[0].value) in PROJECT
        ):
            seen.add((node.lineno, _top(node.args[0].value)))
    return seen


def _application_files(package):
    for path in sorted((ROOT / package).rglob("*.py")):
        parts = path.relative_to(ROOT / package).parts
        if parts[0] in ("tests", "migrations") or path.name == "conftest.py":
            continue
        yield path


def _relative(path):
    return str(path.relative_to(ROOT))


# --- The checkers, on small sources -------------------------------------------------


@pytest.mark.parametrize(
    "source",
    [
        "from curriculum.models import Cohort\nCohort.objects.create(name='x')\n",
        "from curriculum.models import Enrolment\n"
        "def f(c, s):\n    Enrolment.objects.get_or_create(cohort=c, student=s)\n",
        "from curriculum.models import Enrolment\n"
        "def f(c):\n    Enrolment.objects.filter(cohort=c).update(status='withdrawn')\n",
        "from curriculum.models import Enrolment\n"
        "def f(c):\n    Enrolment.objects.select_for_update().filter(cohort=c).delete()\n",
        "from curriculum.models import Cohort\ndef f():\n    c = Cohort(name='x')\n    c.save()\n",
        "from curriculum.models import Cohort\ndef f(pk):\n    c = Cohort.objects.get(pk=pk)\n    c.delete()\n",
        "from curriculum.models import Cohort\n"
        "def f(**kw):\n    c = Cohort.objects.filter(**kw).first()\n    c.name = 'y'\n    c.save()\n",
        "from curriculum import models as cm\ncm.Cohort.objects.bulk_create([])\n",
        "from curriculum.models.cohorts import Cohort\nCohort(name='x').save()\n",
        "from django.contrib.auth import get_user_model\nUser = get_user_model()\n"
        "def f(email):\n    User.objects.create(email=email)\n",
        "def f(user, group):\n    user.groups.add(group)\n",
        "def f(application, group):\n    application.applicant.groups.remove(group)\n",
    ],
)
def test_the_write_checker_finds_a_write_to_another_apps_table(source):
    assert len(cross_app_writes(source, "admissions")) == 1


@pytest.mark.parametrize(
    "source",
    [
        # Reads of another app's rows are fine.
        "from curriculum.models import Enrolment\n"
        "def f(c):\n    return Enrolment.objects.filter(cohort=c).exists()\n",
        "from curriculum.models import Cohort\ndef f(pk):\n    c = Cohort.objects.get(pk=pk)\n    return c.name\n",
        # Writes to the app's own tables are fine, even beside a foreign model.
        "from curriculum.models import Cohort\nfrom .models import Intake\n"
        "def f(c):\n    i = Intake(cohort=c)\n    i.save()\n    Intake.objects.filter(cohort=c).delete()\n",
        # A name that once held a foreign instance and was rebound.
        "from curriculum.models import Cohort\nfrom .models import Intake\n"
        "def f(pk):\n    c = Cohort.objects.get(pk=pk)\n    c = Intake(cohort=c)\n    c.save()\n",
        # A service of the other app is the way in.
        "from curriculum.services import student_enrol\n"
        "def f(u, c, by):\n    student_enrol(student=u, cohort=c, by=by)\n",
    ],
)
def test_the_write_checker_lets_reads_and_own_writes_pass(source):
    assert cross_app_writes(source, "admissions") == []


def test_the_write_checker_lets_an_app_write_its_own_models():
    source = "from curriculum.models import Cohort\nCohort.objects.create(name='x')\n"
    assert cross_app_writes(source, "curriculum") == []
    assert cross_app_writes("def f(user, g):\n    user.groups.add(g)\n", "accounts") == []


def test_the_import_checker_finds_imports_of_the_wiring():
    source = "import mpt.settings\nfrom mpt import urls\nfrom core.forms import X\nimport importlib\n" \
             "importlib.import_module('mpt.celery')\nfrom . import models\n"
    assert imported_apps(source) == {(1, "mpt"), (2, "mpt"), (3, "core"), (5, "mpt")}


# --- The project itself ---------------------------------------------------------------


def test_each_app_writes_only_its_own_tables():
    found = []
    for app in APPS:
        for path in _application_files(app):
            found += cross_app_writes(path.read_text(), app, _relative(path))
    assert found == []


def test_no_app_imports_the_wiring():
    found = [
        f"{_relative(path)}:{line}"
        for app in (*APPS, "core")
        for path in _application_files(app)
        for line, package in imported_apps(path.read_text(), str(path))
        if package == "mpt"
    ]
    assert found == []


def test_core_imports_no_app():
    found = [
        f"{_relative(path)}:{line} imports {package}"
        for path in _application_files("core")
        for line, package in imported_apps(path.read_text(), str(path))
        if package in APPS
    ]
    assert found == []
