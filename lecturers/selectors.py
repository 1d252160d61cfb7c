"""Reads the lecturers pages need, each in a fixed number of queries whatever the data size."""

from collections import Counter
from dataclasses import dataclass

from django.db.models import Count, Prefetch, Q
from django.utils import timezone

from curriculum.models import AcademicYear

from .models import Discipline, GuestLecturer, Invitation, InvitationEvent, InvitationSlot

State = Invitation.State


def public_lecturers(*, discipline=None):
    lecturers = GuestLecturer.objects.public().prefetch_related("disciplines")
    if discipline is not None:
        lecturers = lecturers.filter(disciplines=discipline)
    return lecturers.order_by("full_name")


def public_lecturer(slug):
    """A consented profile with its upcoming and past lectures (None when not public)."""
    now = timezone.now()
    lecturer = (
        GuestLecturer.objects.public()
        .prefetch_related(
            "disciplines",
            Prefetch("invitations", queryset=Invitation.objects.scheduled().exclude(session__status="cancelled")
                     .filter(session__is_published=True).select_related("offering__module", "session__room")
                     .order_by("session__starts_at"), to_attr="lectures"),
        )
        .filter(slug=slug)
        .first()
    )
    if lecturer is not None:
        lecturer.upcoming = [i for i in lecturer.lectures if i.session.ends_at >= now]
        lecturer.past = [i for i in lecturer.lectures if i.session.ends_at < now][::-1]
    return lecturer


def staff_lecturers(*, q="", discipline=None):
    lecturers = GuestLecturer.objects.prefetch_related("disciplines").annotate(
        invitation_count=Count("invitations", distinct=True),
        lecture_count=Count("invitations", filter=Q(invitations__state__in=Invitation.SCHEDULED_STATES),
                            distinct=True),
    )
    if q:
        lecturers = lecturers.filter(
            Q(full_name__icontains=q) | Q(organisation__icontains=q) | Q(topics__icontains=q) | Q(email__icontains=q)
        )
    if discipline is not None:
        lecturers = lecturers.filter(disciplines=discipline)
    return lecturers.order_by("full_name")


def staff_lecturer(pk):
    return (
        GuestLecturer.objects.prefetch_related(
            "disciplines",
            Prefetch("invitations", queryset=Invitation.objects.for_listing().order_by("-created_at")),
        )
        .get(pk=pk)
    )


def invitations(*, state=None, academic_year=None):
    qs = Invitation.objects.for_listing()
    if state:
        qs = qs.filter(state=state)
    if academic_year is not None:
        qs = qs.filter(offering__academic_year=academic_year)
    return qs.order_by("-updated_at", "-pk")


def state_counts(*, academic_year=None):
    qs = Invitation.objects.all()
    if academic_year is not None:
        qs = qs.filter(offering__academic_year=academic_year)
    counts = dict(qs.values_list("state").annotate(n=Count("pk")).order_by())
    return [(state, counts.get(state.value, 0)) for state in State]


def upcoming_guest_lectures(*, limit=10, now=None, public=False, offering=None, module=None):
    now = now or timezone.now()
    qs = Invitation.objects.for_listing().filter(
        state__in=Invitation.SCHEDULED_STATES, session__ends_at__gte=now,
    ).exclude(session__status="cancelled")
    if public:
        qs = qs.filter(session__is_published=True, offering__module__status="published")
    if offering is not None:
        qs = qs.filter(offering=offering)
    if module is not None:
        qs = qs.filter(offering__module=module)
    return list(qs.order_by("session__starts_at")[:limit])


def invitation_detail(pk):
    return (
        Invitation.objects.for_listing()
        .select_related("chosen_slot__room", "created_by")
        .prefetch_related(
            Prefetch("slots", queryset=InvitationSlot.objects.select_related("room").order_by("round", "starts_at")),
            Prefetch("events", queryset=InvitationEvent.objects.select_related("actor").order_by("at", "pk")),
            "lecturer__disciplines",
        )
        .get(pk=pk)
    )


def invitation_for_link(pk):
    return (
        Invitation.objects.for_listing()
        .select_related("chosen_slot__room")
        .prefetch_related(
            Prefetch("slots", queryset=InvitationSlot.objects.filter(withdrawn=False).select_related("room")),
            "lecturer__disciplines",
        )
        .get(pk=pk)
    )


def current_academic_year(today=None):
    today = today or timezone.localdate()
    return (
        AcademicYear.objects.filter(starts_on__lte=today, ends_on__gte=today).first()
        or AcademicYear.objects.filter(starts_on__gt=today).order_by("starts_on").first()
        or AcademicYear.objects.order_by("-starts_on").first()
    )


@dataclass
class Bar:
    discipline: str
    count: int
    share: int   # per cent of lectures, rounded
    width: int   # per cent of the longest bar (for drawing)


def discipline_mix(*, academic_year=None):
    """How many agreed guest lectures of the year come from each discipline.

    A lecturer of two disciplines counts once in each; disciplines with none
    this year are listed too (at zero), so the gaps show.
    """
    qs = Invitation.objects.filter(state__in=Invitation.SCHEDULED_STATES)
    if academic_year is not None:
        qs = qs.filter(offering__academic_year=academic_year)
    lecture_ids = list(qs.values_list("lecturer_id", flat=True))
    per_lecturer = Counter(lecture_ids)
    counts = Counter()
    for lecturer_id, discipline_id in Discipline.lecturers.through.objects.filter(
        guestlecturer_id__in=per_lecturer
    ).values_list("guestlecturer_id", "discipline_id"):
        counts[discipline_id] += per_lecturer[lecturer_id]
    names = dict(Discipline.objects.values_list("pk", "name"))
    total = len(lecture_ids)
    biggest = max(counts.values(), default=0)
    bars = [
        Bar(name, counts[pk], round(100 * counts[pk] / total) if total else 0,
            round(100 * counts[pk] / biggest) if biggest else 0)
        for pk, name in names.items()
    ]
    bars.sort(key=lambda b: (-b.count, b.discipline))
    return bars, total


def academic_years():
    return list(AcademicYear.objects.order_by("-starts_on"))
