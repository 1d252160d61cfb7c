"""Rooms, sessions, weekly series and the booking table that prevents double booking.

A Session is one meeting of a module offering (a lecture, a seminar, a guest
lecture…). Everything a session occupies — its room, each member of staff who
teaches it, each cohort it is for, and anything another app adds (a guest
lecturer) — is a Booking row: one per session per resource, with the session's
time range. On PostgreSQL an exclusion constraint refuses two active bookings of
the same resource whose ranges overlap; see docs/timetable.md.
"""

import secrets
import uuid

from django.conf import settings
from django.contrib.postgres.fields import RangeOperators
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from simple_history.models import HistoricalRecords

from .constraints import PostgresOnlyExclusionConstraint, TsTzRange


class Room(models.Model):
    name = models.CharField(max_length=80, unique=True, help_text="As on the door, e.g. “B12”.")
    slug = models.SlugField(max_length=80, unique=True)
    building = models.CharField(max_length=120, blank=True)
    capacity = models.PositiveIntegerField(help_text="Seats.")
    accessibility_notes = models.TextField(
        blank=True, help_text="Step-free access, hearing loop, accessible toilets nearby…"
    )
    equipment_notes = models.TextField(blank=True, help_text="Projector, lab machines, whiteboards…")
    is_active = models.BooleanField(default=True, help_text="Inactive rooms cannot be booked.")
    # Rises on every save, so an edit made on an older copy is refused rather than lost.
    version = models.PositiveIntegerField(default=1, editable=False)
    updated_at = models.DateTimeField(null=True, blank=True, editable=False)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                   editable=False, related_name="+")

    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        constraints = [models.CheckConstraint(condition=Q(capacity__gt=0), name="room_capacity_positive")]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("timetable:staff-room-detail", args=[self.slug])

    @property
    def label(self):
        """“Room B12” for a code, the name alone for “Lecture Theatre 1”."""
        return self.name if " " in self.name.strip() else f"Room {self.name}"


class SessionKind(models.TextChoices):
    LECTURE = "lecture", "Lecture"
    SEMINAR = "seminar", "Seminar"
    WORKSHOP = "workshop", "Workshop"
    LAB = "lab", "Lab"
    GUEST_LECTURE = "guest_lecture", "Guest lecture"
    ASSESSMENT = "assessment", "Assessment"


class SessionSeries(models.Model):
    """A weekly pattern, e.g. Tuesdays 10:00 to 12:00 in weeks 1 to 10; its sessions are rows of Session."""

    offering = models.ForeignKey("curriculum.ModuleOffering", on_delete=models.CASCADE, related_name="series")
    kind = models.CharField(max_length=20, choices=SessionKind.choices)
    title = models.CharField(max_length=200, blank=True)
    weekday = models.PositiveSmallIntegerField(help_text="0 = Monday … 6 = Sunday.")
    start_time = models.TimeField()
    end_time = models.TimeField()
    first_week = models.PositiveSmallIntegerField()
    last_week = models.PositiveSmallIntegerField()
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["offering", "weekday", "start_time"]
        verbose_name_plural = "session series"
        constraints = [
            models.CheckConstraint(condition=Q(end_time__gt=F("start_time")), name="series_ends_after_start"),
            models.CheckConstraint(condition=Q(last_week__gte=F("first_week")), name="series_weeks_in_order"),
            models.CheckConstraint(condition=Q(weekday__lte=6), name="series_weekday_valid"),
        ]

    def __str__(self):
        return f"{self.offering.module.code} {self.get_kind_display().lower()} series"

    def get_absolute_url(self):
        return reverse("timetable:series-detail", args=[self.pk])


class SessionQuerySet(models.QuerySet):
    def active(self):
        return self.exclude(status=Session.Status.CANCELLED)

    def public(self):
        """Sessions anyone may see: published, of a published module."""
        return self.filter(is_published=True, offering__module__status="published")

    def between(self, start, end):
        return self.filter(starts_at__lt=end, ends_at__gt=start)

    def for_listing(self):
        return self.select_related("offering__module", "offering__term", "room", "series").prefetch_related(
            "teachers", "cohorts"
        )


class Session(models.Model):
    class Status(models.TextChoices):
        SCHEDULED = "scheduled", "Scheduled"
        MOVED = "moved", "Moved"
        CANCELLED = "cancelled", "Cancelled"

    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    offering = models.ForeignKey("curriculum.ModuleOffering", on_delete=models.CASCADE, related_name="sessions")
    series = models.ForeignKey(SessionSeries, on_delete=models.SET_NULL, null=True, blank=True,
                               related_name="sessions")
    week = models.PositiveSmallIntegerField(null=True, blank=True, help_text="Teaching week of the term.")
    kind = models.CharField(max_length=20, choices=SessionKind.choices)
    title = models.CharField(max_length=200, blank=True, help_text="Optional, e.g. the topic of the week.")
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    room = models.ForeignKey(Room, on_delete=models.PROTECT, null=True, blank=True, related_name="sessions")
    online_url = models.URLField(blank=True, help_text="For an online session, the link instead of a room.")
    teachers = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="taught_sessions")
    cohorts = models.ManyToManyField("curriculum.Cohort", blank=True, related_name="sessions")
    expected_attendance = models.PositiveIntegerField(
        null=True, blank=True, help_text="Leave blank to use the number of students enrolled in its cohorts."
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.SCHEDULED)
    cancel_reason = models.TextField(blank=True)
    is_published = models.BooleanField(default=True)
    # iCalendar SEQUENCE: rises on every change so calendar apps replace their copy.
    sequence = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+")

    objects = SessionQuerySet.as_manager()

    class Meta:
        ordering = ["starts_at", "pk"]
        indexes = [models.Index(fields=["starts_at", "ends_at"], name="session_time_idx")]
        constraints = [
            models.CheckConstraint(condition=Q(ends_at__gt=F("starts_at")), name="session_ends_after_start"),
            models.CheckConstraint(condition=Q(room__isnull=False) | ~Q(online_url=""),
                                   name="session_has_room_or_link"),
            models.CheckConstraint(condition=Q(status="cancelled") | Q(cancel_reason=""),
                                   name="session_reason_only_when_cancelled"),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("timetable:session-detail", args=[self.uid])

    @property
    def name(self):
        """Plain words: “MPT7001 lecture”."""
        return f"{self.offering.module.code} {self.get_kind_display().lower()}"

    @property
    def is_cancelled(self):
        return self.status == self.Status.CANCELLED

    @property
    def where(self):
        return self.room.label if self.room_id else "Online"


class Booking(models.Model):
    """One resource held by one session for the session's time.

    `resource_kind` is "room", "staff", "cohort" or any kind another app adds
    (the lecturers app adds "guest"); `resource_id` is that thing's id in its
    own table. Only active bookings (of sessions that are not cancelled) count.
    """

    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="bookings")
    resource_kind = models.CharField(max_length=20)
    resource_id = models.BigIntegerField()
    resource_label = models.CharField(max_length=200, help_text="How a clash message names it.")
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    is_active = models.BooleanField(default=True)

    class Meta:
        indexes = [
            models.Index(fields=["resource_kind", "resource_id", "starts_at"], name="booking_resource_idx"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["session", "resource_kind", "resource_id"],
                                    name="booking_once_per_session"),
            models.CheckConstraint(condition=Q(ends_at__gt=F("starts_at")), name="booking_ends_after_start"),
            PostgresOnlyExclusionConstraint(
                name="booking_no_overlap",
                expressions=[
                    ("resource_kind", RangeOperators.EQUAL),
                    ("resource_id", RangeOperators.EQUAL),
                    (TsTzRange("starts_at", "ends_at"), RangeOperators.OVERLAPS),
                ],
                condition=Q(is_active=True),
            ),
        ]

    def __str__(self):
        return f"{self.resource_label} for {self.session_id}"


class NonTeachingWeek(models.Model):
    """A week of a term with no series teaching, e.g. reading week."""

    term = models.ForeignKey("curriculum.Term", on_delete=models.CASCADE, related_name="non_teaching_weeks")
    week = models.PositiveSmallIntegerField()
    label = models.CharField(max_length=80, default="Reading week")

    class Meta:
        ordering = ["term", "week"]
        constraints = [models.UniqueConstraint(fields=["term", "week"], name="non_teaching_week_once")]

    def __str__(self):
        return f"{self.label} (week {self.week}, {self.term})"


class ClosureDate(models.Model):
    """A day the university is closed; weekly series skip it."""

    date = models.DateField(unique=True)
    label = models.CharField(max_length=120)

    class Meta:
        ordering = ["date"]

    def __str__(self):
        return f"{self.label} ({self.date:%d %b %Y})"


def new_feed_token():
    return secrets.token_urlsafe(24)


class FeedToken(models.Model):
    """The secret in a person's personal calendar feed URL. Revoking replaces it."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="timetable_feed")
    token = models.CharField(max_length=64, unique=True, default=new_feed_token)
    created_at = models.DateTimeField(auto_now=True)

    def __str__(self):
        return f"Feed of {self.user}"
