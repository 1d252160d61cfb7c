from django import forms
from django.core.validators import validate_email

from core.forms import Form, ModelForm

from .models import EmailTemplate, OutboundEmail
from .registry import all_purposes
from .rendering import check_placeholders


class OutboxFilterForm(Form):
    """The list's filters; they live in the URL so a view can be bookmarked."""

    says_optional = False

    STATE_CHOICES = [("", "Any state"), *OutboundEmail.State.choices]

    q = forms.CharField(label="Search", required=False, help_text="Subject, address or Message-ID")
    state = forms.ChoiceField(label="State", choices=STATE_CHOICES, required=False)
    purpose = forms.ChoiceField(label="Purpose", required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["purpose"].choices = [("", "Any purpose"), ("system", "System mail")] + [
            (p.key, p.label) for p in all_purposes()
        ]


def _unknown_placeholder_message(unknown, purpose):
    names = ", ".join("{" + name + "}" for name in unknown)
    allowed = ", ".join("{" + name + "}" for name in purpose.all_placeholders)
    return f"{names} is not a placeholder this email can use. Use one of: {allowed}"


class EmailTemplateForm(ModelForm):
    class Meta:
        model = EmailTemplate
        fields = ["subject", "body", "send_html"]
        labels = {"subject": "Subject", "body": "Text"}
        help_texts = {
            "subject": "Say what the email is about. "
            "Emails that ask for action start with “Action needed:” automatically.",
            "body": "Plain text. Put placeholders in braces, e.g. {name}; write {{ and }} for a literal brace. "
            "**bold**, [a link](https://…) and lists are formatted in the HTML version.",
        }
        widgets = {"body": forms.Textarea(attrs={"rows": 16, "spellcheck": "true"})}

    def __init__(self, *args, purpose, **kwargs):
        self.purpose = purpose
        super().__init__(*args, **kwargs)

    def _check(self, field):
        text = self.cleaned_data.get(field, "")
        unknown = check_placeholders(text, self.purpose)
        if unknown:
            raise forms.ValidationError(_unknown_placeholder_message(unknown, self.purpose))
        return text

    def clean_subject(self):
        return self._check("subject")

    def clean_body(self):
        return self._check("body").replace("\r\n", "\n")


class OutboundEmailEditForm(Form):
    to = forms.CharField(
        label="To",
        error_messages={"required": "Enter at least one email address to send it to"},
        help_text="Email addresses, separated by commas.",
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    subject = forms.CharField(label="Subject", max_length=255)
    body_text = forms.CharField(
        label="Text",
        strip=False,
        help_text="Saving a changed text sends the email as plain text only.",
        widget=forms.Textarea(attrs={"rows": 16}),
    )

    def clean_body_text(self):
        # Browsers send CRLF; the stored text (and the comparison with it) uses LF.
        return self.cleaned_data["body_text"].replace("\r\n", "\n")

    def clean_to(self):
        addresses = [part.strip() for part in self.cleaned_data["to"].split(",") if part.strip()]
        if not addresses:
            raise forms.ValidationError("Enter at least one email address")
        for address in addresses:
            try:
                validate_email(address)
            except forms.ValidationError as error:
                raise forms.ValidationError(f"“{address}” is not an email address") from error
        return addresses
