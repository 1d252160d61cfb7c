"""Forms drawn by django-crispy-forms keep the accessible pattern, in one markup, on every page."""

import re
from pathlib import Path

from crispy_forms.layout import Column, Field, Layout, Row
from django import forms
from django.conf import settings
from django.template import engines

from core.forms import Form

TEMPLATES_DIR = Path(settings.BASE_DIR) / "templates"


class ContactForm(Form):
    name = forms.CharField(help_text="As it should appear in print.")
    email = forms.EmailField(required=False)
    subscribe = forms.BooleanField(required=False, label="Send me the newsletter")
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


def render(source, **context):
    return engines["django"].from_string(source).render(context)


def squeeze(html):
    return re.sub(r"\s+", " ", re.sub(r">\s+<", "><", html)).strip()


def test_crispy_draws_a_form_as_django_does_with_the_summary_the_messages_and_the_hints():
    form = ContactForm(data={"email": "not an address"})
    form.is_valid()

    html = render("{% crispy form %}", form=form)

    assert squeeze(html) == squeeze(render("{{ form }}", form=form))
    assert '<div class="error-summary" role="alert" aria-labelledby="error-summary-title"' in html
    assert '<li><a href="#id_name">Enter the name</a></li>' in html
    assert ('<p class="field-error" id="id_name-error"><span class="visually-hidden">Error:</span> '
            "Enter the name</p>") in html
    assert 'aria-describedby="id_name-hint id_name-error"' in html
    assert '<div class="form-hint" id="id_name-hint">As it should appear in print.</div>' in html
    assert 'Email <span class="optional">(optional)</span>' in html
    assert "Name <span" not in html
    assert 'Send me the newsletter</label>' in html and "newsletter <span" not in html


def test_the_pages_form_element_holds_the_token_and_buttons_not_crispys():
    html = render("{% crispy form %}", form=ContactForm())

    assert "<form" not in html
    assert "csrfmiddlewaretoken" not in html
    assert "<button" not in html and 'type="submit"' not in html
    # The hidden field comes after the visible ones, as with {{ form }}.
    assert html.index('name="version"') > html.index('name="subscribe"')


def test_a_field_placed_by_the_page_is_drawn_with_the_same_template():
    form = ContactForm(data={})
    form.is_valid()

    html = render("{{ form.name|as_crispy_field }}", form=form)

    assert squeeze(html) == squeeze(form["name"].as_field_group())
    assert "error-summary" not in html


def test_a_layout_puts_fields_in_columns_and_a_wrapper_class_on_the_group():
    form = ContactForm()
    form.helper.layout = Layout(
        Row(Column("name", css_class="col-md-6"), Column("email", css_class="col-md-6")),
        Field("subscribe", wrapper_class="choice-columns"),
        "version",
    )

    html = squeeze(render("{% crispy form %}", form=form))

    assert re.search(r'<div class="row *" *><div class="col-md-6" *><div class="form-group"><label class="form-label" '
                     r'for="id_name">Name</label>.*</div></div><div class="col-md-6" *><div class="form-group">'
                     r'<label class="form-label" for="id_email">', html)
    assert '<div class="form-group choice-columns"><div class="form-check">' in html


def test_every_page_draws_its_forms_through_crispy():
    """No template renders a whole form or a field group by Django's own means, or includes the field markup."""
    stray = re.compile(r"\{\{ *\w*form *\}\}|\.as_field_group|components/forms/field\.html|\|crispy *\}\}")
    found = [
        f"{path.relative_to(TEMPLATES_DIR)}: {match.group(0)}"
        for path in TEMPLATES_DIR.rglob("*.html")
        for match in stray.finditer(path.read_text())
    ]

    assert found == []
