"""Rooms: staff add them, change them, take them out of use and bring them back.

A room out of use (`is_active=False`) keeps its history and its past and
future sessions; it cannot be booked again until it is brought back. Taking a
room out of use does not move its future sessions: staff move each one (the
confirmation page lists them).

Every change is checked against the room's `version`: an edit made on an older
copy raises RoomConflict naming who saved in between, and nothing is saved.
Each save writes a history row (django-simple-history) recording who acted.
"""

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.text import slugify

from core.access import acting_user, check

from ..models import Room
from ..permissions import can_edit_timetable

FIELDS = ("name", "building", "capacity", "accessibility_notes", "equipment_notes")


class RoomConflict(Exception):
    """Someone saved the room since this copy was opened; `current` is the room as it is now."""

    def __init__(self, *, current):
        super().__init__("The room changed since you opened it.")
        self.current = current


def _authorise(by):
    check(by, can_edit_timetable, message="Only staff can change rooms.")


def _cleaned(fields, *, exclude_pk=None):
    """The fields with text trimmed; ValidationError naming each bad field (nothing is saved then)."""
    unknown = set(fields) - set(FIELDS)
    if unknown:
        raise TypeError(f"rooms cannot change {sorted(unknown)}")
    data = {k: (v.strip() if isinstance(v, str) else v) for k, v in fields.items()}
    problems = {}
    if "name" in data:
        if not data["name"]:
            problems["name"] = "Enter the room's name, as on its door"
        elif Room.objects.exclude(pk=exclude_pk).filter(name__iexact=data["name"]).exists():
            problems["name"] = f"There is already a room called “{data['name']}”: give this one another name"
    if "capacity" in data:
        capacity = data["capacity"]
        if capacity is None or isinstance(capacity, bool) or not isinstance(capacity, int) or capacity < 1:
            problems["capacity"] = "Enter how many people the room seats, 1 or more"
    if problems:
        raise ValidationError(problems)
    return data


def _unique_slug(name):
    base = slugify(name)[:70] or "room"
    slug, n = base, 2
    while Room.objects.filter(slug=slug).exists():
        slug, n = f"{base}-{n}", n + 1
    return slug


def _save(room, by):
    room.updated_by = acting_user(by)
    room.updated_at = timezone.now()
    room._history_user = acting_user(by)
    try:
        with transaction.atomic():
            room.save()
    except IntegrityError:
        # Another person saved a room of that name after our check.
        raise ValidationError({"name": f"There is already a room called “{room.name}”: give this one another name"}) \
            from None
    return room


@transaction.atomic
def room_create(*, name: str, capacity: int, building: str = "", accessibility_notes: str = "",
                equipment_notes: str = "", by) -> Room:
    """Add a room that can be booked at once.

    Side effects: a Room row and its first history row. Raises ValidationError
    (by field) for a blank or duplicate name or a capacity below 1.
    """
    _authorise(by)
    data = _cleaned({"name": name, "capacity": capacity, "building": building,
                     "accessibility_notes": accessibility_notes, "equipment_notes": equipment_notes})
    room = Room(**data, slug=_unique_slug(data["name"]))
    return _save(room, by)


def _locked(room):
    # Only the room is locked: PostgreSQL refuses FOR UPDATE on the outer join to its last editor.
    return Room.objects.select_for_update(of=("self",)).select_related("updated_by").get(pk=room.pk)


@transaction.atomic
def room_update(*, room: Room, expected_version: int, by, **fields) -> Room:
    """Change a room's name, building, capacity or notes (any of FIELDS).

    Side effects: the row is locked and saved with version + 1, and a history
    row. Its web address (slug) stays, so links and calendar feeds keep
    working. Raises RoomConflict when the room was saved since
    `expected_version`, ValidationError for bad fields; nothing changes then.
    """
    _authorise(by)
    room = _locked(room)
    if room.version != expected_version:
        raise RoomConflict(current=room)
    data = _cleaned(fields, exclude_pk=room.pk)
    for field, value in data.items():
        setattr(room, field, value)
    room.version += 1
    return _save(room, by)


def _set_active(room, active, expected_version, by):
    _authorise(by)
    room = _locked(room)
    if expected_version is not None and room.version != expected_version:
        raise RoomConflict(current=room)
    if room.is_active == active:
        return room
    room.is_active = active
    room.version += 1
    return _save(room, by)


@transaction.atomic
def room_deactivate(*, room: Room, by, expected_version: int | None = None) -> Room:
    """Take a room out of use: no new session can be booked in it.

    Side effects: is_active False, version + 1, a history row. Its sessions,
    past and future, stay where they are (staff move the future ones). Doing
    it twice changes nothing. Raises RoomConflict when `expected_version` is
    given and the room was saved since.
    """
    return _set_active(room, False, expected_version, by)


@transaction.atomic
def room_reactivate(*, room: Room, by, expected_version: int | None = None) -> Room:
    """Bring a room back into use: it can be booked again. Side effects as room_deactivate."""
    return _set_active(room, True, expected_version, by)
