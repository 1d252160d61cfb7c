from django import forms
from django.contrib.auth import forms as auth_forms
from django.contrib.auth import password_validation
from django.contrib.auth.forms import AuthenticationForm

from core.forms import ErrorMessagesMixin, Form, ModelForm

from .managers import normalise_email
from .models import User
from .roles import Role
from .services.people import INVITABLE_ROLES

RULES_HINT = "At least 10 characters. Not a common password, not only numbers."
MISMATCH_MESSAGE = "The two passwords do not match."


def password_errors(form, *, field, password, user):
    """Every password rule the password breaks, all at once, beside `field`."""
    try:
        password_validation.validate_password(password, user)
    except forms.ValidationError as error:
        form.add_error(field, error)


class SignupForm(Form):
    about_you = True

    full_name = forms.CharField(
        label="Full name", max_length=200, widget=forms.TextInput(attrs={"autocomplete": "name"})
    )
    email = forms.EmailField(
        label="Email address",
        help_text="We will send a link to this address to confirm it is yours.",
        widget=forms.EmailInput(attrs={"autocomplete": "email", "spellcheck": "false"}),
    )
    password1 = forms.CharField(
        label="Password",
        strip=False,
        help_text=RULES_HINT,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    password2 = forms.CharField(
        label="Confirm password",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def clean_email(self):
        # Whether the address has an account is not the form's business: the
        # answer must be the same either way (services.user_signup).
        return normalise_email(self.cleaned_data["email"])

    def clean(self):
        cleaned = super().clean()
        password1, password2 = cleaned.get("password1"), cleaned.get("password2")
        if password1:
            candidate = User(email=cleaned.get("email", ""), full_name=cleaned.get("full_name", ""))
            password_errors(self, field="password1", password=password1, user=candidate)
        if password1 and password2 and password1 != password2:
            self.add_error("password2", MISMATCH_MESSAGE)
        return cleaned


class LoginForm(ErrorMessagesMixin, AuthenticationForm):
    """Log in by email. An account that has not confirmed its address is told so."""

    about_you = True

    username = forms.EmailField(
        label="Email address",
        widget=forms.EmailInput(attrs={"autofocus": True, "autocomplete": "email"}),
    )

    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": "The email address or password is not right. Check both and try again.",
        "unverified": "You have not confirmed your email address yet. Open the link we sent "
        "you, or ask for a new one below.",
    }

    def clean(self):
        email = self.cleaned_data.get("username")
        if email:
            self.cleaned_data["username"] = normalise_email(email)
        try:
            return super().clean()
        except forms.ValidationError:
            if self._is_unverified_with_right_password():
                raise forms.ValidationError(
                    self.error_messages["unverified"], code="unverified"
                ) from None
            raise

    def _is_unverified_with_right_password(self):
        # Only someone who knows the password learns that the account exists.
        email, password = self.cleaned_data.get("username"), self.cleaned_data.get("password")
        user = User.objects.filter(email=email, email_verified_at__isnull=True).first()
        return user is not None and not user.is_active and user.check_password(password or "")


class ResendVerificationForm(Form):
    about_you = True

    email = forms.EmailField(
        label="Email address", widget=forms.EmailInput(attrs={"autocomplete": "email"})
    )


class ProfileForm(ModelForm):
    about_you = True

    class Meta:
        model = User
        fields = ["full_name", "preferred_name"]
        labels = {"full_name": "Full name", "preferred_name": "Preferred name"}


class PasswordResetForm(ErrorMessagesMixin, auth_forms.PasswordResetForm):
    """Django's form asking where to send a reset link, with messages that say what to fix."""

    about_you = True


class NewPasswordFieldsMixin:
    """Django's set-password forms, with every rule the new password breaks
    shown beside the new password itself, all at once, and a mismatch beside
    the confirmation (Django puts both on the confirmation)."""

    about_you = True

    def _relabel(self):
        self.fields["new_password1"].label = "New password"
        self.fields["new_password1"].help_text = RULES_HINT
        self.fields["new_password2"].label = "Confirm new password"
        self.fields["new_password2"].help_text = ""

    def clean(self):
        password1 = self.cleaned_data.get("new_password1")
        password2 = self.cleaned_data.get("new_password2")
        if password1:
            password_errors(self, field="new_password1", password=password1, user=self.user)
        if password1 and password2 and password1 != password2:
            self.add_error("new_password2", MISMATCH_MESSAGE)
        return self.cleaned_data


class SetPasswordForm(NewPasswordFieldsMixin, ErrorMessagesMixin, auth_forms.SetPasswordForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._relabel()


class PasswordChangeForm(NewPasswordFieldsMixin, ErrorMessagesMixin, auth_forms.PasswordChangeForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._relabel()
        self.fields["old_password"].label = "Current password"


# --- People and roles (the staff area) -------------------------------------------------------


def _role_choices(roles):
    return [(str(role), role.label) for role in roles]


class PersonFilterForm(Form):
    """The people list's filters, kept in the URL."""

    says_optional = False

    q = forms.CharField(label="Name or email address", required=False, max_length=200)
    role = forms.ChoiceField(
        label="Role", required=False,
        choices=[("", "Any role"), *_role_choices(Role), ("manage_people", "May manage people")],
    )
    status = forms.ChoiceField(
        label="Account", required=False,
        choices=[("", "Any"), ("active", "Active"), ("inactive", "Deactivated"), ("unconfirmed", "Not yet confirmed")],
    )
    sort = forms.ChoiceField(
        label="Sort by", required=False,
        choices=[("name", "Name, A to Z"), ("-name", "Name, Z to A"), ("email", "Email address"),
                 ("-joined", "Newest first"), ("joined", "Oldest first")],
    )


class InviteForm(Form):
    full_name = forms.CharField(label="Full name", max_length=200)
    email = forms.EmailField(
        label="Email address", help_text="We send the invitation link to this address.",
        widget=forms.EmailInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    roles = forms.MultipleChoiceField(
        label="Roles", choices=_role_choices(INVITABLE_ROLES), widget=forms.CheckboxSelectMultiple,
        help_text="What they can do when they arrive. You can change it later.",
        error_messages={"required": "Choose at least one role"},
    )
    give_to_existing = forms.BooleanField(required=False, widget=forms.HiddenInput)

    def clean_email(self):
        return normalise_email(self.cleaned_data["email"])


class AccessForm(Form):
    """A person's roles and whether they may manage people. `version` is the stamp of
    their last change when the form was filled in, so a save on a stale copy is refused."""

    # No role at all is an answer too; "(optional)" would only puzzle.
    says_optional = False

    roles = forms.MultipleChoiceField(
        label="Roles", required=False, choices=_role_choices(Role), widget=forms.CheckboxSelectMultiple,
    )
    manage_people = forms.BooleanField(
        label="May manage people", required=False,
        help_text="Invite colleagues, change anyone's roles and deactivate accounts. "
                  "Admissions admins may already, through their role.",
    )
    version = forms.CharField(widget=forms.HiddenInput, required=False)
    confirmed = forms.BooleanField(required=False, widget=forms.HiddenInput)


class ReasonForm(Form):
    note = forms.CharField(
        label="Reason", required=False, max_length=200,
        help_text="A few words for the person's history, for example: left the university.",
    )


class InvitationAcceptForm(Form):
    about_you = True

    full_name = forms.CharField(
        label="Full name", max_length=200, widget=forms.TextInput(attrs={"autocomplete": "name"})
    )
    password1 = forms.CharField(
        label="Password", strip=False, help_text=RULES_HINT,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    password2 = forms.CharField(
        label="Confirm password", strip=False, widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def __init__(self, *args, invitation=None, **kwargs):
        super().__init__(*args, **kwargs)
        # The password must not resemble the invited address.
        self.email = invitation.email if invitation is not None else ""

    def clean(self):
        cleaned = super().clean()
        password1, password2 = cleaned.get("password1"), cleaned.get("password2")
        if password1:
            candidate = User(email=self.email, full_name=cleaned.get("full_name", ""))
            password_errors(self, field="password1", password=password1, user=candidate)
        if password1 and password2 and password1 != password2:
            self.add_error("password2", MISMATCH_MESSAGE)
        return cleaned
