"""Timetable pages: the public week and list views, feeds, the JSON API and the staff screens."""

import contextlib
import datetime

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.defaultfilters import pluralize
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from accounts.permissions import is_staff_member
from core.access import require
from curriculum.models import Cohort, Enrolment, ModuleOffering, Term

from . import csvio, selectors, services
from .cards import attach_cards, attach_cell_html
from .clashes import find_warnings, outside_term_warning
from .feeds import build_calendar
from .forms import (
    CancelForm,
    ImportForm,
    SeriesEditForm,
    SeriesForm,
    SeriesMoveForm,
    SessionFilter,
    SessionForm,
)
from .models import Room, Session, SessionSeries
from .permissions import can_edit_timetable, can_see_session
from .timezones import DASH, aware, default_zone, iso_week, week_bounds, week_monday, zone_for, zone_label

FEED_PAST = datetime.timedelta(days=120)


def _week_nav(monday):
    return {
        "monday": monday,
        "sunday": monday + datetime.timedelta(days=6),
        "week": iso_week(monday),
        "previous_week": iso_week(monday - datetime.timedelta(weeks=1)),
        "next_week": iso_week(monday + datetime.timedelta(weeks=1)),
        "this_week": iso_week(week_monday(None)),
    }


def _query_with(request, **changes):
    params = request.GET.copy()
    for key, value in changes.items():
        params[key] = value
    return params.urlencode()


# Public --------------------------------------------------------------------------


@require_safe
def week(request):
    """The public week: a grid by day, or (view=list) a list for phones and screen readers."""
    filterset = SessionFilter(request.GET or None, queryset=Session.objects.public())
    programme = filterset.form.cleaned_data.get("programme") if filterset.form.is_valid() else None
    zone = zone_for(programme)
    monday = week_monday(request.GET.get("week"), zone)
    start, end = week_bounds(monday, zone)
    sessions = attach_cards(selectors.week_rows(filterset.qs.between(start, end)), zone)
    # No choice made: the list on small screens, the grid on wide ones (CSS picks).
    mode = request.GET.get("view") if request.GET.get("view") in ("grid", "list") else "auto"
    context = {
        "filterset": filterset,
        "filters": selectors.public_filter_options(request.GET),
        "days": selectors.week_days(sessions, monday, zone),
        "session_count": len(sessions),
        "mode": mode,
        "zone": zone,
        "zone_label": zone_label(zone),
        "grid_query": _query_with(request, view="grid"),
        "list_query": _query_with(request, view="list"),
        "prev_query": _query_with(request, week=_week_nav(monday)["previous_week"]),
        "next_query": _query_with(request, week=_week_nav(monday)["next_week"]),
        **_week_nav(monday),
    }
    chosen = filterset.form.cleaned_data if filterset.form.is_valid() else {}
    if chosen.get("module") is not None:
        context["module_offerings"] = list(
            ModuleOffering.objects.filter(module=chosen["module"]).select_related("term__academic_year")
        )
    context["selected_room"] = chosen.get("room")
    if programme is not None:
        context["programme_cohorts"] = list(Cohort.objects.filter(programme=programme).select_related("academic_year"))
    template = "timetable/partials/week_body.html" if request.headers.get("HX-Request") else "timetable/week.html"
    with timezone.override(zone):
        response = render(request, template, context)
    patch_vary_headers(response, ["HX-Request"])  # the same URL answers a fragment to htmx
    return response


@require_safe
def session_detail(request, uid):
    try:
        session = selectors.session_for_detail(uid)
    except (Session.DoesNotExist, ValidationError):
        raise Http404 from None
    if not can_see_session(request.user, session):
        raise Http404
    programme = next(iter(session.offering.module.programmes.all()), None)
    zone = zone_for(programme)
    with timezone.override(zone):
        return render(request, "timetable/session_detail.html", {
            "session": session, "zone_label": zone_label(zone), "can_edit": can_edit_timetable(request.user),
        })


def _feed_response(sessions, *, name, filename, zone=None):
    body = build_calendar(sessions, name=name, zone=zone)
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}.ics"'
    response["Cache-Control"] = "private, max-age=300"
    return response


def _feed_sessions(**filters):
    since = timezone.now() - FEED_PAST
    return Session.objects.public().filter(ends_at__gte=since, **filters).for_listing().order_by("starts_at")


@require_safe
def feed_offering(request, pk):
    offering = get_object_or_404(ModuleOffering.objects.select_related("module", "term__academic_year"), pk=pk,
                                 module__status="published")
    return _feed_response(_feed_sessions(offering=offering), name=f"{offering.module.code} {offering.module.title}",
                          filename=f"{offering.module.code.lower()}-{offering.term.academic_year.slug}")


@require_safe
def feed_cohort(request, slug):
    cohort = get_object_or_404(Cohort, slug=slug)
    return _feed_response(_feed_sessions(cohorts=cohort), name=cohort.name, filename=cohort.slug)


@require_safe
def feed_room(request, slug):
    room = get_object_or_404(Room, slug=slug)
    return _feed_response(_feed_sessions(room=room), name=room.label, filename=f"room-{room.slug}")


@require_safe
def feed_staff(request, pk):
    person = get_object_or_404(get_user_model(), pk=pk, is_active=True)
    if not is_staff_member(person):
        raise Http404
    return _feed_response(_feed_sessions(teachers=person), name=f"Teaching: {person.full_name}",
                          filename=f"staff-{person.pk}")


@require_safe
def feed_personal(request, token):
    from .models import FeedToken

    feed = get_object_or_404(FeedToken.objects.select_related("user"), token=token, user__is_active=True)
    user = feed.user
    cohort_ids = Enrolment.objects.filter(student=user, status=Enrolment.Status.ACTIVE).values("cohort_id")
    since = timezone.now() - FEED_PAST
    sessions = (
        Session.objects.filter(Q(cohorts__in=cohort_ids) | Q(teachers=user), ends_at__gte=since)
        .filter(Q(is_published=True) | Q(teachers=user))
        .distinct().for_listing().order_by("starts_at")
    )
    return _feed_response(sessions, name=f"My timetable ({user.get_short_name()})", filename="my-timetable")


@login_required
@require_http_methods(["GET", "POST"])
def my_feed(request):
    if request.method == "POST":
        services.feed_token_revoke(user=request.user)
        messages.success(request, "Your old calendar link no longer works. Add the new one to your calendar.")
        return redirect("timetable:my-feed")
    token = services.feed_token_for(user=request.user)
    url = request.build_absolute_uri(reverse("timetable:feed-personal", args=[token.token]))
    webcal = url.replace("https://", "webcal://").replace("http://", "webcal://")
    return render(request, "timetable/my_feed.html", {
        "feed_url": url, "webcal_url": webcal, "is_staff": is_staff_member(request.user),
    })


API_PAGE_SIZE = 100


def _session_json(s, zone):
    return {
        "uid": str(s.uid),
        "module": {"code": s.offering.module.code, "title": s.offering.module.title, "slug": s.offering.module.slug},
        "term": str(s.offering.term),
        "kind": s.kind,
        "title": s.title,
        "starts_at": timezone.localtime(s.starts_at, zone).isoformat(),
        "ends_at": timezone.localtime(s.ends_at, zone).isoformat(),
        "timezone": zone.key,
        "room": {"name": s.room.name, "building": s.room.building} if s.room_id else None,
        "online": bool(s.online_url),
        "teachers": [t.full_name for t in s.teachers.all()],
        "cohorts": [c.slug for c in s.cohorts.all()],
        "status": s.status,
        "cancel_reason": s.cancel_reason,
        "sequence": s.sequence,
        "url": s.get_absolute_url(),
    }


@require_safe
def api_sessions(request):
    """Published sessions as JSON; ?from=&to= (dates), ?module=&room=&programme= (slugs), ?cohort=, ?page=."""
    zone = default_zone()
    qs = SessionFilter(request.GET or None, queryset=Session.objects.public()).qs
    errors = {}
    bounds = {}
    for key in ("from", "to"):
        if request.GET.get(key):
            try:
                bounds[key] = aware(datetime.date.fromisoformat(request.GET[key]), datetime.time.min, zone)
            except ValueError:
                errors[key] = "Use a date like 2027-02-01."
    if errors:
        return JsonResponse({"errors": errors}, status=400)
    if "from" in bounds:
        qs = qs.filter(ends_at__gt=bounds["from"])
    if "to" in bounds:
        qs = qs.filter(starts_at__lt=bounds["to"])
    if request.GET.get("cohort"):
        qs = qs.filter(cohorts__slug=request.GET["cohort"])
    # The term's academic year names the term in each item.
    qs = qs.for_listing().select_related("offering__term__academic_year").order_by("starts_at", "pk")
    page = Paginator(qs, API_PAGE_SIZE).get_page(request.GET.get("page"))
    base = request.build_absolute_uri(request.path)
    return JsonResponse({
        "count": page.paginator.count,
        "next": f"{base}?{_query_with(request, page=page.next_page_number())}" if page.has_next() else None,
        "previous": f"{base}?{_query_with(request, page=page.previous_page_number())}" if page.has_previous() else None,
        "results": [_session_json(s, zone) for s in page.object_list],
    })


# Staff ---------------------------------------------------------------------------

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
        from .models import NonTeachingWeek

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
    from .timezones import when_text

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
