"""Staff screens for rooms: the list, a room's page, adding, editing, taking out of use and bringing back."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import urlencode
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from core.access import require

from .. import selectors, services
from ..forms import RoomForm, RoomListForm
from ..models import Room
from ..permissions import can_edit_timetable

PAGE_SIZE = 25
FIELDS = ("name", "building", "capacity", "accessibility_notes", "equipment_notes")


@require(can_edit_timetable, deny=403)
@require_safe
def room_list(request):
    form = RoomListForm(request.GET or None)
    status = form.cleaned_data.get("status") if form.is_valid() else ""
    status = status or "active"
    page = Paginator(selectors.rooms_for_list(status), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "timetable/room_list.html", {
        "form": form, "page": page, "rooms": page.object_list, "status": status,
        "query": urlencode({"status": status}),
    })


@require(can_edit_timetable, deny=403)
@require_safe
def room_detail(request, slug):
    room = get_object_or_404(Room, slug=slug)
    return render(request, "timetable/room_detail.html", {
        "room": room, "sessions": selectors.room_future_sessions(room),
    })


def _field_errors(form, error):
    if hasattr(error, "error_dict"):
        for field, problems in error.error_dict.items():
            form.add_error(field if field in form.fields else None, problems)
    else:
        form.add_error(None, error)


def _conflict_message(current):
    who = current.updated_by.full_name or current.updated_by.email if current.updated_by else "Someone"
    when = f" at {current.updated_at:%H:%M on %-d %B}" if current.updated_at else ""
    return (f"{who} saved a change to this room{when} while you were editing. Your change is not saved: "
            "check theirs below, then save again to replace it.")


@require(can_edit_timetable, deny=403)
@require_http_methods(["GET", "POST"])
def room_form(request, slug=None):
    room = get_object_or_404(Room, slug=slug) if slug else None
    form = RoomForm(request.POST or None, initial=RoomForm.initial_from(room) if room else None)
    conflict = None
    if request.method == "POST" and form.is_valid():
        data = {f: form.cleaned_data[f] for f in FIELDS}
        try:
            if room is None:
                room = services.room_create(**data, by=request.user)
            else:
                room = services.room_update(room=room, expected_version=form.cleaned_data.get("version") or 0,
                                            by=request.user, **data)
        except services.RoomConflict as error:
            conflict = error.current
            form.add_error(None, _conflict_message(conflict))
            # Saving again now means: I have seen their version.
            form.data = form.data.copy()
            form.data["version"] = str(conflict.version)
        except ValidationError as error:
            _field_errors(form, error)
        else:
            messages.success(request, f"Saved {room.label}. It can be booked for sessions."
                             if room.is_active else f"Saved {room.label}.")
            return redirect(room)
    return render(request, "timetable/room_form.html", {"form": form, "room": room, "conflict": conflict})


@require(can_edit_timetable, deny=403)
@require_http_methods(["GET", "POST"])
def room_deactivate(request, slug):
    room = get_object_or_404(Room, slug=slug)
    if request.method == "POST":
        services.room_deactivate(room=room, by=request.user)
        messages.success(request, f"{room.label} is out of use: no new sessions can be booked in it. "
                                  "Move its future sessions to another room from the list on its page.")
        return redirect(room)
    return render(request, "timetable/room_deactivate.html", {
        "room": room, "sessions": selectors.room_future_sessions(room),
    })


@require(can_edit_timetable, deny=403)
@require_POST
def room_reactivate(request, slug):
    room = get_object_or_404(Room, slug=slug)
    services.room_reactivate(room=room, by=request.user)
    messages.success(request, f"{room.label} is in use again: sessions can be booked in it.")
    return redirect(room)
