"""Every form of the project, submitted empty: its messages say what to fix, and only
optional fields say "(optional)".

The forms are found by importing every module of the project's apps and walking
Django's form classes, so a new form is checked without anyone listing it. A form
whose constructor needs arguments gets them from FORM_KWARGS below; a new one
without an entry fails with a message saying to add one.
"""

import importlib
import pkgutil
import re
import types

import pytest
from django import forms
from django.core import validators
from django.db import models
from django.forms.utils import pretty_name

from accounts.roles import Role
from accounts.tests.factories import UserFactory
from core import forms as mpt_forms

PROJECT_APPS = ["accounts", "admissions", "curriculum", "lecturers", "mpt", "notifications", "theses", "timetable"]
# The Django admin draws its own forms, with its own words, for superusers only.
SKIPPED_MODULES = re.compile(r"(^|\.)(tests|migrations|admin)(\.|$)|^mpt\.forms$")


def _application():
    from admissions.tests.factories import ApplicationFactory

    return ApplicationFactory()


def _criteria():
    from admissions.tests.builders import rubric
    from admissions.tests.factories import IntakeFactory

    return rubric(IntakeFactory())[:1]


def _question_kinds():
    from admissions.models import IntakeQuestion
    from admissions.tests.factories import IntakeQuestionFactory

    application = _application()
    intake = application.intake
    questions = [
        IntakeQuestionFactory(intake=intake, kind=IntakeQuestion.Kind.LONG_TEXT, label="Why this programme?"),
        IntakeQuestionFactory(intake=intake, kind=IntakeQuestion.Kind.SINGLE_CHOICE, label="Your sector",
                              choices=["Public", "Charity"]),
    ]
    return {"application": application, "questions": questions, "answers": {}}


def _supervisor_rows():
    return {"rows": [types.SimpleNamespace(supervisor=UserFactory(roles=[Role.STAFF]), capacity=None)]}


def _purpose():
    from notifications.registry import all_purposes

    return {"purpose": all_purposes()[0]}


def _invitation():
    from lecturers.models import InvitationSlot

    return {"invitation": types.SimpleNamespace(slots=InvitationSlot.objects.none())}


def _lecturer():
    from lecturers.tests.factories import GuestLecturerFactory

    return {"lecturer": GuestLecturerFactory()}


def _user():
    return {"user": UserFactory()}


def _intakes():
    from admissions.models import Intake

    return {"intakes": Intake.objects.all()}


def _slots():
    from admissions.models import InterviewSlot

    return {"slots": InterviewSlot.objects.all()}


# What each form's constructor needs besides its data, built from factories.
FORM_KWARGS = {
    "accounts.forms.PasswordChangeForm": _user,
    "accounts.forms.SetPasswordForm": _user,
    "admissions.forms.applicant.StepForm": lambda: {"application": _application()},
    "admissions.forms.applicant.PersonalForm": lambda: {"application": _application()},
    "admissions.forms.applicant.EducationForm": lambda: {"application": _application()},
    "admissions.forms.applicant.CodingForm": lambda: {"application": _application()},
    "admissions.forms.applicant.StatementForm": lambda: {"application": _application()},
    "admissions.forms.applicant.QuestionsForm": _question_kinds,
    "admissions.forms.applicant.RefereesForm": lambda: {"application": _application(), "referees": []},
    "admissions.forms.applicant.DocumentUploadForm": lambda: {"kinds": []},
    "admissions.forms.reviewer.ReviewForm": lambda: {"criteria": _criteria()},
    "admissions.forms.reviewer.ConflictForm": _intakes,
    "admissions.forms.applicant.BookSlotForm": _slots,
    "curriculum.forms.CatalogueFilterForm": lambda: {
        "choices": {"programmes": [], "themes": [], "credits": [15], "levels": [7]}},
    "curriculum.forms.StaffModuleFilterForm": lambda: {"programmes": []},
    "curriculum.forms.ModuleForm": _user,
    "lecturers.forms.ChooseSlotForm": _invitation,
    "lecturers.forms.ConfirmDetailsForm": _lecturer,
    "notifications.forms.EmailTemplateForm": _purpose,
    "theses.forms.PreferencesForm": lambda: {"proposals": [], "classmates": []},
    "theses.forms.SupervisorCapacitiesForm": _supervisor_rows,
}


def _import_project():
    for app in PROJECT_APPS:
        package = importlib.import_module(app)
        for info in pkgutil.walk_packages(package.__path__, prefix=f"{app}."):
            if not SKIPPED_MODULES.search(info.name):
                importlib.import_module(info.name)


def _subclasses(klass):
    for sub in klass.__subclasses__():
        yield sub
        yield from _subclasses(sub)


def project_forms():
    _import_project()
    found = {}
    for klass in _subclasses(forms.BaseForm):
        module = klass.__module__
        if module.split(".")[0] in PROJECT_APPS and not SKIPPED_MODULES.search(module):
            found[f"{module}.{klass.__qualname__}"] = klass
    return dict(sorted(found.items()))


def _stock_patterns():
    """Every message Django ships for form fields, model fields and validators, as regexes."""
    texts = set()
    for base in (forms.Field, models.Field):
        for klass in [base, *_subclasses(base)]:
            if klass.__module__.startswith("django."):
                for klass_in_mro in klass.__mro__:
                    texts.update(str(m) for m in getattr(klass_in_mro, "default_error_messages", {}).values())
    for name in dir(validators):
        thing = getattr(validators, name)
        message = getattr(thing, "message", None)
        if message is not None and not isinstance(thing, types.ModuleType):
            texts.add(str(message))
    texts.update(str(m) for m in forms.ModelMultipleChoiceField.default_error_messages.values())
    texts.update(["This field is required.", "Enter a valid date.", "Enter a valid time.", "Enter a whole number.",
                  "Enter a valid date/time."])
    patterns = []
    for text in texts:
        pattern = re.escape(text)
        pattern = re.sub(r"%\\\((\w+)\\\)[sdr]", ".+", pattern)
        pattern = re.sub(r"%[sdr]", ".+", pattern)
        patterns.append(re.compile(pattern))
    return patterns


STOCK = _stock_patterns()
FORMS = project_forms()


def build(name, klass, **extra):
    factory = FORM_KWARGS.get(name)
    kwargs = factory() if factory else {}
    try:
        return klass(**kwargs, **extra)
    except TypeError as error:
        pytest.fail(f"{name} needs constructor arguments ({error}): add an entry for it to FORM_KWARGS in "
                    f"{__name__}, built from factories.")


def _label(field, name):
    return field.label or pretty_name(name)


def _is_single_checkbox(field):
    return isinstance(field.widget, forms.CheckboxInput)


def _significant_words(label):
    words = re.findall(r"[\w']+", mpt_forms.label_subject(label).lower())
    if words and (f"{words[0]} " in mpt_forms.INSTRUCTION_VERBS or words[0] == "confirm"):
        words = words[1:]
    return [w for w in words if len(w) > 2]


def test_the_walk_finds_every_forms_module():
    modules = {name.rsplit(".", 1)[0] for name in FORMS}
    assert modules >= {
        "accounts.forms", "admissions.forms.applicant", "admissions.forms.intake", "admissions.forms.reviewer",
        "admissions.forms.staff",
        "curriculum.forms", "lecturers.forms", "notifications.forms", "theses.forms", "timetable.forms",
    }
    assert "admissions.forms.intake.IntakeForm" in FORMS
    assert "accounts.forms.LoginForm" in FORMS


@pytest.mark.django_db
@pytest.mark.parametrize("name", FORMS)
def test_every_form_uses_the_projects_messages(name):
    assert issubclass(FORMS[name], mpt_forms.ErrorMessagesMixin), (
        f"{name} must derive from core.forms.Form or ModelForm (or mix in ErrorMessagesMixin), so that its "
        "messages say what to fix")


@pytest.mark.django_db
@pytest.mark.parametrize("name", FORMS)
def test_an_empty_form_gives_no_stock_message_and_each_required_field_names_itself(name):
    form = build(name, FORMS[name], data={}, files={})
    assert not form.is_valid() or not any(f.required for f in form.fields.values())
    for field_name, messages in form.errors.items():
        for message in messages:
            stock = [p.pattern for p in STOCK if p.fullmatch(message)]
            assert not stock, f"{name}.{field_name}: Django's own message {message!r}"
    for field_name, field in form.fields.items():
        if not field.required or field.disabled or isinstance(field.widget, forms.HiddenInput):
            continue
        messages = form.errors.get(field_name)
        assert messages, f"{name}.{field_name} is required but an empty form gives it no error"
        label = _label(field, field_name)
        derived = mpt_forms.derived_messages(field, label, yours=form.about_you)["required"]
        if messages[0] == derived:
            missing = [w for w in _significant_words(label) if w not in messages[0].lower()]
            assert not missing, f"{name}.{field_name}: {messages[0]!r} does not name {label!r}"
        else:
            # Written by hand for this field: it must still be a sentence that says what to do.
            assert messages[0] == field.error_messages["required"], (name, field_name, messages[0])
            assert messages[0].split()[0] in {"Enter", "Select", "Upload", "Confirm", "Choose", "Type", "Give"}, (
                f"{name}.{field_name}: {messages[0]!r} should start with what to do")


@pytest.mark.django_db
@pytest.mark.parametrize("name", FORMS)
def test_an_empty_form_rendered_never_says_this_field_is_required(name):
    html = str(build(name, FORMS[name], data={}, files={}))
    assert "This field is required" not in html
    assert "Enter a valid" not in html
    assert "Select a valid choice" not in html


@pytest.mark.django_db
@pytest.mark.parametrize("name", FORMS)
def test_optional_is_said_on_exactly_the_optional_fields(name):
    form = build(name, FORMS[name])
    for bound in form.visible_fields():
        field = bound.field
        assert "(optional)" not in str(field.label or "").lower(), (
            f"{name}.{bound.name}: the renderer adds “(optional)”; the label must not say it")
        html = str(bound.as_field_group())
        heading = re.search(r"<(label|legend)\b[^>]*>(.*?)</\1>", html, re.S)
        assert heading, f"{name}.{bound.name} renders no label or legend"
        said = "(optional)" in heading.group(2)
        # A single checkbox left unticked is an answer ("no"), not a skipped question.
        expected = not field.required and not _is_single_checkbox(field) and form.says_optional
        assert said == expected, f"{name}.{bound.name}: “(optional)” {'shown' if said else 'missing'}"


def project_filtersets():
    import django_filters

    _import_project()
    return {f"{k.__module__}.{k.__qualname__}": k for k in _subclasses(django_filters.FilterSet)
            if k.__module__.split(".")[0] in PROJECT_APPS and not SKIPPED_MODULES.search(k.__module__)}


@pytest.mark.django_db
@pytest.mark.parametrize("name", sorted(project_filtersets()))
def test_a_lists_filters_use_the_projects_words_and_do_not_each_say_optional(name):
    filterset = project_filtersets()[name](data={})
    form = filterset.form
    assert isinstance(form, mpt_forms.FilterForm), f"{name}: set Meta.form = core.forms.FilterForm"
    assert "(optional)" not in str(form)
    tampered = project_filtersets()[name](data=dict.fromkeys(form.fields, "not-a-choice")).form
    tampered.is_valid()
    for field_name, messages in tampered.errors.items():
        for message in messages:
            assert not [p for p in STOCK if p.fullmatch(message)], f"{name}.{field_name}: {message!r}"
