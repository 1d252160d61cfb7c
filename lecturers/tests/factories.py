import datetime
import io

import factory
from django.core.files.base import ContentFile
from django.utils import timezone
from PIL import Image

from accounts.roles import Role
from accounts.tests.factories import UserFactory
from curriculum.tests.factories import (
    AcademicYearFactory,
    CohortFactory,
    EnrolmentFactory,
    ModuleOfferingFactory,
    ProgrammeModuleFactory,
    TermFactory,
)
from lecturers import services
from lecturers.models import Discipline, GuestLecturer, Invitation, InvitationEvent, InvitationSlot
from timetable.tests.factories import LONDON, RoomFactory

__all__ = ["RoomFactory", "UserFactory"]


class DisciplineFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Discipline
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"Discipline {n}")
    slug = factory.LazyAttribute(lambda o: o.name.lower().replace(" ", "-"))


class GuestLecturerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = GuestLecturer
        skip_postgeneration_save = True

    full_name = factory.Sequence(lambda n: f"Dr Guest Speaker {n}")
    slug = factory.Sequence(lambda n: f"guest-speaker-{n}")
    organisation = "Office for Public Data"
    role = "Head of Data"
    email = factory.Sequence(lambda n: f"guest{n}@example.net")
    bio = "Works on **open data** in government."
    public_profile_consent = True

    class Params:
        private = factory.Trait(public_profile_consent=False)

    @factory.post_generation
    def disciplines(self, create, extracted, **kwargs):
        if create and extracted:
            self.disciplines.set(extracted)


def future_day(days=30, weekday=1):
    """A weekday (default Tuesday) about `days` from now, in London."""
    day = timezone.localdate() + datetime.timedelta(days=days)
    return day + datetime.timedelta(days=(weekday - day.weekday()) % 7)


def at(day, hour, minute=0):
    return datetime.datetime.combine(day, datetime.time(hour, minute), tzinfo=LONDON)


def slot(day=None, start=14, end=16, room="new", online_url=""):
    day = day or future_day()
    if room == "new":
        room = RoomFactory()
    return services.SlotSpec(at(day, start), at(day, end), room, online_url)


def make_offering(*, students=0):
    """An offering whose module is core on a programme with a cohort this year (and `students` enrolled)."""
    year = AcademicYearFactory(first_year=timezone.localdate().year)
    term = TermFactory(academic_year=year)
    offering = ModuleOfferingFactory(term=term)
    placement = ProgrammeModuleFactory(module=offering.module)
    cohort = CohortFactory(programme=placement.programme, academic_year=year)
    for _ in range(students):
        EnrolmentFactory(cohort=cohort)
    return offering


def staff_user(**kwargs):
    return UserFactory(roles=[Role.STAFF], **kwargs)


def make_invitation(*, lecturer=None, offering=None, slots=None, host=None, send=True, by=None, topic="Open data"):
    by = by or staff_user()
    return services.invitation_create(
        lecturer=lecturer or GuestLecturerFactory(), offering=offering or make_offering(), topic=topic,
        host=host or by, slots=slots or [slot()], by=by, send=send,
    )


def jpeg_bytes(size=(1600, 1200), exif=True, fmt="JPEG"):
    image = Image.new("RGB", size, (200, 30, 30))
    out = io.BytesIO()
    options = {}
    if exif and fmt == "JPEG":
        data = Image.Exif()
        data[0x010F] = "SpyCam"       # Make
        data[0x8825] = {2: (51.0, 30.0, 0.0)}  # GPSInfo
        options["exif"] = data.tobytes()
    image.save(out, format=fmt, **options)
    return out.getvalue()


def upload(content, name="photo.jpg", content_type="image/jpeg"):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, content, content_type=content_type)


def cleaned_photo():
    from lecturers.photos import clean_photo

    return clean_photo(ContentFile(jpeg_bytes(), name="p.jpg"))


class InvitationFactory(factory.django.DjangoModelFactory):
    """A draft invitation with no slots yet; `make_invitation` sends one through the service.

    States that need a chosen slot (accepted and later) come from the service too."""

    class Meta:
        model = Invitation

    lecturer = factory.SubFactory(GuestLecturerFactory)
    offering = factory.SubFactory(ModuleOfferingFactory)
    topic = "Open data"
    host = factory.SubFactory(UserFactory, roles=[Role.STAFF])
    created_by = factory.SelfAttribute("host")

    class Params:
        invited = factory.Trait(
            state=Invitation.State.INVITED,
            round=1,
            invited_at=factory.LazyFunction(timezone.now),
            link_expires_at=factory.LazyFunction(lambda: timezone.now() + datetime.timedelta(days=14)),
        )
        declined = factory.Trait(
            state=Invitation.State.DECLINED,
            round=1,
            invited_at=factory.LazyFunction(lambda: timezone.now() - datetime.timedelta(days=2)),
            answered_at=factory.LazyFunction(timezone.now),
            decline_reason="I am abroad that term.",
        )
        alternative = factory.Trait(
            state=Invitation.State.ALTERNATIVE,
            round=1,
            invited_at=factory.LazyFunction(lambda: timezone.now() - datetime.timedelta(days=2)),
            answered_at=factory.LazyFunction(timezone.now),
            alternative_note="Any Thursday afternoon in November.",
        )
        cancelled = factory.Trait(state=Invitation.State.CANCELLED, cancel_reason="The module was withdrawn.")


class InvitationSlotFactory(factory.django.DjangoModelFactory):
    """A time offered, a Tuesday 14:00 to 16:00 about a month ahead, in a new room."""

    class Meta:
        model = InvitationSlot

    invitation = factory.SubFactory(InvitationFactory, invited=True)
    starts_at = factory.LazyFunction(lambda: at(future_day(), 14))
    ends_at = factory.LazyAttribute(lambda o: o.starts_at + datetime.timedelta(hours=2))
    room = factory.SubFactory(RoomFactory)

    class Params:
        online = factory.Trait(room=None, online_url="https://meet.example.org/guest")
        withdrawn_slot = factory.Trait(withdrawn=True)


class InvitationEventFactory(factory.django.DjangoModelFactory):
    """The log line of an invitation sent by its host."""

    class Meta:
        model = InvitationEvent

    invitation = factory.SubFactory(InvitationFactory, invited=True)
    from_state = Invitation.State.DRAFT
    to_state = Invitation.State.INVITED
    actor = factory.SelfAttribute("invitation.host")
    actor_label = factory.LazyAttribute(lambda o: o.actor.full_name)

    class Params:
        by_lecturer = factory.Trait(
            from_state=Invitation.State.INVITED,
            to_state=Invitation.State.DECLINED,
            actor=None,
            actor_label=factory.LazyAttribute(lambda o: o.invitation.lecturer.full_name),
        )
