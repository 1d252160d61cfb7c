"""Pages: the public directory, the staff area, and the lecturer's link page.

Views parse, authorise, call a selector or a service, and render. The link
pages authorise with the signed token alone (lecturers.tokens): a bad token
gets a friendly page that names no invitation.
"""

from functools import wraps
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from core.access import require

from . import selectors, services
from .forms import (
    AlternativeForm,
    ChooseSlotForm,
    ConfirmDetailsForm,
    DeclineForm,
    InvitationFilterForm,
    InvitationForm,
    LecturerForm,
    NewTimesForm,
    ReasonForm,
    WithdrawForm,
    confirm_initial,
)
from .models import Discipline, GuestLecturer, Invitation
from .permissions import can_manage_lecturers, can_see_profile
from .tokens import check_token

State = Invitation.State


def _errors(error):
    return error.messages if hasattr(error, "messages") else [str(error)]


# Public ----------------------------------------------------------------------------


def lecturer_list(request):
    discipline = None
    if request.GET.get("discipline"):
        discipline = Discipline.objects.filter(slug=request.GET["discipline"]).first()
    lecturers = selectors.public_lecturers(discipline=discipline)
    page = Paginator(lecturers, 24).get_page(request.GET.get("page"))
    return render(request, "lecturers/lecturer_list.html", {
        "page": page, "lecturers": page.object_list, "disciplines": Discipline.objects.filter(
            lecturers__public_profile_consent=True).distinct().order_by("name"),
        "discipline": discipline,
    })


def lecturer_detail(request, slug):
    lecturer = selectors.public_lecturer(slug)
    if lecturer is None:
        raise Http404
    return render(request, "lecturers/lecturer_detail.html", {"lecturer": lecturer})


def lecturer_photo(request, slug):
    lecturer = get_object_or_404(GuestLecturer, slug=slug)
    if not lecturer.photo or not can_see_profile(request.user, lecturer):
        raise Http404
    return _photo_response(lecturer, public=lecturer.public_profile_consent)


def _photo_response(lecturer, *, public):
    try:
        handle = lecturer.photo.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    response = FileResponse(handle, content_type="image/jpeg")
    response["Cache-Control"] = "public, max-age=3600" if public else "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


# The lecturer's link ----------------------------------------------------------------


def _open_link(request, token):
    """The invitation a link opens, or the friendly page saying it opens none."""
    check = check_token(token)
    if check.ok:
        return check.invitation, None
    status = 410 if check.problem == "expired" else 404
    response = render(request, "lecturers/link_problem.html", {
        "problem": check.problem, "contact": getattr(settings, "LECTURERS_CONTACT_EMAIL", "") or settings.SUPPORT_EMAIL,
    }, status=status)
    response["Cache-Control"] = "no-store"
    return None, response


def _by_link(view):
    """A page opened with the lecturer's signed link: `view(request, token, invitation)`
    runs only for a link that opens an invitation; any other gets the page saying why not."""

    @wraps(view)
    def opened(request, token):
        invitation, problem = _open_link(request, token)
        if problem is not None:
            return problem
        return view(request, token, invitation)

    return opened


def _link_page(request, token, invitation, **extra):
    invitation = selectors.invitation_for_link(invitation.pk)
    context = {
        "token": token,
        "invitation": invitation,
        "lecturer": invitation.lecturer,
        "choose_form": ChooseSlotForm(invitation=invitation),
        "alternative_form": AlternativeForm(),
        "decline_form": DeclineForm(),
        "withdraw_form": WithdrawForm(),
        "now": timezone.now(),
        **extra,
    }
    if invitation.is_scheduled:
        from .mail import directions, when_where

        context["when"], context["where"] = when_where(invitation)
        context["directions"] = directions(invitation)
    status = 400 if extra.get("problems") else 200
    response = render(request, "lecturers/respond.html", context, status=status)
    response["Cache-Control"] = "no-store"
    response["Referrer-Policy"] = "same-origin"  # the token is in the URL: never send it to another site
    return response


@never_cache
@_by_link
def respond(request, token, invitation):
    if request.method != "POST":
        return _link_page(request, token, invitation)
    action = request.POST.get("action")
    here = reverse("lecturers:respond", args=[token])
    try:
        if action == "accept":
            form = ChooseSlotForm(request.POST, invitation=invitation)
            if invitation.is_scheduled:
                # The link used again after accepting: show where things stand, do nothing.
                messages.info(request, "You have already chosen a time; here is your lecture as it stands.")
                return redirect(here)
            if not form.is_valid():
                return _link_page(request, token, invitation, choose_form=form)
            services.invitation_accept(invitation=invitation, slot=form.cleaned_data["slot"], by=services.VIA_LINK)
            messages.success(request, "Thank you: the lecture is in our timetable. One last step: confirm your "
                                      "details below.")
            return redirect(reverse("lecturers:respond-details", args=[token]))
        if action == "alternative":
            form = AlternativeForm(request.POST)
            if not form.is_valid():
                return _link_page(request, token, invitation, alternative_form=form, open_panel="alternative")
            services.invitation_propose_alternative(invitation=invitation, note=form.cleaned_data["note"],
                                                    by=services.VIA_LINK)
            messages.success(request, "Thank you. We have passed on what suits you; your host will send new times.")
            return redirect(here)
        if action == "decline":
            form = DeclineForm(request.POST)
            form.is_valid()
            services.invitation_decline(invitation=invitation, reason=form.cleaned_data.get("reason", ""),
                                        by=services.VIA_LINK)
            messages.success(request, "Thank you for letting us know. We have released the times we held.")
            return redirect(here)
        if action == "withdraw":
            form = WithdrawForm(request.POST)
            if not form.is_valid():
                return _link_page(request, token, invitation, withdraw_form=form, open_panel="withdraw")
            services.invitation_cancel(invitation=invitation, reason=form.cleaned_data["reason"],
                                       by=services.VIA_LINK)
            messages.success(request, "We have cancelled the lecture and told your host and the students.")
            return redirect(here)
    except services.SlotTaken as error:
        return _link_page(request, token, invitation, problems=error.reasons, slot_taken=True)
    except services.InvalidTransition as error:
        messages.info(request, " ".join(_errors(error)))
        return redirect(here)
    return redirect(here)


@never_cache
@_by_link
def respond_details(request, token, invitation):
    if invitation.state not in (State.ACCEPTED, State.CONFIRMED):
        return redirect(reverse("lecturers:respond", args=[token]))
    invitation = selectors.invitation_for_link(invitation.pk)
    lecturer = invitation.lecturer
    if request.method == "POST":
        form = ConfirmDetailsForm(request.POST, request.FILES, lecturer=lecturer)
        if form.is_valid():
            data = form.cleaned_data
            photo = data.get("photo")
            try:
                first = invitation.state == State.ACCEPTED
                services.invitation_confirm(
                    invitation=invitation, recording_consent=data["recording_consent"], av_needs=data["av_needs"],
                    travel=data["travel"], photo=photo if hasattr(photo, "read") else None,
                    remove_photo=data.get("remove_photo", False), bio=data["bio"],
                    public_profile_consent=data["public_profile_consent"], access_needs=data["access_needs"],
                    phone=data["phone"], by=services.VIA_LINK,
                )
            except services.InvalidTransition as error:
                messages.info(request, " ".join(_errors(error)))
                return redirect(reverse("lecturers:respond", args=[token]))
            messages.success(
                request,
                f"Confirmed. We have sent the details and a calendar entry to {lecturer.email}." if first
                else "Your changes are saved and your host has been told.",
            )
            return redirect(reverse("lecturers:respond", args=[token]))
    else:
        form = ConfirmDetailsForm(initial=confirm_initial(invitation), lecturer=lecturer)
    response = render(request, "lecturers/respond_details.html", {
        "form": form, "invitation": invitation, "lecturer": lecturer, "token": token,
    })
    response["Cache-Control"] = "no-store"
    response["Referrer-Policy"] = "same-origin"
    return response


@_by_link
def respond_calendar(request, token, invitation):
    invitation = selectors.invitation_for_link(invitation.pk)
    if invitation.session is None:
        raise Http404
    from .ics import invitation_ics

    response = HttpResponse(invitation_ics(invitation), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="guest-lecture.ics"'
    response["Cache-Control"] = "no-store"
    return response


@_by_link
def respond_photo(request, token, invitation):
    if not invitation.lecturer.photo:
        raise Http404
    return _photo_response(invitation.lecturer, public=False)


# Staff ------------------------------------------------------------------------------


@require(can_manage_lecturers, deny=403)
def staff_index(request):
    years = selectors.academic_years()
    current = selectors.current_academic_year()
    data = request.GET.copy()
    if not data.get("year") and current is not None:
        data["year"] = current.slug
    filters = InvitationFilterForm(data, years=years)
    filters.is_valid()
    year = next((y for y in years if y.slug == filters.cleaned_data.get("year")), None)
    state = filters.cleaned_data.get("state") or ""
    invitations = selectors.invitations(state=state or None, academic_year=year)
    page = Paginator(invitations, 25).get_page(request.GET.get("page"))
    bars, total = selectors.discipline_mix(academic_year=year)
    counts = selectors.state_counts(academic_year=year)
    return render(request, "lecturers/staff_index.html", {
        "filters": filters, "year": year, "state": state, "page": page, "invitations": page.object_list,
        "counts": counts, "bars": bars, "lecture_total": total,
        "upcoming": selectors.upcoming_guest_lectures(limit=8),
        "chart_height": len(bars) * 30 + 8,
        "query": urlencode({k: v for k, v in (("year", year.slug if year else ""), ("state", state)) if v}),
    })


@require(can_manage_lecturers, deny=403)
def person_list(request):
    q = request.GET.get("q", "").strip()
    discipline = Discipline.objects.filter(slug=request.GET.get("discipline") or "").first()
    lecturers = selectors.staff_lecturers(q=q, discipline=discipline)
    page = Paginator(lecturers, 25).get_page(request.GET.get("page"))
    return render(request, "lecturers/person_list.html", {
        "page": page, "lecturers": page.object_list, "q": q, "discipline": discipline,
        "disciplines": Discipline.objects.order_by("name"),
        "query": urlencode({k: v for k, v in (("q", q), ("discipline", discipline.slug if discipline else "")) if v}),
    })


@require(can_manage_lecturers, deny=403)
def person_create(request):
    form = LecturerForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            lecturer = services.lecturer_create(by=request.user, **_without_remove(form.service_fields()))
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, f"{lecturer.full_name}'s profile is saved.")
            return redirect(lecturer.get_staff_url())
    return render(request, "lecturers/person_form.html", {"form": form, "lecturer": None})


def _without_remove(fields):
    fields.pop("remove_photo", None)
    return fields


@require(can_manage_lecturers, deny=403)
def person_detail(request, pk):
    try:
        lecturer = selectors.staff_lecturer(pk)
    except GuestLecturer.DoesNotExist:
        raise Http404 from None
    return render(request, "lecturers/person_detail.html", {"lecturer": lecturer})


@require(can_manage_lecturers, deny=403)
def person_edit(request, pk):
    lecturer = get_object_or_404(GuestLecturer, pk=pk)
    form = LecturerForm(request.POST or None, request.FILES or None, instance=lecturer)
    if request.method == "POST" and form.is_valid():
        # ModelForm.is_valid() copied the cleaned data onto the instance; the service saves from the database row.
        try:
            services.lecturer_update(lecturer=lecturer, by=request.user, **form.service_fields())
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, "The profile is saved.")
            return redirect(lecturer.get_staff_url())
    return render(request, "lecturers/person_form.html", {"form": form, "lecturer": lecturer})


@require(can_manage_lecturers, deny=403)
def person_photo(request, pk):
    lecturer = get_object_or_404(GuestLecturer, pk=pk)
    if not lecturer.photo:
        raise Http404
    return _photo_response(lecturer, public=False)


@require(can_manage_lecturers, deny=403)
def invitation_create(request):
    initial = {"host": request.user.pk}
    if request.GET.get("lecturer"):
        initial["lecturer"] = request.GET["lecturer"]
    if request.GET.get("offering"):
        initial["offering"] = request.GET["offering"]
    form = InvitationForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        send = request.POST.get("send") == "1"
        try:
            with transaction.atomic():
                lecturer = data["lecturer"]
                if lecturer is None:
                    lecturer = GuestLecturer.objects.filter(email__iexact=data["new_email"]).first()
                if lecturer is None:
                    lecturer = services.lecturer_create(
                        by=request.user, full_name=data["new_name"], email=data["new_email"],
                        organisation=data["new_organisation"],
                    )
                invitation = services.invitation_create(
                    lecturer=lecturer, offering=data["offering"], topic=data["topic"], host=data["host"],
                    slots=data["slots"], message=data["message"], by=request.user, send=send,
                )
        except ValidationError as error:
            for message in _errors(error):
                form.add_error(None, message)
        else:
            if send:
                messages.success(request, f"Invitation sent to {lecturer.full_name} ({lecturer.email}). "
                                          "We will chase them once if they have not answered in five days.")
            else:
                messages.success(request, "The invitation is saved as a draft. Send it when you are ready.")
            return redirect(invitation.get_absolute_url())
    return render(request, "lecturers/invitation_form.html", {"form": form})


@require(can_manage_lecturers, deny=403)
def invitation_detail(request, pk):
    try:
        invitation = selectors.invitation_detail(pk)
    except Invitation.DoesNotExist:
        raise Http404 from None
    return render(request, "lecturers/invitation_detail.html", {
        "invitation": invitation, "lecturer": invitation.lecturer,
        "current_slots": [s for s in invitation.slots.all() if not s.withdrawn],
        "old_slots": [s for s in invitation.slots.all() if s.withdrawn],
        "cancel_form": ReasonForm(), "now": timezone.now(),
    })


def _staff_action(request, pk, action, success):
    invitation = get_object_or_404(Invitation, pk=pk)
    try:
        action(invitation)
    except ValidationError as error:
        messages.error(request, " ".join(_errors(error)))
    else:
        messages.success(request, success(invitation) if callable(success) else success)
    return redirect(reverse("lecturers:invitation-detail", args=[pk]))


@require_POST
@require(can_manage_lecturers, deny=403)
def invitation_send(request, pk):
    return _staff_action(
        request, pk, lambda i: services.invitation_send(invitation=i, by=request.user),
        lambda i: f"Invitation sent to {i.lecturer.email}.",
    )


@require_POST
@require(can_manage_lecturers, deny=403)
def invitation_delivered(request, pk):
    return _staff_action(request, pk, lambda i: services.invitation_mark_delivered(invitation=i, by=request.user),
                         "Marked as delivered. The thank-you goes tomorrow unless you send it now.")


@require_POST
@require(can_manage_lecturers, deny=403)
def invitation_thank(request, pk):
    return _staff_action(request, pk, lambda i: services.invitation_thank(invitation=i, by=request.user),
                         lambda i: f"Thank-you sent to {i.lecturer.email}.")


@require_POST
@require(can_manage_lecturers, deny=403)
def invitation_new_link(request, pk):
    return _staff_action(request, pk, lambda i: services.invitation_new_link(invitation=i, by=request.user),
                         lambda i: f"A new link is on its way to {i.lecturer.email}; earlier links no longer work.")


@require(can_manage_lecturers, deny=403)
def invitation_cancel(request, pk):
    invitation = get_object_or_404(Invitation.objects.for_listing(), pk=pk)
    form = ReasonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.invitation_cancel(invitation=invitation, reason=form.cleaned_data["reason"], by=request.user)
        except ValidationError as error:
            messages.error(request, " ".join(_errors(error)))
        else:
            told = (" The lecturer, and the students and staff of the session, are told."
                    if invitation.session_id else "")
            messages.success(request, f"The invitation is cancelled.{told}")
        return redirect(invitation.get_absolute_url())
    return render(request, "lecturers/invitation_cancel.html", {"invitation": invitation, "form": form})


@require(can_manage_lecturers, deny=403)
def invitation_new_times(request, pk):
    invitation = get_object_or_404(Invitation.objects.for_listing(), pk=pk)
    if invitation.state not in (State.INVITED, State.ALTERNATIVE):
        messages.info(request, "New times can only be offered while the lecturer has not chosen one.")
        return redirect(invitation.get_absolute_url())
    form = NewTimesForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.invitation_offer_new_times(invitation=invitation, slots=form.cleaned_data["slots"],
                                                message=form.cleaned_data["message"], by=request.user)
        except ValidationError as error:
            for message in _errors(error):
                form.add_error(None, message)
        else:
            messages.success(request, f"New times sent to {invitation.lecturer.email}.")
            return redirect(invitation.get_absolute_url())
    return render(request, "lecturers/invitation_new_times.html", {"invitation": invitation, "form": form})
