from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.http import urlencode
from django.utils.module_loading import import_string
from django.views.decorators.http import require_http_methods, require_safe

from . import ratelimits, services
from .forms import (
    LoginForm,
    PasswordChangeForm,
    PasswordResetForm,
    ProfileForm,
    ResendVerificationForm,
    SetPasswordForm,
    SignupForm,
)


def _next(request):
    """The same-site page to return to after signing up and logging in, or ""."""
    return services.safe_next(request.POST.get("next") or request.GET.get("next"))


@require_http_methods(["GET", "POST"])
def signup(request):
    next_url = _next(request)
    if request.user.is_authenticated:
        return redirect(next_url or "accounts:profile")
    if request.method == "POST":
        refusal = ratelimits.check(request, "signup", account=request.POST.get("email", ""))
        if refusal:
            return ratelimits.refused_response(request, refusal)
    form = SignupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        # The same answer whether or not the address has an account.
        services.user_signup(
            email=form.cleaned_data["email"],
            full_name=form.cleaned_data["full_name"],
            password=form.cleaned_data["password1"],
            next_url=next_url,
        )
        request.session["signup_email"] = form.cleaned_data["email"]
        request.session["signup_next"] = next_url
        return redirect("accounts:signup-done")
    return render(request, "accounts/signup.html", {"form": form, "next": next_url})


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
        user, next_url = services.user_verify_email(token=token)
    except services.VerificationLinkInvalid as error:
        return render(
            request,
            "accounts/verify_failed.html",
            {"reason": error.reason, "resend_form": ResendVerificationForm()},
            status=400,
        )
    messages.success(request, f"Thank you: {user.email} is confirmed. You can now log in.")
    login = reverse("accounts:login")
    return redirect(f"{login}?{urlencode({'next': next_url})}" if next_url else login)


@require_http_methods(["GET", "POST"])
def resend_verification(request):
    form = ResendVerificationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.resend_verification(
            email=form.cleaned_data["email"], next_url=services.safe_next(request.session.get("signup_next"))
        )
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

    def post(self, request, *args, **kwargs):
        # Every attempt counts, the right password too, and is refused before
        # any password is hashed: a flood costs a cache increment each.
        refusal = ratelimits.check(request, "login", account=request.POST.get("username", ""))
        if refusal:
            return ratelimits.refused_response(request, refusal)
        return super().post(request, *args, **kwargs)

    def get_default_redirect_url(self):
        # Without a ?next=, people land on their own work, not on their profile.
        # The site's wiring knows what that is (settings.LOGIN_LANDING names it).
        landing_url = import_string(settings.LOGIN_LANDING)
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
    form_class = PasswordChangeForm
    template_name = "accounts/password_change.html"
    success_url = reverse_lazy("accounts:profile")

    def form_valid(self, form):
        response = super().form_valid(form)
        messages.success(self.request, "Your password has been changed.")
        return response


class PasswordResetView(auth_views.PasswordResetView):
    form_class = PasswordResetForm
    template_name = "accounts/password_reset.html"
    success_url = reverse_lazy("accounts:password-reset-done")

    def post(self, request, *args, **kwargs):
        refusal = ratelimits.check(request, "password_reset", account=request.POST.get("email", ""))
        if refusal:
            return ratelimits.refused_response(request, refusal)
        return super().post(request, *args, **kwargs)

    def form_valid(self, form):
        # Not form.save(): that finds the account and mails it here, which
        # takes longer for an address that has one than for one that has not.
        services.password_reset_request(email=form.cleaned_data["email"])
        self.request.session["reset_email"] = form.cleaned_data["email"]
        return redirect(self.success_url)


class PasswordResetDoneView(auth_views.PasswordResetDoneView):
    template_name = "accounts/password_reset_done.html"


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    form_class = SetPasswordForm
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
