from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse, reverse_lazy
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.module_loading import import_string
from django.views.decorators.http import require_http_methods, require_safe

from core.access import require

from . import permissions, ratelimits, selectors, services
from .forms import (
    AccessForm,
    InvitationAcceptForm,
    InviteForm,
    LoginForm,
    PasswordChangeForm,
    PasswordResetForm,
    PersonFilterForm,
    ProfileForm,
    ReasonForm,
    ResendVerificationForm,
    SetPasswordForm,
    SignupForm,
)
from .models import User
from .roles import Role


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


# --- People and roles (the staff area, /staff/people/) ------------------------------------

PEOPLE_PER_PAGE = 25


def _people_rows(people):
    """Each person with their roles in words and whether they may manage people, from the
    prefetched groups and permissions (one query for the groups that grant the right)."""
    managing_groups = set(
        Group.objects.filter(permissions=selectors.manage_people_permission()).values_list("name", flat=True)
    )
    rows = []
    for person in people:
        names = {group.name for group in person.groups.all()}
        own = any(
            f"{perm.content_type.app_label}.{perm.codename}" == permissions.MANAGE_PEOPLE
            for perm in person.user_permissions.all()
        )
        rows.append({
            "person": person,
            "roles": [role.label for role in Role if str(role) in names],
            "manages_people": (own and str(Role.STAFF) in names) or bool(names & managing_groups),
            "status": _status(person),
        })
    return rows


def _status(person):
    if person.is_active:
        return {"state": "positive", "label": "Active"}
    if person.email_verified_at is None:
        return {"state": "muted", "label": "Not yet confirmed"}
    return {"state": "negative", "label": "Deactivated"}


@require(permissions.can_manage_people, deny=403)
@require_safe
def person_list(request):
    filters = PersonFilterForm(request.GET or None)
    chosen = filters.cleaned_data if filters.is_valid() else {}
    people = selectors.person_list(
        q=chosen.get("q", ""), role=chosen.get("role", ""), status=chosen.get("status", ""),
        sort=chosen.get("sort") or "name",
    )
    page = Paginator(people, PEOPLE_PER_PAGE).get_page(request.GET.get("page"))
    filters_query = urlencode({key: value for key, value in chosen.items() if value})
    return render(request, "accounts/people/person_list.html", {
        "filter_form": filters, "page": page, "rows": _people_rows(page.object_list),
        "filters_query": filters_query, "invitations": list(selectors.pending_invitations()),
        "now": timezone.now(), "section": "list",
    })


def _person_or_404(pk):
    return get_object_or_404(User, pk=pk)


def _access_initial(person):
    permission = selectors.manage_people_permission()
    return {
        "roles": list(person.groups.values_list("name", flat=True)),
        "manage_people": person.user_permissions.filter(pk=permission.pk).exists(),
        "version": selectors.access_version(person),
    }


def _access_changes(person, initial, cleaned):
    """The changes a filled-in access form asks for, in words, before anything is saved."""
    before, after = set(initial["roles"]), set(cleaned["roles"])
    changes = [f"Give the role {role.label}" for role in Role if str(role) in after - before]
    changes += [f"Take away the role {role.label}" for role in Role if str(role) in before - after]
    if cleaned["manage_people"] and not initial["manage_people"]:
        changes.append("Let them manage people themselves (not only through a role)")
    if initial["manage_people"] and not cleaned["manage_people"]:
        changes.append("Take away their own right to manage people")
    return changes


def _stale_message(person, latest):
    if latest is None:
        return f"Someone changed {person}'s roles after you opened this page."
    who = latest.by.full_name if latest.by else "The site"
    when = timezone.localtime(latest.at).strftime("%H:%M on %-d %B %Y")
    return (
        f"{who} changed {person}'s roles at {when}, after you opened this page. Your change is not saved: "
        "check theirs in the history below, then save again to apply yours."
    )


def _person_page(request, person, form):
    return render(request, "accounts/people/person_detail.html", {
        "person": person, "form": form, "status": _status(person), "history": selectors.person_history(person),
        "roles": [role.label for role in Role if str(role) in set(person.groups.values_list("name", flat=True))],
        "manages_people": permissions.can_manage_people(person) and not person.is_superuser,
        "is_me": person.pk == request.user.pk,
    })


@require(permissions.can_manage_people, deny=403)
@require_http_methods(["GET", "POST"])
def person_detail(request, pk):
    person = _person_or_404(pk)
    initial = _access_initial(person)
    form = AccessForm(request.POST if request.method == "POST" else None, initial=initial)
    if request.method != "POST" or not form.is_valid():
        return _person_page(request, person, form)
    changes = _access_changes(person, initial, form.cleaned_data)
    if not changes:
        form.add_error("roles", "Nothing to change: tick or untick a role first")
        return _person_page(request, person, form)
    if not form.cleaned_data["confirmed"]:
        return render(request, "accounts/people/access_confirm.html", {
            "person": person, "form": form, "changes": changes, "data": form.cleaned_data,
        })
    try:
        done = services.person_change_access(
            person=person, roles=form.cleaned_data["roles"], manage_people=form.cleaned_data["manage_people"],
            expected_version=form.cleaned_data["version"] or "", by=request.user,
        )
    except services.StaleCopy as error:
        form.add_error(None, _stale_message(person, error.latest))
        # Saving again now means: I have seen their change.
        form.data = form.data.copy()
        form.data["version"] = selectors.access_version(person)
        form.data["confirmed"] = ""
        return _person_page(request, person, form)
    except services.LastPeopleManager as error:
        field = "manage_people" if initial["manage_people"] and not form.cleaned_data["manage_people"] else "roles"
        form.add_error(field, error.messages[0])
        return _person_page(request, person, form)
    except ValidationError as error:
        form.add_error(None, error)
        return _person_page(request, person, form)
    messages.success(request, f"Saved. {person} now has what you chose ({'; '.join(done).lower()}); "
                              "we have told them by email.")
    return redirect("people:person-detail", pk=person.pk)


def _status_change(request, pk, *, service, template, done_message):
    person = _person_or_404(pk)
    form = ReasonForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            service(person=person, by=request.user, note=form.cleaned_data["note"])
        except ValidationError as error:
            form.add_error(None, error.messages[0])
        else:
            messages.success(request, done_message.format(person=person))
            return redirect("people:person-detail", pk=person.pk)
    return render(request, template, {"person": person, "form": form, "is_me": person.pk == request.user.pk})


@require(permissions.can_manage_people, deny=403)
@require_http_methods(["GET", "POST"])
def person_deactivate(request, pk):
    return _status_change(
        request, pk, service=services.person_deactivate, template="accounts/people/person_deactivate.html",
        done_message="{person}'s account is deactivated: they can no longer log in. We have told them by email.",
    )


@require(permissions.can_manage_people, deny=403)
@require_http_methods(["GET", "POST"])
def person_reactivate(request, pk):
    return _status_change(
        request, pk, service=services.person_reactivate, template="accounts/people/person_reactivate.html",
        done_message="{person}'s account is active again: they can log in with their password. "
                     "We have told them by email.",
    )


@require(permissions.can_manage_people, deny=403)
@require_http_methods(["GET", "POST"])
def person_invite(request):
    form = InviteForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            result = services.person_invite(
                email=data["email"], full_name=data["full_name"], roles=data["roles"], by=request.user,
                give_to_existing=data["give_to_existing"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            if result.outcome == "has_account":
                return render(request, "accounts/people/invite_existing.html", {
                    "form": form, "existing": result.user, "role_words": services.role_words(data["roles"]),
                    "data": data,
                })
            if result.outcome == "roles_given":
                given = services.role_words(result.added)
                messages.success(request, f"{result.user} now has the roles {given}; we have told them by email."
                                 if given else f"{result.user} already had those roles: nothing changed.")
                return redirect("people:person-detail", pk=result.user.pk)
            days = services.INVITATION_VALID_DAYS
            if result.outcome == "replaced":
                messages.success(request, f"{data['email']} already had an invitation waiting. It is replaced by "
                                          f"this one: the earlier link no longer works, and we have sent a new link "
                                          f"that works for {days} days.")
            else:
                messages.success(request, f"We have sent an invitation to {data['email']}. The link works for "
                                          f"{days} days; they arrive with the roles "
                                          f"{services.role_words(data['roles'])}.")
            return redirect("people:person-list")
    return render(request, "accounts/people/invite.html", {"form": form, "section": "invite"})


def _invitation_invalid(request, error):
    return render(request, "accounts/people/invitation_invalid.html",
                  {"reason": error.reason, "invitation": error.invitation}, status=400)


@require_http_methods(["GET", "POST"])
def invitation_accept(request, token):
    try:
        invitation = services.invitation_from_token(token)
    except services.InvitationLinkInvalid as error:
        return _invitation_invalid(request, error)
    form = InvitationAcceptForm(request.POST or None, invitation=invitation,
                                initial={"full_name": invitation.full_name})
    if request.method == "POST" and form.is_valid():
        try:
            user = services.invitation_accept(
                token=token, full_name=form.cleaned_data["full_name"], password=form.cleaned_data["password1"]
            )
        except services.InvitationLinkInvalid as error:
            return _invitation_invalid(request, error)
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        messages.success(request, f"Welcome, {user.get_short_name()}. Your account is ready, with the roles "
                                  f"{services.role_words(invitation.roles)}.")
        landing = import_string(settings.LOGIN_LANDING)
        return redirect(landing(user) or "accounts:profile")
    return render(request, "accounts/people/invitation_accept.html", {
        "form": form, "invitation": invitation, "roles": services.role_words(invitation.roles),
    })
