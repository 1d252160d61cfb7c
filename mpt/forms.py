"""Accessible form rendering for every form on the site.

Labels sit above fields and hints under labels; each error is tied to its field
with aria-describedby and aria-invalid, and a summary at the top of the form
links to every field in error (the GOV.UK pattern). Django 5.2 lets the
renderer choose the BoundField class, so no form has to opt in.
"""

from django import forms
from django.forms.boundfield import BoundField
from django.forms.renderers import TemplatesSetting

CHECK_WIDGETS = (forms.CheckboxInput, forms.RadioSelect, forms.CheckboxSelectMultiple)


class AccessibleBoundField(BoundField):
    @property
    def hint_id(self):
        return f"{self.auto_id}-hint"

    @property
    def error_id(self):
        return f"{self.auto_id}-error"

    def build_widget_attrs(self, attrs, widget=None):
        attrs = super().build_widget_attrs(attrs, widget)
        widget = widget or self.field.widget
        described_by = []
        if self.help_text:
            described_by.append(self.hint_id)
        if self.errors:
            described_by.append(self.error_id)
            attrs["aria-invalid"] = "true"
        if described_by and not isinstance(widget, (forms.RadioSelect, forms.CheckboxSelectMultiple)):
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
        existing = attrs.get("class", "")
        attrs["class"] = f"{existing} {css}".strip()
        return attrs


class FormRenderer(TemplatesSetting):
    form_template_name = "components/forms/form.html"
    field_template_name = "components/forms/field.html"
    bound_field_class = AccessibleBoundField
