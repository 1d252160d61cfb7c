"""Staff timetable screens: the week and term views, sessions, weekly series, CSV import and export."""

import contextlib
import datetime

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.defaultfilters import pluralize
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from core.access import require
from curriculum.models import Term

from .. import csvio, selectors, services
from ..cards import attach_cards, attach_cell_html
from ..clashes import find_warnings, outside_term_warning
from ..forms import (
    CancelForm,
    ImportForm,
    SeriesEditForm,
    SeriesForm,
    SeriesMoveForm,
    SessionForm,
)
from ..models import Room, Session, SessionSeries
from ..permissions import can_edit_timetable
from ..timezones import DASH, aware, default_zone, iso_week, week_bounds, week_monday, zone_label
from .public import _query_with, _week_nav

GROUPINGS = selectors.GROUPINGS


@require(can_edit_timetable, deny=403)
@require_safe
def staff_week(request):
    zone = default_zone()
    by = request.GET.get("by") if request.GET.get("by") in GROUPINGS else "room"
    monday = week_monday(request.GET.get("week"), zone)
    start, end = week_bounds(monday, zone)
    rows = selectors.week_rows(selectors.sessions_between(start, end, public=False), with_cohorts=by == "cohort")
    sessions = attach_cards(rows, zone, staff=True, by=by)
    rooms = list(Room.objects.filter(is_active=True).only("pk", "name")) if by == "room" else ()
    days, rows = selectors.week_grid(sessions, monday, zone, by=by, rooms=rooms)
    attach_cell_html(rows, by=by)
    nav = _week_nav(monday)
    context = {
        "by": by, "groupings": GROUPINGS.items(), "days": days, "rows": rows, "session_count": len(sessions),
        "zone_label": zone_label(zone), **nav,
        "prev_query": _query_with(request, week=nav["previous_week"]),
        "next_query": _query_with(request, week=nav["next_week"]),
        "this_query": _query_with(request, week=nav["this_week"]),
    }
    htmx = request.headers.get("HX-Request")
    template = "timetable/partials/staff_grid.html" if htmx else "timetable/staff_week.html"
    with timezone.override(zone):
        response = render(request, template, context)
    patch_vary_headers(response, ["HX-Request"])
    return response


@require(can_edit_timetable, deny=403)
@require_safe
def staff_term(request):
    terms = list(Term.objects.select_related("academic_year").order_by("starts_on"))
    today = timezone.localdate()
    term = None
    if request.GET.get("term"):
        term = next((t for t in terms if str(t.pk) == request.GET["term"]), None)
        if term is None:
            raise Http404
    term = term or next((t for t in terms if t.ends_on >= today), terms[-1] if terms else None)
    context = {"terms": terms, "term": term, "zone_label": zone_label(default_zone())}
    if term is not None:
        from ..models import NonTeachingWeek

        context["weeks"], context["rows"] = selectors.term_overview(term)
        context["non_teaching"] = {w.week: w.label for w in NonTeachingWeek.objects.filter(term=term)}
        context["week_links"] = [
            (n, iso_week(services.term_monday(term) + datetime.timedelta(weeks=n - 1))) for n in context["weeks"]
        ]
    return render(request, "timetable/staff_term.html", context)


def _clash_errors(form, error):
    for message in error.messages:
        form.add_error(None, message)


@require(can_edit_timetable, deny=403)
@require_http_methods(["GET", "POST"])
def session_form(request, pk=None):
    zone = default_zone()
    session = get_object_or_404(Session.objects.for_listing(), pk=pk) if pk else None
    if session is not None and session.is_cancelled:
        messages.error(request, "This session is cancelled; it can no longer be changed.")
        return redirect(session)
    warnings = []
    if request.method == "POST":
        form = SessionForm(request.POST)
        if form.is_valid():
            d = form.cleaned_data
            starts_at, ends_at = aware(d["date"], d["start_time"], zone), aware(d["date"], d["end_time"], zone)
            # A session kept on its day (an edit of the room, say) is not asked about its term again.
            moved_day = session is None or d["date"] != timezone.localtime(session.starts_at, zone).date()
            term_warning = outside_term_warning(offering=d["offering"], days=[d["date"]]) if moved_day else ""
            warnings = [*([term_warning] if term_warning else []), *find_warnings(
                offering=d["offering"], starts_at=starts_at, ends_at=ends_at, room=d["room"],
                cohorts=list(d["cohorts"]), attendance=d["expected_attendance"],
                exclude_session_ids=[session.pk] if session else (),
            )]
            if not form.accepts(warnings):
                form = SessionForm(request.POST, warnings=warnings)
                form.is_valid()
            else:
                fields = {
                    "kind": d["kind"], "title": d["title"], "starts_at": starts_at, "ends_at": ends_at,
                    "room": d["room"], "online_url": d["online_url"], "expected_attendance": d["expected_attendance"],
                    "is_published": d["is_published"], "teachers": list(d["teachers"]), "cohorts": list(d["cohorts"]),
                    "outside_term_accepted": bool(term_warning),
                }
                try:
                    if session is None:
                        saved = services.session_create(offering=d["offering"], **fields, by=request.user)
                        messages.success(request, f"Saved {saved.name} on {_when(saved, zone)}.")
                    else:
                        saved = services.session_update(session=session, **fields, by=request.user)
                        messages.success(request, f"Saved the change to {saved.name}: it is now {_when(saved, zone)}. "
                                                  "Calendar feeds show it at their next refresh.")
                except services.ClashError as error:
                    form = SessionForm(request.POST, warnings=warnings)
                    form.is_valid()
                    _clash_errors(form, error)
                except ValidationError as error:
                    _clash_errors(form, error)
                else:
                    return redirect(_week_url(saved, zone))
    else:
        initial = SessionForm.initial_from(session, zone) if session else _initial_from_query(request)
        form = SessionForm(initial=initial)
    with timezone.override(zone):
        return render(request, "timetable/session_form.html", {
            "form": form, "session": session, "warnings": warnings, "zone_label": zone_label(zone),
        })


def _when(session, zone):
    from ..timezones import when_text

    return when_text(session, zone)


def _week_url(session, zone):
    monday = timezone.localtime(session.starts_at, zone).date()
    monday -= datetime.timedelta(days=monday.weekday())
    return f"{reverse('timetable:staff-week')}?week={iso_week(monday)}"


def _initial_from_query(request):
    initial = {"is_published": True}
    if request.GET.get("date"):
        with contextlib.suppress(ValueError):
            initial["date"] = datetime.date.fromisoformat(request.GET["date"])
    for key in ("room", "offering"):
        if request.GET.get(key, "").isdigit():
            initial[key] = int(request.GET[key])
    if request.GET.get("hour", "").isdigit():
        hour = min(int(request.GET["hour"]), 22)
        initial["start_time"], initial["end_time"] = datetime.time(hour), datetime.time(hour + 1)
    return initial


@require(can_edit_timetable, deny=403)
@require_http_methods(["GET", "POST"])
def session_cancel(request, pk):
    session = get_object_or_404(Session.objects.for_listing(), pk=pk)
    zone = default_zone()
    form = CancelForm(request.POST or None)
    if session.is_cancelled:
        messages.info(request, "This session is already cancelled.")
        return redirect(session)
    if request.method == "POST" and form.is_valid():
        services.session_cancel(session=session, reason=form.cleaned_data["reason"], by=request.user)
        people = len(services.cancel_recipients(session))
        messages.success(request, f"Cancelled {session.name} on {_when(session, zone)}. We are emailing "
                                  f"{people} {'person' if people == 1 else 'people'} (its students and staff).")
        return redirect(_week_url(session, zone))
    with timezone.override(zone):
        return render(request, "timetable/session_cancel.html", {
            "form": form, "session": session, "recipient_count": len(services.cancel_recipients(session)),
            "zone_label": zone_label(zone),
        })


@require(can_edit_timetable, deny=403)
@require_http_methods(["GET", "POST"])
def series_create(request):
    zone = default_zone()
    warnings = []
    form = SeriesForm(request.POST or None, initial=_initial_from_query(request) | {"first_week": 1, "last_week": 10})
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        dates = services.series_dates(term=d["offering"].term, weekday=d["weekday"], first_week=d["first_week"],
                                      last_week=d["last_week"])
        term_warning = outside_term_warning(offering=d["offering"], days=[day for _week, day in dates])
        if dates:
            _week, day = dates[0]
            warnings = [*([term_warning] if term_warning else []), *find_warnings(
                offering=d["offering"], starts_at=aware(day, d["start_time"], zone),
                ends_at=aware(day, d["end_time"], zone), room=d["room"], cohorts=list(d["cohorts"]),
                attendance=d["expected_attendance"])]
        if not form.accepts(warnings):
            form = SeriesForm(request.POST, warnings=warnings)
            form.is_valid()
        else:
            try:
                series = services.series_create(
                    offering=d["offering"], kind=d["kind"], title=d["title"], weekday=d["weekday"],
                    start_time=d["start_time"], end_time=d["end_time"], first_week=d["first_week"],
                    last_week=d["last_week"], room=d["room"], online_url=d["online_url"],
                    teachers=list(d["teachers"]), cohorts=list(d["cohorts"]),
                    expected_attendance=d["expected_attendance"], is_published=d["is_published"],
                    outside_term_accepted=bool(term_warning), by=request.user,
                )
            except ValidationError as error:
                form = SeriesForm(request.POST, warnings=warnings)
                form.is_valid()
                _clash_errors(form, error)
            else:
                count = series.sessions.count()
                messages.success(request, f"Created {count} sessions of {series}, weeks {series.first_week}{DASH}"
                                          f"{series.last_week} (reading week and closure dates left out).")
                return redirect(series)
    return render(request, "timetable/series_form.html", {"form": form, "warnings": warnings,
                                                          "zone_label": zone_label(zone)})


def _series(pk):
    return get_object_or_404(SessionSeries.objects.select_related("offering__module", "offering__term"), pk=pk)


@require(can_edit_timetable, deny=403)
@require_safe
def series_detail(request, pk):
    series = _series(pk)
    zone = default_zone()
    sessions = list(series.sessions.select_related("room").prefetch_related("teachers").order_by("starts_at"))
    with timezone.override(zone):
        return render(request, "timetable/series_detail.html", {
            "series": series, "sessions": sessions, "zone_label": zone_label(zone),
            "move_form": SeriesMoveForm(),
        })


@require(can_edit_timetable, deny=403)
@require_http_methods(["GET", "POST"])
def series_edit(request, pk):
    series = _series(pk)
    zone = default_zone()
    first = series.sessions.exclude(status=Session.Status.CANCELLED).select_related("room").prefetch_related(
        "teachers").order_by("starts_at").first()
    initial = {
        "from_week": series.first_week, "weekday": series.weekday, "start_time": series.start_time,
        "end_time": series.end_time, "title": series.title,
        "room": first.room_id if first else None, "online_url": first.online_url if first else "",
        "teachers": [t.pk for t in first.teachers.all()] if first else [],
    }
    form = SeriesEditForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            changed = services.series_update(
                series=series, from_week=d["from_week"], weekday=d["weekday"], start_time=d["start_time"],
                end_time=d["end_time"], room=d["room"], online_url=d["online_url"], title=d["title"],
                teachers=list(d["teachers"]), by=request.user,
            )
        except ValidationError as error:
            _clash_errors(form, error)
        else:
            messages.success(request, f"Changed {len(changed)} sessions from week {d['from_week']} on.")
            return redirect(series)
    return render(request, "timetable/series_edit.html", {"form": form, "series": series,
                                                          "zone_label": zone_label(zone)})


@require(can_edit_timetable, deny=403)
@require_POST
def series_move(request, pk):
    series = _series(pk)
    form = SeriesMoveForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose how far to move the series.")
        return redirect(series)
    weeks = form.cleaned_data["weeks"]
    try:
        moved = services.series_move(series=series, weeks=weeks, from_week=form.cleaned_data["from_week"],
                                     by=request.user)
    except ValidationError as error:
        messages.error(request, "The series was not moved: " + " ".join(error.messages))
        return redirect(series)
    direction = "later" if weeks > 0 else "earlier"
    messages.success(request, f"Moved {len(moved)} sessions {abs(weeks)} week{'s' if abs(weeks) > 1 else ''} "
                              f"{direction}. Students' calendar feeds update at their next refresh.")
    return redirect(series)


@require(can_edit_timetable, deny=403)
@require_http_methods(["GET", "POST"])
def csv_import(request):
    zone = default_zone()
    form = ImportForm(request.POST or None, request.FILES or None)
    rows, header_problem, done = [], None, None
    if request.method == "POST" and form.is_valid():
        term = form.cleaned_data["term"]
        rows, header_problem = csvio.check_rows(form.cleaned_data["csv_text"], term=term, zone=zone)
        if header_problem:
            form.add_error("file", header_problem)
        elif "import" in request.POST and all(r.ok for r in rows):
            outside = sum(1 for r in rows if r.warnings)
            accepted = request.POST.get("outside_term_accepted") == "1"
            if outside and not accepted:
                form.add_error(None, f"Nothing was imported: tick “Import {outside} session{pluralize(outside)} "
                                     "outside the term anyway”, or correct their dates and check the file again.")
            else:
                try:
                    created = csvio.import_rows(rows, by=request.user, outside_term_accepted=accepted)
                except ValidationError as error:
                    form.add_error(None, "Nothing was imported: " + " ".join(error.messages))
                else:
                    messages.success(request, f"Imported {len(created)} sessions into {term}.")
                    return redirect(reverse("timetable:staff-term") + f"?term={term.pk}")
        form = ImportForm(initial={"term": term.pk, "csv_text": form.cleaned_data["csv_text"]}) if not form.errors \
            else form
    problems = sum(1 for r in rows if not r.ok)
    return render(request, "timetable/import.html", {
        "form": form, "rows": rows, "problems": problems, "done": done, "columns": csvio.COLUMNS,
        "outside_term": sum(1 for r in rows if r.warnings),
        "zone_label": zone_label(zone),
    })


@require(can_edit_timetable, deny=403)
@require_safe
def csv_export(request):
    zone = default_zone()
    sessions = Session.objects.for_listing().order_by("starts_at", "pk")
    filename = "timetable"
    if request.GET.get("term", "").isdigit():
        sessions = sessions.filter(offering__term_id=int(request.GET["term"]))
        filename += f"-term-{request.GET['term']}"
    elif request.GET.get("week"):
        monday = week_monday(request.GET["week"], zone)
        start, end = week_bounds(monday, zone)
        sessions = sessions.between(start, end)
        filename += f"-{iso_week(monday)}"
    response = HttpResponse(csvio.export_csv(sessions, zone), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}.csv"'
    return response
