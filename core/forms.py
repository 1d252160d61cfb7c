"""Accessible form rendering, plain error messages and GOV.UK date and time inputs.

Labels sit above fields and hints under labels; each error is tied to its field
with aria-describedby and aria-invalid, and a summary at the top of the form
links to every field in error (the GOV.UK pattern). Pages draw a form with
django-crispy-forms (`{% crispy form %}`, or `{{ form.field|as_crispy_field }}`
for a field the page places itself); the Bootstrap 5 pack's form, field and
error templates are overridden in templates/bootstrap5/ with that pattern, and
a form whose fields sit side by side gives its `helper` a crispy `Layout`.
Django 5.2 lets the renderer choose the BoundField class, so no form has to opt
in to the attributes that tie hints and errors to the input.

Every form of the project derives from `Form` or `ModelForm` below (or mixes in
`ErrorMessagesMixin`), so that no Django stock message ("This field is
required.") reaches anyone: each field's messages are written from its label
and its kind ("Enter the title", "Select a term", "Upload a PDF file"). A
message given to the field by hand (`error_messages=`, `Meta.error_messages`)
always wins.

Dates are typed as day, month and year (`DateField`), times as 24-hour text
(`TimeField`), and a moment as both in one group (`DateTimeField`): browser
pickers show US formats and are hard to use with a keyboard or a screen reader.
"""

import datetime
import re

from crispy_forms import helper as crispy_helper
from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.forms.boundfield import BoundField
from django.forms.renderers import TemplatesSetting
from django.forms.utils import from_current_timezone, pretty_name, to_current_timezone
from django.utils.functional import cached_property

CHECK_WIDGETS = (forms.CheckboxInput, forms.RadioSelect, forms.CheckboxSelectMultiple)
GROUP_WIDGETS = (forms.RadioSelect, forms.CheckboxSelectMultiple, forms.MultiWidget)

DATE_HINT = "For example, 27 3 2027"
TIME_HINT = "Use the 24-hour clock, for example 14:00"
DATETIME_HINT = "For example, 27 3 2027 and 14:00. Use the 24-hour clock."


class AccessibleBoundField(BoundField):
    @property
    def hint_id(self):
        return f"{self.auto_id}-hint"

    @property
    def error_id(self):
        return f"{self.auto_id}-error"

    @property
    def marked_optional(self):
        """Whether the label says "(optional)": every field that may be left empty, except on
        search filters (`says_optional = False`), where every field may, and a single checkbox,
        where leaving it unticked is an answer in itself."""
        if self.field.required or isinstance(self.field.widget, forms.CheckboxInput):
            return False
        return getattr(self.form, "says_optional", True)

    @property
    def anchor_id(self):
        """Where the error summary's link lands: the first input of a date group."""
        widget = self.field.widget
        if isinstance(widget, PartsWidget):
            return widget.part_id(self.auto_id, 0)
        return self.auto_id

    def build_widget_attrs(self, attrs, widget=None):
        attrs = super().build_widget_attrs(attrs, widget)
        widget = widget or self.field.widget
        described_by = []
        if self.help_text:
            described_by.append(self.hint_id)
        if self.errors:
            described_by.append(self.error_id)
            attrs["aria-invalid"] = "true"
        # A group's hint and error are announced through its fieldset.
        if described_by and not isinstance(widget, GROUP_WIDGETS):
            attrs["aria-describedby"] = " ".join(described_by)
        else:
            attrs.pop("aria-describedby", None)
        if isinstance(widget, (forms.RadioSelect, forms.CheckboxSelectMultiple)):
            # Each option gets its class from multiple_input.html; a class here
            # would also land on the wrapper and draw the group as one box.
            return attrs
        if isinstance(widget, CHECK_WIDGETS):
            css = "form-check-input"
        elif isinstance(widget, forms.Select):
            css = "form-select"
        else:
            css = "form-control"
        if self.errors:
            css += " is-invalid"
        # The widget's own class (say "input-narrow") would otherwise be replaced by these.
        existing = attrs.get("class") or widget.attrs.get("class", "")
        attrs["class"] = f"{existing} {css}".strip()
        return attrs


class FormRenderer(TemplatesSetting):
    # The same templates crispy draws with, so `{{ form }}` and `as_field_group` look the same.
    form_template_name = "bootstrap5/uni_form.html"
    field_template_name = "bootstrap5/field.html"
    bound_field_class = AccessibleBoundField


class FormHelper(crispy_helper.FormHelper):
    """How `{% crispy form %}` draws a form of the project: its fields, with the error summary
    first, inside the page's own `<form>`, which holds the CSRF token and the buttons that say
    what they do. Give it a `layout` (crispy's Layout, Row, Column, Fieldset, Field with a
    `wrapper_class`) where fields sit side by side."""

    form_tag = False
    disable_csrf = True
    include_media = False


# --- Error messages written from the label ------------------------------------------------

# Codes whose messages Django formats with %-params: a literal % must be doubled.
PARAM_CODES = {
    "min_value", "max_value", "min_length", "max_length", "step_size", "invalid_choice", "invalid_pk_value",
    "max_digits", "max_decimal_places", "max_whole_digits", "incomplete", "ambiguous_timezone", "unique",
}
KEPT_DETERMINERS = ("your ", "the ", "a ", "an ", "their ", "my ", "this ", "these ", "each ", "any ", "who ")
INSTRUCTION_VERBS = ("choose ", "enter ", "select ", "upload ", "type ", "give ", "add ", "tick ")


def label_subject(label):
    """The label as words inside a sentence: "Weight (%)" -> "weight", "CSV file" stays."""
    text = re.sub(r"\s*\([^)]*\)", "", str(label or "")).strip().rstrip(":.").strip()
    if len(text) > 1 and not text[:2].isupper():
        text = text[0].lower() + text[1:]
    return text


def _with(determiner, subject, yours):
    words = subject.lower().split()
    # "Links to your public code", "Something you built": already addressed to the reader.
    if subject.lower().startswith(KEPT_DETERMINERS) or "you" in words[1:] or "your" in words[1:]:
        return subject
    if yours:
        return f"your {subject}"
    if determiner == "a":
        return f"{'an' if subject[:1].lower() in 'aeiou' else 'a'} {subject}"
    return f"{determiner} {subject}"


def _capital(text):
    return text[:1].upper() + text[1:]


def _is_plural(subject):
    # The head noun comes first: "Places", "Reviewers per application", "Students per supervisor".
    first = subject.split()[0].lower() if subject.split() else ""
    return first.endswith("s") and not first.endswith(("ss", "us", "is"))


def _instruction(label, verb):
    """A label that is already an instruction ("Choose a PDF file"), with the right verb."""
    text = label_subject(label)
    lowered = text.lower() + " "
    for candidate in INSTRUCTION_VERBS:
        if lowered.startswith(candidate):
            rest = text[len(candidate):].strip()
            return f"{verb} {rest}" if candidate.strip() in ("choose", "select", "upload", "enter") else _capital(text)
    return None


def _number_messages(field, subject, yours):
    low, high = getattr(field, "min_value", None), getattr(field, "max_value", None)
    one = _with("a", subject, yours)
    messages = {"invalid": f"Enter {_with('the', subject, yours)} as a number, for example 12"}
    if isinstance(field, forms.IntegerField):
        messages["invalid"] = f"Enter {_with('the', subject, yours)} as a whole number, for example 12"
    if _is_plural(subject):
        between, at_least, at_most = (f"Enter between {low} and {high} {subject}", f"Enter {low} or more {subject}",
                                      f"Enter {high} or fewer {subject}")
    else:
        between, at_least, at_most = (f"Enter {one} from {low} to {high}", f"Enter {one} of {low} or more",
                                      f"Enter {one} of {high} or less")
    if low is not None and high is not None:
        messages["min_value"] = messages["max_value"] = between
    elif low is not None:
        messages["min_value"] = at_least
    elif high is not None:
        messages["max_value"] = at_most
    messages["step_size"] = f"Enter {_with('a', subject, yours)} in the steps the field allows"
    messages["max_digits"] = messages["max_whole_digits"] = f"Enter a smaller number for {_with('the', subject, yours)}"
    messages["max_decimal_places"] = f"Enter {_with('the', subject, yours)} with fewer decimal places"
    return messages


def derived_messages(field, label, *, yours=False, record=None):
    """The error messages of `field`, written from its label and its kind."""
    subject = label_subject(label) or "answer"
    the, a = _with("the", subject, yours), _with("a", subject, yours)
    The, Subject = _capital(the), _capital(subject)
    question = str(label or "").strip().endswith("?")
    if question:
        # A label such as "Why is it cancelled?" cannot go inside a sentence.
        the, a, The, Subject = "your answer", "an answer", "Your answer", "Your answer"
    widget = field.widget
    messages = {}
    if isinstance(widget, forms.HiddenInput):
        gone = "Part of this form was missing: reload the page and try again"
        return dict.fromkeys(["required", "invalid", "invalid_choice", "invalid_list", "invalid_pk_value"], gone)
    if isinstance(field, DateTimeField):
        messages = {
            "required": f"Enter {the} date and time",
            "incomplete": f"{Subject} must include a %(parts)s",
            "invalid": f"{Subject} must be a real date",
            "year": f"{Subject} must have a year of 4 numbers, for example 2027",
            "invalid_time": f"Enter the time of {the} on the 24-hour clock, for example 14:00",
            "ambiguous_timezone": f"{Subject} falls when the clocks change: enter a time an hour earlier or later",
        }
    elif isinstance(field, DateField):
        messages = {
            "required": f"Enter {the}",
            "incomplete": f"{Subject} must include a %(parts)s",
            "invalid": f"{Subject} must be a real date",
            "year": f"{Subject} must have a year of 4 numbers, for example 2027",
        }
    elif isinstance(field, TimeField):
        messages = {
            "required": f"Enter {a}, for example 14:00",
            "invalid": f"Enter {a} on the 24-hour clock, for example 14:00",
        }
    elif isinstance(field, forms.FileField):
        upload = _instruction(label, "Upload") or f"Upload {a}"
        messages = {
            "required": upload, "missing": upload, "invalid": upload,
            "empty": f"The selected file is empty: {upload[:1].lower()}{upload[1:]} that has something in it",
            "max_length": "The file's name must be %(max)d characters or fewer: rename it and upload it again",
            "contradiction": f"Upload a new file or tick to remove {the}, not both",
            "invalid_image": f"{upload} as an image: a JPEG, PNG or WebP file",
        }
    elif isinstance(field, forms.BooleanField):
        messages = {"required": f"Select “{_capital(subject)}” to continue"}
    elif isinstance(field, (forms.MultipleChoiceField, forms.ModelMultipleChoiceField)):
        pick = _instruction(label, "Select") or (
            f"Select your answers to “{label}”" if question else f"Select {the}")
        messages = {
            "required": pick, "invalid_choice": f"{pick} from the list", "invalid_list": f"{pick} from the list",
            "invalid_pk_value": f"{pick} from the list",
        }
    elif isinstance(field, (forms.ChoiceField, forms.ModelChoiceField)):
        pick = _instruction(label, "Select") or (f"Select your answer to “{label}”" if question else f"Select {a}")
        messages = {"required": pick, "invalid_choice": f"{pick} from the list"}
    elif isinstance(field, (forms.IntegerField, forms.FloatField, forms.DecimalField)):
        messages = {"required": f"Enter your answer to “{label}”" if question else f"Enter {the}",
                    **_number_messages(field, "number" if question else subject, yours and not question)}
    else:
        required = _instruction(label, "Enter") or (f"Enter your answer to “{label}”" if question else f"Enter {the}")
        if subject.lower().startswith("confirm "):
            required = f"Enter {_with('the', subject[len('confirm '):], yours)} again"
        messages = {
            "required": required,
            "max_length": f"{The} must be %(limit_value)d characters or fewer",
            "min_length": f"{The} must be %(limit_value)d characters or more",
            "null_characters_not_allowed": f"Remove the null characters from {the}",
        }
        if isinstance(field, forms.EmailField):
            messages["invalid"] = f"Enter {the} in the correct format, like name@example.org"
        elif isinstance(field, forms.URLField):
            messages["invalid"] = f"Enter {the} as a full web address, like https://example.org"
        elif isinstance(field, forms.SlugField):
            messages["invalid"] = f"{The} can only have lower-case letters, numbers and hyphens"
        elif isinstance(field, forms.CharField):
            messages["invalid"] = f"Check {the}: it has a character that is not allowed"
        else:
            messages["invalid"] = f"Check {the} and enter it again"
    if record:
        messages["unique"] = f"Another {record} already has this {subject}: enter a different one"
    for code in PARAM_CODES & messages.keys():
        if code not in ("incomplete", "max_length", "min_length"):
            messages[code] = messages[code].replace("%", "%%")
    return messages


def _stock_messages(field_class):
    merged = {}
    for klass in reversed(field_class.__mro__):
        merged.update(getattr(klass, "default_error_messages", {}))
    return merged


def apply_derived_messages(field, label, *, yours=False, record=None):
    """Fill in the messages `field` was not given by hand; stock ones are replaced."""
    stock = _stock_messages(type(field))
    for code, message in derived_messages(field, label, yours=yours, record=record).items():
        current = field.error_messages.get(code)
        if current is None or str(current) == str(stock.get(code, "")):
            field.error_messages[code] = message


class ErrorMessagesMixin:
    """Messages that name what to fix, written from each field's label.

    Set `about_you = True` on a form where people give their own details, so
    the messages say "Enter your full name" rather than "Enter the full name";
    `says_optional = False` on a search filter, whose fields are all optional.
    Fields added or relabelled in `__init__` are covered too: messages are
    written just before validation.
    """

    about_you = False
    says_optional = True

    @cached_property
    def helper(self):
        """What `{% crispy form %}` draws with; a form with columns sets `self.helper.layout`."""
        return FormHelper()

    def full_clean(self):
        record = None
        meta = getattr(self, "_meta", None)
        if getattr(meta, "model", None) is not None:
            record = str(meta.model._meta.verbose_name)
        for name, field in self.fields.items():
            apply_derived_messages(field, field.label or pretty_name(name), yours=self.about_you, record=record)
        super().full_clean()


class Form(ErrorMessagesMixin, forms.Form):
    pass


class FilterForm(Form):
    """The form of a list's filters (django-filter's `Meta.form`): every field may be left empty."""

    says_optional = False


# A formset's own problems: rows of a page such as a module's learning outcomes.
FORMSET_MESSAGES = {
    "missing_management_form": "Part of this form was missing: reload the page and try again",
    "too_many_forms": "Give at most %(num)d: remove the rows you do not need",
    "too_few_forms": "Give at least %(num)d: fill in more rows",
}


class BaseFormSet(forms.BaseFormSet):
    default_error_messages = FORMSET_MESSAGES


class BaseInlineFormSet(forms.BaseInlineFormSet):
    default_error_messages = FORMSET_MESSAGES


def formfield_for(db_field, **kwargs):
    """A model's dates and times as the project's inputs, not the browser's pickers."""
    if isinstance(db_field, models.DateTimeField):
        kwargs.setdefault("form_class", DateTimeField)
    elif isinstance(db_field, models.DateField):
        kwargs.setdefault("form_class", DateField)
    elif isinstance(db_field, models.TimeField):
        kwargs.setdefault("form_class", TimeField)
    return db_field.formfield(**kwargs)


class ModelForm(ErrorMessagesMixin, forms.ModelForm):
    def __init_subclass__(cls, **kwargs):
        # Runs before Django builds the fields from Meta, so the callback applies.
        super().__init_subclass__(**kwargs)
        meta = cls.__dict__.get("Meta")
        if meta is not None and getattr(meta, "formfield_callback", None) is None:
            meta.formfield_callback = staticmethod(formfield_for)


# --- Dates and times -------------------------------------------------------------------------

MONTHS = {
    name: number
    for number, names in enumerate(
        [("january", "jan"), ("february", "feb"), ("march", "mar"), ("april", "apr"), ("may",), ("june", "jun"),
         ("july", "jul"), ("august", "aug"), ("september", "sep", "sept"), ("october", "oct"),
         ("november", "nov"), ("december", "dec")],
        start=1,
    )
    for name in names
}
TIME_PATTERN = re.compile(r"^(?P<hour>\d{1,2})(?:[:.h ]?(?P<minute>\d{2}))?\s*(?P<half>am|pm|a\.m\.|p\.m\.)?$")


def parse_time_text(text):
    """"14:00", "14.00", "9:30", "0930", "930", "2pm" -> a time; None if it is not one."""
    text = (text or "").strip().lower()
    match = TIME_PATTERN.match(text)
    if not match:
        return None
    hour, minute = int(match["hour"]), int(match["minute"] or 0)
    half = (match["half"] or "").replace(".", "")
    if not match["minute"] and not half and len(match["hour"]) < 2:
        return None  # "9" alone is too ambiguous to guess
    if half:
        if not 1 <= hour <= 12:
            return None
        hour = hour % 12 + (12 if half == "pm" else 0)
    if hour > 23 or minute > 59:
        return None
    return datetime.time(hour, minute)


class PartsWidget(forms.MultiWidget):
    """Text inputs for the parts of one answer, each labelled ("Day", "Month", "Year", "Time")."""

    template_name = "django/forms/widgets/parts.html"
    parts = ()

    def __init__(self, attrs=None, autocomplete=None):
        self.autocomplete = autocomplete
        widgets = {}
        for part, _label, _width in self.parts:
            sub = {"inputmode": "numeric", "spellcheck": "false"} if part != "time" else {"spellcheck": "false"}
            if autocomplete and part in ("day", "month", "year"):
                sub["autocomplete"] = f"{autocomplete}-{part}"
            elif part == "time" or not autocomplete:
                sub["autocomplete"] = "off"
            widgets[part] = forms.TextInput(attrs=sub)
        super().__init__(widgets, attrs)

    def use_required_attribute(self, initial):
        # The browser's own "Please fill in this field" would pre-empt our messages.
        return False

    def part_id(self, base_id, index):
        return f"{base_id}_{self.parts[index][0]}"

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        base_id = context["widget"]["attrs"].get("id")
        for index, sub in enumerate(context["widget"]["subwidgets"]):
            part, label, width = self.parts[index]
            sub["part"], sub["part_label"], sub["width"] = part, label, width
            if base_id:
                sub["attrs"]["id"] = self.part_id(base_id, index)
        return context

    def value_from_datadict(self, data, files, name):
        if name in data and not any(f"{name}_{part}" in data for part, _l, _w in self.parts):
            # A single ISO 8601 value ("2027-03-27", "2027-03-27T14:00") from a script or an older page.
            return data.get(name)
        return super().value_from_datadict(data, files, name)

    def value_omitted_from_data(self, data, files, name):
        return name not in data and super().value_omitted_from_data(data, files, name)


class DateInput(PartsWidget):
    parts = (("day", "Day", 2), ("month", "Month", 2), ("year", "Year", 4))

    def decompress(self, value):
        if isinstance(value, str):
            try:
                value = datetime.date.fromisoformat(value.strip()[:10])
            except ValueError:
                return [None, None, None]
        if isinstance(value, datetime.datetime):
            value = to_current_timezone(value).date()
        if isinstance(value, datetime.date):
            return [str(value.day), str(value.month), str(value.year)]
        return [None, None, None]


class DateTimeInput(PartsWidget):
    parts = (("day", "Day", 2), ("month", "Month", 2), ("year", "Year", 4), ("time", "Time", 5))

    def decompress(self, value):
        if isinstance(value, str):
            try:
                value = datetime.datetime.fromisoformat(value.strip())
            except ValueError:
                return [None, None, None, None]
        if isinstance(value, datetime.datetime):
            value = to_current_timezone(value)
            return [str(value.day), str(value.month), str(value.year), value.strftime("%H:%M")]
        return [None, None, None, None]


class TimeInput(forms.TextInput):
    """A time typed as text, shown on the 24-hour clock."""

    def __init__(self, attrs=None):
        super().__init__({"autocomplete": "off", "spellcheck": "false", "class": "input-time", **(attrs or {})})

    def format_value(self, value):
        if isinstance(value, datetime.time):
            return value.strftime("%H:%M")
        return super().format_value(value)


def _with_hint(help_text, hint):
    return f"{help_text} {hint}".strip() if help_text else hint


def _parse_date_parts(field, day, month, year, *, time_missing=False):
    """A date from the typed parts, or a ValidationError in the GOV.UK words."""
    day, month, year = ((part or "").strip() for part in (day, month, year))
    missing = [name for name, part in (("day", day), ("month", month), ("year", year)) if not part]
    if time_missing:
        missing.append("time")
    if missing:
        parts = " and ".join(missing) if len(missing) < 3 else f"{', '.join(missing[:-1])} and {missing[-1]}"
        raise ValidationError(field.error_messages["incomplete"], code="incomplete", params={"parts": parts})
    month_number = MONTHS.get(month.lower().rstrip("."), month)
    try:
        numbers = int(day), int(month_number), int(year)
    except ValueError:
        raise ValidationError(field.error_messages["invalid"], code="invalid") from None
    if len(year) != 4:
        raise ValidationError(field.error_messages["year"], code="year")
    try:
        return datetime.date(numbers[2], numbers[1], numbers[0])
    except ValueError:
        raise ValidationError(field.error_messages["invalid"], code="invalid") from None


class DateField(forms.Field):
    """A date typed as day, month and year (the GOV.UK date input).

    `autocomplete="bday"` marks a date of birth for the browser.
    """

    widget = DateInput
    default_error_messages = {
        "required": "Enter a date",
        "incomplete": "The date must include a %(parts)s",
        "invalid": "The date must be a real date",
        "year": "The year must have 4 numbers, for example 2027",
    }

    def __init__(self, *, autocomplete=None, help_text="", **kwargs):
        kwargs.setdefault("widget", DateInput(autocomplete=autocomplete))
        super().__init__(help_text=_with_hint(help_text, DATE_HINT), **kwargs)

    def to_python(self, value):
        if value in self.empty_values:
            return None
        if isinstance(value, datetime.datetime):
            return value.date()
        if isinstance(value, datetime.date):
            return value
        if isinstance(value, str):
            try:
                return datetime.date.fromisoformat(value.strip())
            except ValueError:
                raise ValidationError(self.error_messages["invalid"], code="invalid") from None
        day, month, year = [*value, None, None, None][:3]
        if not any((part or "").strip() for part in (day, month, year)):
            return None
        return _parse_date_parts(self, day, month, year)

    def has_changed(self, initial, data):
        try:
            return super().has_changed(initial, data)
        except TypeError:
            return True


class TimeField(forms.Field):
    """A time of day typed as text: "14:00", "14.00", "9:30" or "0930"."""

    widget = TimeInput
    default_error_messages = {
        "required": "Enter a time, for example 14:00",
        "invalid": "Enter a time on the 24-hour clock, for example 14:00",
    }

    def __init__(self, *, help_text="", **kwargs):
        super().__init__(help_text=_with_hint(help_text, TIME_HINT), **kwargs)

    def to_python(self, value):
        if value in self.empty_values:
            return None
        if isinstance(value, datetime.time):
            return value
        parsed = parse_time_text(str(value))
        if parsed is None:
            raise ValidationError(self.error_messages["invalid"], code="invalid")
        return parsed


class DateTimeField(forms.Field):
    """A moment typed as day, month, year and a 24-hour time, in the current time zone."""

    widget = DateTimeInput
    default_error_messages = {
        "required": "Enter a date and time",
        "incomplete": "The date and time must include a %(parts)s",
        "invalid": "The date must be a real date",
        "year": "The year must have 4 numbers, for example 2027",
        "invalid_time": "Enter the time on the 24-hour clock, for example 14:00",
        "ambiguous_timezone": "That time falls when the clocks change: enter a time an hour earlier or later",
    }

    def __init__(self, *, help_text="", **kwargs):
        super().__init__(help_text=_with_hint(help_text, DATETIME_HINT), **kwargs)

    def to_python(self, value):
        if value in self.empty_values:
            return None
        if isinstance(value, datetime.datetime):
            return from_current_timezone(value) if value.tzinfo is None else value
        if isinstance(value, str):
            try:
                return from_current_timezone(datetime.datetime.fromisoformat(value.strip()))
            except ValueError:
                raise ValidationError(self.error_messages["invalid"], code="invalid") from None
        day, month, year, time_text = [*value, None, None, None, None][:4]
        if not any((part or "").strip() for part in (day, month, year, time_text)):
            return None
        date = _parse_date_parts(self, day, month, year, time_missing=not (time_text or "").strip())
        time = parse_time_text(time_text)
        if time is None:
            raise ValidationError(self.error_messages["invalid_time"], code="invalid_time")
        try:
            return from_current_timezone(datetime.datetime.combine(date, time))
        except ValidationError:
            raise ValidationError(self.error_messages["ambiguous_timezone"], code="ambiguous_timezone") from None

    def has_changed(self, initial, data):
        try:
            return super().has_changed(initial, data)
        except TypeError:
            return True
