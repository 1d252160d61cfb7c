"""Public timetable pages: the week and list views, session pages, calendar feeds and the JSON API."""

import datetime

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.views.decorators.http import require_http_methods, require_safe

from accounts.permissions import is_staff_member
from curriculum.models import Cohort, Enrolment, ModuleOffering

from .. import selectors, services
from ..cards import attach_cards
from ..feeds import build_calendar
from ..forms import (
    SessionFilter,
)
from ..models import Room, Session
from ..permissions import can_edit_timetable, can_see_session
from ..timezones import aware, default_zone, iso_week, week_bounds, week_monday, zone_for, zone_label

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
    from ..models import FeedToken

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

