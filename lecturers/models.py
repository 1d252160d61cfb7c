"""Guest lecturers, their invitations to a module offering, and the log of each invitation.

One person, one profile: `GuestLecturer.email` is unique whatever its case, so
inviting someone again reuses their profile. An invitation offers one to three
slots; accepting one books a guest-lecture session through the timetable's own
service (see lecturers.services), so the clash rules apply to the guest too.
"""

import secrets

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Lower
from django.urls import reverse
from simple_history.models import HistoricalRecords

from .storage import photo_storage


class Discipline(models.Model):
    """A field a lecturer comes from (policy, health, games…): the mix staff want varied."""

    name = models.CharField(max_length=80, unique=True)
    slug = models.SlugField(max_length=80, unique=True)

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name


HONORIFICS = {"dr", "prof", "professor", "mr", "mrs", "ms", "mx", "sir", "dame", "rev", "cllr", "lord", "lady"}


class GuestLecturerQuerySet(models.QuerySet):
    def public(self):
        """Profiles the lecturer agreed to show publicly."""
        return self.filter(public_profile_consent=True)


class GuestLecturer(models.Model):
    full_name = models.CharField(max_length=200, help_text="As it should appear in print, e.g. “Dr Amara Osei”.")
    slug = models.SlugField(max_length=200, unique=True)
    organisation = models.CharField(max_length=200, blank=True)
    role = models.CharField(max_length=200, blank=True, help_text="Their job title or role.")
    disciplines = models.ManyToManyField(Discipline, blank=True, related_name="lecturers")
    topics = models.CharField(
        max_length=300, blank=True, help_text="What they speak about, separated by commas."
    )
    bio = models.TextField(blank=True, help_text="Markdown. Scripts and embeds are removed.")
    photo = models.ImageField(storage=photo_storage, upload_to="photos/", blank=True)
    links = models.TextField(blank=True, help_text="Web addresses, one a line (their site, publications…).")
    email = models.EmailField(help_text="Private: only staff see it. One profile per address.")
    phone = models.CharField(max_length=40, blank=True, help_text="Private. For the day of the lecture.")
    access_needs = models.TextField(blank=True, help_text="Private. Anything we should arrange.")
    staff_notes = models.TextField(blank=True, help_text="Private to staff; never shown to the lecturer.")
    public_profile_consent = models.BooleanField(
        default=False, help_text="They agreed to a public profile on this site."
    )
    consent_changed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+")
    history = HistoricalRecords(excluded_fields=["photo"])

    objects = GuestLecturerQuerySet.as_manager()

    class Meta:
        ordering = ["full_name"]
        constraints = [
            models.UniqueConstraint(Lower("email"), name="guest_lecturer_email_unique_ci"),
        ]

    def __str__(self):
        return self.full_name

    def get_absolute_url(self):
        return reverse("lecturers:lecturer-detail", args=[self.slug])

    def get_staff_url(self):
        return reverse("lecturers:person-detail", args=[self.pk])

    @property
    def headline(self):
        return ", ".join(part for part in (self.role, self.organisation) if part)

    @property
    def initials(self):
        """“AO” for “Dr Amara Osei”: shown where there is no photo."""
        words = [w for w in self.full_name.split() if w.rstrip(".").lower() not in HONORIFICS]
        return "".join(w[0] for w in words[:1] + words[1:][-1:]).upper()

    @property
    def topic_list(self):
        return [t.strip() for t in self.topics.split(",") if t.strip()]

    @property
    def link_list(self):
        return [line.strip() for line in self.links.splitlines() if line.strip()]


class InvitationQuerySet(models.QuerySet):
    def for_listing(self):
        return self.select_related(
            "lecturer", "offering__module", "offering__term", "host", "session__room", "chosen_slot"
        )

    def scheduled(self):
        """Invitations holding a timetabled session."""
        return self.filter(state__in=Invitation.SCHEDULED_STATES, session__isnull=False)


def new_nonce():
    return secrets.token_urlsafe(12)


class Invitation(models.Model):
    class State(models.TextChoices):
        DRAFT = "draft", "Draft"
        INVITED = "invited", "Invited"
        ACCEPTED = "accepted", "Accepted"
        DECLINED = "declined", "Declined"
        ALTERNATIVE = "alternative", "Alternative proposed"
        CONFIRMED = "confirmed", "Confirmed"
        DELIVERED = "delivered", "Delivered"
        THANKED = "thanked", "Thanked"
        CANCELLED = "cancelled", "Cancelled"

    # The lecturer may still answer; staff wait on them.
    OPEN_STATES = (State.INVITED, State.ALTERNATIVE)
    # A session is held in the timetable.
    SCHEDULED_STATES = (State.ACCEPTED, State.CONFIRMED, State.DELIVERED, State.THANKED)
    FINAL_STATES = (State.DECLINED, State.CANCELLED, State.THANKED)

    lecturer = models.ForeignKey(GuestLecturer, on_delete=models.PROTECT, related_name="invitations")
    offering = models.ForeignKey("curriculum.ModuleOffering", on_delete=models.PROTECT,
                                 related_name="guest_invitations")
    topic = models.CharField(max_length=200, help_text="What we would like them to speak about.")
    message = models.TextField(blank=True, help_text="A personal note that opens the invitation mail.")
    host = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="hosted_guest_invitations",
        help_text="The member of staff who meets them on the day and answers their questions.",
    )
    state = models.CharField(max_length=12, choices=State.choices, default=State.DRAFT)
    # The link: signed (invitation id + nonce); a new nonce makes old links stop working.
    nonce = models.CharField(max_length=32, default=new_nonce)
    link_expires_at = models.DateTimeField(null=True, blank=True)
    round = models.PositiveSmallIntegerField(default=0, help_text="How many times slots were sent.")
    invited_at = models.DateTimeField(null=True, blank=True)
    answered_at = models.DateTimeField(null=True, blank=True)
    chosen_slot = models.ForeignKey("InvitationSlot", on_delete=models.SET_NULL, null=True, blank=True,
                                    related_name="+")
    session = models.OneToOneField("timetable.Session", on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="guest_invitation")
    # The lecturer's answers.
    alternative_note = models.TextField(blank=True, help_text="When they proposed another time: what suits them.")
    decline_reason = models.TextField(blank=True)
    recording_consent = models.BooleanField(null=True, blank=True)
    av_needs = models.TextField(blank=True, help_text="Slides, sound, a video link…")
    travel = models.TextField(blank=True, help_text="How they travel and what we should book or refund.")
    cancel_reason = models.TextField(blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                                   related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = InvitationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["state", "invited_at"], name="invitation_state_idx")]
        constraints = [
            models.CheckConstraint(
                condition=~Q(state__in=["accepted", "confirmed", "delivered", "thanked"])
                | Q(chosen_slot__isnull=False),
                name="invitation_scheduled_has_slot",
            ),
            models.CheckConstraint(
                condition=Q(state__in=["draft", "cancelled"]) | Q(invited_at__isnull=False),
                name="invitation_sent_has_date",
            ),
        ]

    def __str__(self):
        return f"{self.lecturer} for {self.offering.module.code}"

    def get_absolute_url(self):
        return reverse("lecturers:invitation-detail", args=[self.pk])

    @property
    def is_open(self):
        return self.state in self.OPEN_STATES

    @property
    def is_scheduled(self):
        return self.state in self.SCHEDULED_STATES

    @property
    def is_final(self):
        return self.state in self.FINAL_STATES


class InvitationSlot(models.Model):
    """One time offered to the lecturer: where, when."""

    invitation = models.ForeignKey(Invitation, on_delete=models.CASCADE, related_name="slots")
    round = models.PositiveSmallIntegerField(default=1)
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    room = models.ForeignKey("timetable.Room", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    online_url = models.URLField(blank=True)
    withdrawn = models.BooleanField(default=False, help_text="Replaced by later slots.")

    class Meta:
        ordering = ["starts_at", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(ends_at__gt=F("starts_at")), name="slot_ends_after_start"),
            models.CheckConstraint(condition=Q(room__isnull=False) | ~Q(online_url=""), name="slot_has_room_or_link"),
        ]

    def __str__(self):
        from .dates import slot_text

        return slot_text(self)

    @property
    def where(self):
        return self.room.label if self.room_id else "Online"


class InvitationEvent(models.Model):
    """One change of an invitation's state: who, when, from what to what."""

    invitation = models.ForeignKey(Invitation, on_delete=models.CASCADE, related_name="events")
    from_state = models.CharField(max_length=12, choices=Invitation.State.choices, blank=True)
    to_state = models.CharField(max_length=12, choices=Invitation.State.choices)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                              related_name="+")
    actor_label = models.CharField(max_length=200, help_text="Who acted, in words (kept if the account goes).")
    note = models.TextField(blank=True)
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self):
        return f"{self.invitation_id}: {self.from_state or '—'} → {self.to_state} by {self.actor_label}"
