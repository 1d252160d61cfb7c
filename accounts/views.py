from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.views.decorators.http import require_http_methods, require_safe

from . import services
from .forms import EMAIL_TAKEN_MESSAGE, LoginForm, ProfileForm, ResendVerificationForm, SignupForm


@require_http_methods(["GET", "POST"])
def signup(request):
    if request.user.is_authenticated:
        return redirect("accounts:profile")
    form = SignupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user = services.user_signup(
                email=form.cleaned_data["email"],
                full_name=form.cleaned_data["full_name"],
                password=form.cleaned_data["password1"],
            )
        except services.EmailTaken:
            form.add_error("email", EMAIL_TAKEN_MESSAGE)
        else:
            request.session["signup_email"] = user.email
            return redirect("accounts:signup-done")
    return render(request, "accounts/signup.html", {"form": form})


@require_safe
def signup_done(request):
    return render(
        request,
        "accounts/signup_done.html",
        {
            "email": request.session.get("signup_email"),
            "valid_hours": settings.ACCOUNT_VERIFICATION_MAX_AGE // 3600,
            "resend_form": ResendVerificationForm(),
        },
    )


@require_safe
def verify_email(request, token):
    try:
        user = services.user_verify_email(token=token)
    except services.VerificationLinkInvalid as error:
        return render(
            request,
            "accounts/verify_failed.html",
            {"reason": error.reason, "resend_form": ResendVerificationForm()},
            status=400,
        )
    messages.success(request, f"Thank you: {user.email} is confirmed. You can now log in.")
    return redirect("accounts:login")


@require_http_methods(["GET", "POST"])
def resend_verification(request):
    form = ResendVerificationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.resend_verification(email=form.cleaned_data["email"])
        request.session["signup_email"] = form.cleaned_data["email"].lower()
        messages.info(
            request,
            "If that address belongs to an account waiting for confirmation, "
            "we have sent it a new link.",
        )
        return redirect("accounts:signup-done")
    return render(request, "accounts/resend_verification.html", {"form": form})


class LoginView(auth_views.LoginView):
    form_class = LoginForm
    template_name = "accounts/login.html"
    redirect_authenticated_user = True

    def get_default_redirect_url(self):
        # Without a ?next=, people land on their own work, not on their profile.
        from mpt.context_processors import landing_url

        return landing_url(self.request.user) or super().get_default_redirect_url()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["resend_form"] = ResendVerificationForm()
        return context


class LogoutView(auth_views.LogoutView):
    def post(self, request, *args, **kwargs):
        response = super().post(request, *args, **kwargs)
        messages.info(request, "You have logged out.")
        return response


class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "accounts/password_change.html"
    success_url = reverse_lazy("accounts:profile")

    def form_valid(self, form):
        response = super().form_valid(form)
        messages.success(self.request, "Your password has been changed.")
        return response


class PasswordResetView(auth_views.PasswordResetView):
    template_name = "accounts/password_reset.html"
    email_template_name = "accounts/email/password_reset.txt"
    subject_template_name = "accounts/email/password_reset_subject.txt"
    success_url = reverse_lazy("accounts:password-reset-done")
    extra_email_context = {
        "site_name": settings.SITE_NAME,
        "site_url": settings.SITE_URL,
        "support_email": settings.SUPPORT_EMAIL,
    }

    def form_valid(self, form):
        self.request.session["reset_email"] = form.cleaned_data["email"]
        return super().form_valid(form)


class PasswordResetDoneView(auth_views.PasswordResetDoneView):
    template_name = "accounts/password_reset_done.html"


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "accounts/password_reset_confirm.html"
    success_url = reverse_lazy("accounts:login")
    post_reset_login = False

    def form_valid(self, form):
        response = super().form_valid(form)
        messages.success(self.request, "Your password has been set. You can now log in with it.")
        return response


@login_required
@require_http_methods(["GET", "POST"])
def profile(request):
    form = ProfileForm(request.POST or None, instance=request.user)
    if request.method == "POST" and form.is_valid():
        services.user_update_profile(
            user=request.user,
            full_name=form.cleaned_data["full_name"],
            preferred_name=form.cleaned_data["preferred_name"],
        )
        messages.success(request, "Your details have been saved.")
        return redirect("accounts:profile")
    roles = sorted(request.user.role_names())
    return render(request, "accounts/profile.html", {"form": form, "roles": roles})
