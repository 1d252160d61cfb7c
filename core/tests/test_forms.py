import datetime
from zoneinfo import ZoneInfo

import pytest
from django import forms
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from core.forms import (
    DateField,
    DateTimeField,
    Form,
    ModelForm,
    TimeField,
    derived_messages,
    parse_time_text,
)

LONDON = ZoneInfo("Europe/London")


class ChoicesForm(Form):
    mode = forms.ChoiceField(choices=[("ft", "Full-time"), ("pt", "Part-time")], widget=forms.RadioSelect,
                             help_text="How you will study.")
    topics = forms.MultipleChoiceField(choices=[("a", "Alpha"), ("b", "Beta")],
                                       widget=forms.CheckboxSelectMultiple, required=False)
    agree = forms.BooleanField(label="I agree")
    name = forms.CharField()


def test_radio_and_checkbox_groups_style_each_option_not_the_wrapper():
    html = str(ChoicesForm())
    assert '<div id="id_mode" class="choice-list">' in html
    assert '<input type="radio" name="mode" value="ft" class="form-check-input" required id="id_mode_0">' in html
    assert '<label class="form-check-label" for="id_mode_0">Full-time</label>' in html
    assert '<input type="checkbox" name="topics" value="b" class="form-check-input" id="id_topics_1">' in html
    assert '<legend class="form-label">Mode</legend>' in html
    assert 'aria-describedby="id_mode-hint"' in html  # on the fieldset


def test_errors_are_tied_to_their_field_and_summarised():
    form = ChoicesForm(data={"mode": "xx"})
    html = str(form)
    assert '<div class="error-summary" role="alert"' in html
    assert '<li><a href="#id_name">Enter the name</a></li>' in html
    assert 'aria-invalid="true" aria-describedby="id_name-error" class="form-control is-invalid"' in html
    assert '<p class="field-error" id="id_name-error"><span class="visually-hidden">Error:</span> ' in html
    assert 'class="form-check-input is-invalid" id="id_agree"' in html


def test_a_widgets_own_class_is_kept_beside_the_renderers():
    class NarrowForm(Form):
        places = forms.IntegerField(widget=forms.NumberInput(attrs={"class": "input-narrow"}))

    assert 'class="input-narrow form-control"' in str(NarrowForm()["places"])


# --- Messages written from the label ------------------------------------------------------


class StaffForm(Form):
    term = forms.ChoiceField(choices=[("", "Choose"), ("a", "Autumn")], label="Term")
    capacity = forms.IntegerField(min_value=1, label="Capacity")
    weight = forms.IntegerField(min_value=1, max_value=100, label="Weight (%)")
    places = forms.IntegerField(min_value=1, label="Places")
    email = forms.EmailField(label="Email address")
    link = forms.URLField(label="Online link", required=False, assume_scheme="https")
    file = forms.FileField(label="CSV file")
    summary = forms.CharField(label="Summary", max_length=5)
    reason = forms.CharField(label="Why is it cancelled?")
    topics = forms.MultipleChoiceField(choices=[("a", "Alpha")], label="Themes")
    note = forms.CharField(label="Note", error_messages={"required": "Write the note for the lecturer"})


def errors_of(form):
    form.is_valid()
    return {name: list(messages) for name, messages in form.errors.items()}


def test_required_messages_say_what_to_do_with_the_field():
    errors = errors_of(StaffForm(data={}))
    assert errors == {
        "term": ["Select a term"],
        "capacity": ["Enter the capacity"],
        "weight": ["Enter the weight"],
        "places": ["Enter the places"],
        "email": ["Enter the email address"],
        "file": ["Upload a CSV file"],
        "summary": ["Enter the summary"],
        "reason": ["Enter your answer to “Why is it cancelled?”"],
        "topics": ["Select the themes"],
        "note": ["Write the note for the lecturer"],
    }


def test_format_and_range_messages_name_the_field_and_the_limits():
    errors = errors_of(StaffForm(data={
        "term": "zz", "capacity": "0", "weight": "101", "places": "0", "email": "not-an-address",
        "link": "nowhere", "summary": "far too long", "reason": "x", "topics": ["zz"], "note": "x",
    }))
    assert errors["term"] == ["Select a term from the list"]
    assert errors["capacity"] == ["Enter a capacity of 1 or more"]
    assert errors["weight"] == ["Enter a weight from 1 to 100"]
    assert errors["places"] == ["Enter 1 or more places"]
    assert errors["email"] == ["Enter the email address in the correct format, like name@example.org"]
    assert errors["link"] == ["Enter the online link as a full web address, like https://example.org"]
    assert errors["summary"] == ["The summary must be 5 characters or fewer"]
    assert errors["topics"] == ["Select the themes from the list"]
    assert errors_of(StaffForm(data={"capacity": "two"}))["capacity"] == [
        "Enter the capacity as a whole number, for example 12"]


def test_a_form_about_the_person_filling_it_says_your():
    class SignupLike(Form):
        about_you = True
        full_name = forms.CharField(label="Full name")
        password2 = forms.CharField(label="Confirm password")
        links = forms.CharField(label="Links to your public code")

    assert errors_of(SignupLike(data={})) == {
        "full_name": ["Enter your full name"],
        "password2": ["Enter your password again"],
        "links": ["Enter links to your public code"],
    }


def test_a_model_forms_fields_get_the_same_messages_and_unique_names_the_record(db):
    from curriculum.models import Module
    from curriculum.tests.factories import ModuleFactory

    class CodeForm(ModelForm):
        class Meta:
            model = Module
            fields = ["code"]

    assert errors_of(CodeForm(data={})) == {"code": ["Enter the code"]}
    ModuleFactory(code="MPT7001")
    assert errors_of(CodeForm(data={"code": "MPT7001"})) == {
        "code": ["Another module already has this code: enter a different one"]}


def test_derived_messages_keep_a_literal_percent_in_formatted_messages():
    field = forms.IntegerField(min_value=1, label="Share in %")
    assert derived_messages(field, field.label)["min_value"] == "Enter a share in %% of 1 or more"
    assert derived_messages(field, field.label)["required"] == "Enter the share in %"


def test_a_formset_says_how_many_rows_it_takes():
    from django.forms import formset_factory

    from core.forms import BaseFormSet

    class Row(Form):
        text = forms.CharField(label="Learning outcome")

    rows = formset_factory(Row, formset=BaseFormSet, max_num=2, validate_max=True)
    data = {"form-TOTAL_FORMS": "3", "form-INITIAL_FORMS": "0",
            **{f"form-{i}-text": f"Outcome {i}" for i in range(3)}}
    formset = rows(data=data)
    assert not formset.is_valid()
    assert formset.non_form_errors() == ["Give at most 2: remove the rows you do not need"]
    assert rows(data={}).non_form_errors() == ["Part of this form was missing: reload the page and try again"]


# --- "(optional)" ------------------------------------------------------------------------------


def test_optional_is_marked_by_the_renderer_on_optional_fields_only():
    class Mixed(Form):
        name = forms.CharField(label="Name")
        nickname = forms.CharField(label="Nickname", required=False)
        when = DateField(label="Start date", required=False)
        published = forms.BooleanField(label="Show it", required=False)

    html = str(Mixed())
    assert '<label class="form-label" for="id_name">Name</label>' in html
    assert 'for="id_nickname">Nickname <span class="optional">(optional)</span></label>' in html
    assert '<legend class="form-label">Start date <span class="optional">(optional)</span></legend>' in html
    assert '<label class="form-check-label" for="id_published">Show it</label>' in html


def test_a_search_filter_does_not_mark_each_field_optional():
    class Filter(Form):
        says_optional = False
        q = forms.CharField(label="Search", required=False)

    assert "(optional)" not in str(Filter())


# --- Times ------------------------------------------------------------------------------------


@pytest.mark.parametrize(("typed", "expected"), [
    ("14:00", datetime.time(14, 0)), ("14.00", datetime.time(14, 0)), ("9:30", datetime.time(9, 30)),
    ("0930", datetime.time(9, 30)), ("930", datetime.time(9, 30)), (" 09:05 ", datetime.time(9, 5)),
    ("14", datetime.time(14, 0)), ("2pm", datetime.time(14, 0)), ("2:30 pm", datetime.time(14, 30)),
    ("12am", datetime.time(0, 0)), ("12 p.m.", datetime.time(12, 0)), ("23:59", datetime.time(23, 59)),
    ("00:00", datetime.time(0, 0)),
])
def test_a_time_is_read_as_people_type_it(typed, expected):
    assert parse_time_text(typed) == expected


@pytest.mark.parametrize("typed", ["24:00", "12:60", "9", "13pm", "noon", "14:0", "1:2:3", "", "14:00:00x"])
def test_what_is_not_a_time_is_refused(typed):
    assert parse_time_text(typed) is None


class WhenForm(Form):
    start_date = DateField(label="Start date")
    start_time = TimeField(label="Start time")
    until = DateField(label="End date", required=False)


def test_a_time_field_gives_the_24_hour_hint_and_the_gov_uk_messages():
    form = WhenForm(data={"start_date_day": "27", "start_date_month": "3", "start_date_year": "2027"})
    assert errors_of(form) == {"start_time": ["Enter a start time, for example 14:00"]}
    form = WhenForm(data={"start_date_day": "27", "start_date_month": "3", "start_date_year": "2027",
                          "start_time": "25:00"})
    assert errors_of(form) == {"start_time": ["Enter a start time on the 24-hour clock, for example 14:00"]}
    assert form.fields["start_time"].help_text == "Use the 24-hour clock, for example 14:00"
    html = str(WhenForm(initial={"start_time": datetime.time(9, 5)})["start_time"])
    assert 'type="text" name="start_time" value="09:05" autocomplete="off" spellcheck="false"' in html
    assert 'class="input-time form-control"' in html


# --- Dates ------------------------------------------------------------------------------------


def when(day="", month="", year="", time="14:00"):
    return {"start_date_day": day, "start_date_month": month, "start_date_year": year, "start_time": time}


def test_a_date_is_read_from_its_three_parts():
    form = WhenForm(data=when("27", "3", "2027", "9.30"))
    assert form.is_valid(), form.errors
    assert form.cleaned_data == {"start_date": datetime.date(2027, 3, 27), "start_time": datetime.time(9, 30),
                                 "until": None}


@pytest.mark.parametrize("month", ["March", "mar", "MAR.", "03"])
def test_a_month_may_be_typed_as_its_name(month):
    form = WhenForm(data=when("27", month, "2027"))
    assert form.is_valid(), form.errors
    assert form.cleaned_data["start_date"] == datetime.date(2027, 3, 27)


@pytest.mark.parametrize(("parts", "message"), [
    (("", "", ""), "Enter the start date"),
    (("27", "", "2027"), "Start date must include a month"),
    (("", "3", "2027"), "Start date must include a day"),
    (("27", "3", ""), "Start date must include a year"),
    (("", "", "2027"), "Start date must include a day and month"),
    (("31", "2", "2027"), "Start date must be a real date"),
    (("27", "13", "2027"), "Start date must be a real date"),
    (("x", "3", "2027"), "Start date must be a real date"),
    (("27", "3", "27"), "Start date must have a year of 4 numbers, for example 2027"),
])
def test_each_date_mistake_has_its_own_message(parts, message):
    assert errors_of(WhenForm(data=when(*parts))) == {"start_date": [message]}


def test_an_optional_date_left_empty_is_none_and_a_part_of_it_is_an_error():
    assert WhenForm(data=when("27", "3", "2027")).is_valid()
    data = {**when("27", "3", "2027"), "until_month": "4"}
    assert errors_of(WhenForm(data=data)) == {"until": ["End date must include a day and year"]}


def test_a_single_iso_value_is_accepted_too():
    form = WhenForm(data={"start_date": "2027-03-27", "start_time": "14:00"})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["start_date"] == datetime.date(2027, 3, 27)


def test_the_date_renders_as_a_labelled_group_of_three_numeric_inputs():
    html = str(WhenForm(initial={"start_date": datetime.date(2027, 3, 7)})["start_date"].as_field_group())
    assert '<legend class="form-label">Start date</legend>' in html
    assert '<fieldset aria-describedby="id_start_date-hint">' in html
    assert '<div class="form-hint" id="id_start_date-hint">For example, 27 3 2027</div>' in html
    assert '<label class="form-label" for="id_start_date_day">Day</label>' in html
    assert ('<input type="text" name="start_date_day" value="7" inputmode="numeric" spellcheck="false" '
            'autocomplete="off" class="form-control" id="id_start_date_day">') in html
    assert 'name="start_date_month" value="3"' in html
    assert 'name="start_date_year" value="2027"' in html
    assert "required" not in html  # the browser's own bubble would pre-empt our message
    assert 'type="date"' not in html


def test_a_date_error_is_summarised_with_a_link_to_the_day_and_keeps_what_was_typed():
    html = str(WhenForm(data=when("31", "2", "2027")))
    assert '<li><a href="#id_start_date_day">Start date must be a real date</a></li>' in html
    assert '<fieldset aria-describedby="id_start_date-hint id_start_date-error">' in html
    assert 'name="start_date_day" value="31"' in html
    assert 'aria-invalid="true" class="form-control is-invalid" id="id_start_date_month"' in html


def test_a_date_of_birth_tells_the_browser_so():
    class Birth(Form):
        born = DateField(label="Date of birth", autocomplete="bday")

    html = str(Birth()["born"])
    assert 'autocomplete="bday-day"' in html and 'autocomplete="bday-year"' in html


# --- A date with a time -----------------------------------------------------------------------


class OpensForm(Form):
    opens_at = DateTimeField(label="Deadline")


def opens(day="28", month="3", year="2027", time="17:00"):
    return {"opens_at_day": day, "opens_at_month": month, "opens_at_year": year, "opens_at_time": time}


def test_a_date_and_time_is_a_moment_in_the_current_time_zone():
    with timezone.override(LONDON):
        form = OpensForm(data=opens(time="17.30"))
        assert form.is_valid(), form.errors
    assert form.cleaned_data["opens_at"] == datetime.datetime(2027, 3, 28, 17, 30, tzinfo=LONDON)


@pytest.mark.parametrize(("data", "message"), [
    (opens("", "", "", ""), "Enter the deadline date and time"),
    (opens(time=""), "Deadline must include a time"),
    (opens(month="", time=""), "Deadline must include a month and time"),
    (opens(time="25:00"), "Enter the time of the deadline on the 24-hour clock, for example 14:00"),
    (opens(day="30", month="2"), "Deadline must be a real date"),
    (opens(time="01:30"), "Deadline falls when the clocks change: enter a time an hour earlier or later"),
])
def test_each_date_and_time_mistake_has_its_own_message(data, message):
    with timezone.override(LONDON):
        assert errors_of(OpensForm(data=data)) == {"opens_at": [message]}


def test_a_stored_moment_is_shown_in_the_current_time_zone():
    moment = datetime.datetime(2027, 7, 1, 16, 0, tzinfo=datetime.UTC)
    with timezone.override(LONDON):
        html = str(OpensForm(initial={"opens_at": moment})["opens_at"])
    assert 'name="opens_at_day" value="1"' in html
    assert 'name="opens_at_month" value="7"' in html
    assert 'name="opens_at_time" value="17:00"' in html
    assert '<label class="form-label" for="id_opens_at_time">Time</label>' in html


def test_model_forms_get_the_project_date_and_time_fields(db):
    from admissions.forms import ReviewSetupForm, SlotForm

    assert type(SlotForm().fields["starts_at"]) is DateTimeField
    assert type(ReviewSetupForm().fields["due_on"]) is DateField


# --- The CSRF failure page ---------------------------------------------------------------------


def test_a_form_sent_without_its_token_gets_our_page_in_plain_words(db):
    client = Client(enforce_csrf_checks=True)
    response = client.post(reverse("accounts:login"), {"username": "a@example.org", "password": "x"},
                           HTTP_REFERER="http://testserver/accounts/login/")
    page = response.content.decode()
    assert response.status_code == 403
    assert "<h1>This form was open too long</h1>" in page
    assert "Go back, reload the page and try again." in page
    assert '<a href="http://testserver/accounts/login/">Go back to the form</a>' in page
    assert "CSRF" not in page
    assert '<link rel="stylesheet"' in page  # our layout, not Django's bare page


def test_the_csrf_page_links_home_when_the_form_was_on_another_site(db):
    client = Client(enforce_csrf_checks=True)
    response = client.post(reverse("accounts:login"), {}, HTTP_REFERER="https://elsewhere.example/form")
    page = response.content.decode()
    assert response.status_code == 403
    assert "elsewhere.example" not in page
    assert f'<a href="{reverse("home")}">Go to the home page</a>' in page
