from django import forms
from django.contrib.auth import password_validation
from django.contrib.auth.forms import AuthenticationForm

from .managers import normalise_email
from .models import User

EMAIL_TAKEN_MESSAGE = (
    "An account with this email address already exists. Log in, or reset "
    "your password if you have forgotten it."
)


class SignupForm(forms.Form):
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
        help_text="At least 10 characters. Not a common password, not only numbers.",
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    password2 = forms.CharField(
        label="Confirm password",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def clean_email(self):
        email = normalise_email(self.cleaned_data["email"])
        if User.objects.email_taken(email):
            raise forms.ValidationError(EMAIL_TAKEN_MESSAGE, code="email_taken")
        return email

    def clean(self):
        cleaned = super().clean()
        password1, password2 = cleaned.get("password1"), cleaned.get("password2")
        if password1 and password2 and password1 != password2:
            self.add_error("password2", "The two passwords do not match.")
        elif password1:
            candidate = User(email=cleaned.get("email", ""), full_name=cleaned.get("full_name", ""))
            try:
                password_validation.validate_password(password1, candidate)
            except forms.ValidationError as error:
                self.add_error("password1", error)
        return cleaned


class LoginForm(AuthenticationForm):
    """Log in by email. An account that has not confirmed its address is told so."""

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


class ResendVerificationForm(forms.Form):
    email = forms.EmailField(
        label="Email address", widget=forms.EmailInput(attrs={"autocomplete": "email"})
    )


class ProfileForm(forms.ModelForm):
    class Meta:
        model = User
        fields = ["full_name", "preferred_name"]
        labels = {"full_name": "Full name", "preferred_name": "Preferred name (optional)"}


