"""CSV import (checked row by row before anything is saved) and CSV export.

Import columns: module, kind, date, start, end, room, online_url, teachers,
cohorts, title. `teachers` are email addresses and `cohorts` short names
(slugs), each separated by ";". Times are wall-clock times in the programme's
zone. A row clashes if it overlaps a saved session or an earlier row of the file.
"""

import csv
import datetime
import io
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.db import transaction

from curriculum.models import Cohort, ModuleOffering

from . import services
from .clashes import find_clashes, outside_term_warning, standard_resources
from .models import Room, SessionKind
from .timezones import aware, local

COLUMNS = ["module", "kind", "date", "start", "end", "room", "online_url", "teachers", "cohorts", "title"]
KINDS = {value: value for value in SessionKind.values} | {label.lower(): value for value, label in SessionKind.choices}


@dataclass
class Row:
    number: int
    raw: dict
    problems: list = field(default_factory=list)
    warnings: list = field(default_factory=list)
    values: dict = field(default_factory=dict)

    @property
    def ok(self):
        return not self.problems


def _split(value):
    return [part.strip() for part in (value or "").split(";") if part.strip()]


def check_rows(text, *, term, zone):
    """Parse and check every row; returns (rows, header_problem). Nothing is saved.

    A date outside the term is a warning on its row, not a problem: the file
    can be imported once the person confirms those rows.
    """
    reader = csv.DictReader(io.StringIO(text))
    header = [h.strip().lower() for h in (reader.fieldnames or [])]
    missing = [c for c in COLUMNS[:5] if c not in header]
    if missing:
        return [], f"The first line must name the columns; missing: {', '.join(missing)}."
    reader.fieldnames = header
    raw_rows = list(reader)
    offerings = {o.module.code.upper(): o for o in ModuleOffering.objects.filter(term=term).select_related("module")}
    rooms = {r.name.lower(): r for r in Room.objects.filter(is_active=True)}
    users = {u.email.lower(): u for u in get_user_model().objects.filter(is_active=True)}
    cohorts = {c.slug: c for c in Cohort.objects.all()}
    rows, planned = [], []
    for number, raw in enumerate(raw_rows, start=2):
        row = Row(number, {k: (v or "").strip() for k, v in raw.items() if k})
        get = row.raw.get
        offering = offerings.get(get("module", "").upper())
        if offering is None:
            row.problems.append(f"No offering of module “{get('module', '')}” in {term}.")
        kind = KINDS.get(get("kind", "").lower())
        if kind is None:
            row.problems.append(f"Unknown kind “{get('kind', '')}”; use one of {', '.join(SessionKind.values)}.")
        try:
            day = datetime.date.fromisoformat(get("date", ""))
        except ValueError:
            day = None
            row.problems.append(f"The date “{get('date', '')}” is not a date like 2027-02-02.")
        times = []
        for column in ("start", "end"):
            try:
                times.append(datetime.time.fromisoformat(get(column, "")))
            except ValueError:
                row.problems.append(f"The {column} time “{get(column, '')}” is not a time like 10:00.")
        if len(times) == 2 and times[1] <= times[0]:
            row.problems.append("The session must end after it starts.")
        room = None
        if get("room"):
            room = rooms.get(get("room").lower())
            if room is None:
                row.problems.append(f"No room called “{get('room')}”.")
        elif not get("online_url"):
            row.problems.append("Give a room or an online link.")
        teachers = []
        for email in _split(get("teachers")):
            if email.lower() in users:
                teachers.append(users[email.lower()])
            else:
                row.problems.append(f"No account with the address {email}.")
        row_cohorts = []
        for slug in _split(get("cohorts")):
            if slug in cohorts:
                row_cohorts.append(cohorts[slug])
            else:
                row.problems.append(f"No cohort called “{slug}”.")
        if row.ok:
            starts_at, ends_at = aware(day, times[0], zone), aware(day, times[1], zone)
            resources = standard_resources(offering=offering, room=room, teachers=teachers, cohorts=row_cohorts)
            for clash in find_clashes(resources=resources, starts_at=starts_at, ends_at=ends_at):
                row.problems.append(clash.message)
            warning = outside_term_warning(offering=offering, days=[day])
            if warning:
                row.warnings.append(warning)
            keys = {r.key for r in resources}
            for other in planned:
                if other.values["starts_at"] < ends_at and starts_at < other.values["ends_at"]:
                    shared = keys & other.values["keys"]
                    if shared:
                        row.problems.append(f"It overlaps row {other.number}, which books the same "
                                            f"{'room' if any(k[0] == 'room' for k in shared) else 'people'}.")
            row.values = {
                "offering": offering, "kind": kind, "starts_at": starts_at, "ends_at": ends_at, "room": room,
                "online_url": get("online_url", ""), "teachers": teachers, "cohorts": row_cohorts,
                "title": get("title", ""), "keys": keys,
            }
            if row.ok:
                planned.append(row)
        rows.append(row)
    if not rows:
        return [], "The file has no rows under its header."
    return rows, None


@transaction.atomic
def import_rows(rows, *, by, outside_term_accepted=False):
    """Create a session per row; all or nothing (a clash raises ClashError and nothing is kept).

    Rows outside the term are refused (OutsideTermError) unless the person
    confirmed them after the check listed them (`outside_term_accepted`).
    """
    created = []
    for row in rows:
        values = {k: v for k, v in row.values.items() if k != "keys"}
        created.append(services.session_create(**values, outside_term_accepted=outside_term_accepted, by=by))
    return created


def export_csv(sessions, zone):
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([*COLUMNS, "status", "cancel_reason", "uid"])
    for s in sessions:
        start, end = local(s.starts_at, zone), local(s.ends_at, zone)
        writer.writerow([
            s.offering.module.code, s.kind, start.date().isoformat(), f"{start:%H:%M}", f"{end:%H:%M}",
            s.room.name if s.room_id else "", s.online_url, ";".join(t.email for t in s.teachers.all()),
            ";".join(c.slug for c in s.cohorts.all()), s.title, s.status, s.cancel_reason, str(s.uid),
        ])
    return out.getvalue()
