"""Demo guest lecturers: a dozen people from many disciplines, invitations in every state.

Only `manage.py seed_demo` calls this. The people are invented; each has a
portrait drawn here (initials on a coloured square), so the pages show photos. It builds on the
curriculum and timetable demos (it looks offerings and rooms up) and is
idempotent: lecturers are found by email, invitations by lecturer and topic.
Dates are relative to today, so the demo always has lectures coming up: past
lectures in the autumn term, future ones in the weeks ahead.
"""

import datetime
import hashlib
import io

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from PIL import Image, ImageDraw, ImageFont

from accounts.models import User
from core.access import SYSTEM
from curriculum.models import ModuleOffering
from timetable.models import Room
from timetable.timezones import aware, default_zone

from . import services
from .models import Discipline, GuestLecturer, Invitation
from .photos import clean_photo
from .services import VIA_LINK, SlotSpec

State = Invitation.State

PEOPLE = [
    # name, email, organisation, role, disciplines, topics, consent, bio
    ("Dr Amara Osei", "amara.osei@example.net", "Department for Work and Pensions", "Head of Service Design",
     ["Design", "Government"], "service design, benefits, designing with people in crisis", True,
     "Amara leads the team that rebuilt the **Universal Support claim** so that it can be finished on a phone in "
     "under twenty minutes. Before government she ran a design studio working with housing charities."),
    ("Priya Raman", "priya.raman@example.net", "The Northern Ledger", "Data journalist",
     ["Journalism", "Data"], "freedom of information, data journalism, auditing public algorithms", True,
     "Priya's investigations into council contract data have twice changed national procurement rules. "
     "She teaches newsrooms to read a spreadsheet as critically as a press release."),
    ("Prof. Tomasz Wieczorek", "t.wieczorek@example.net", "Midlands Institute of Health",
     "Professor of Health Informatics", ["Health", "Data"], "patient records, interoperability, clinical data", True,
     "Tomasz has spent twenty years making hospital systems talk to each other, and writes about why it is "
     "still so hard."),
    ("Hannah Achterberg", "hannah@example.net", "Civic Play Studio", "Game designer",
     ["Games", "Design"], "serious games, play-testing policy, participatory design", True,
     "Hannah designs board and video games that let citizens try out a policy before it is decided. "
     "Her *Budget Town* has been played in forty council chambers."),
    ("Dr Lewis Mbeki-Hart", "lewis.mbeki-hart@example.net", "Cabinet Office", "Senior Policy Adviser",
     ["Policy", "Government"], "how ministers decide, writing submissions, the civil service", False,
     "Lewis has advised four secretaries of state on digital and data policy."),
    ("Rosa Delgado", "rosa.delgado@example.net", "Greater Fenwick Combined Authority", "Chief Digital Officer",
     ["Government", "Urbanism"], "local government, transport data, digital inclusion", True,
     "Rosa runs digital services for a region of 2.8 million people, from bus timetables to adult social care."),
    ("Dr Ifeoma Nwachukwu", "ifeoma.n@example.net", "St Brannock's Hospitals NHS Trust", "Clinical Safety Officer",
     ["Health"], "clinical safety, risk, software in hospitals", True,
     "Ifeoma is a doctor who signs off the safety case for every piece of software her trust puts in front of "
     "patients."),
    ("Callum Fraser", "callum.fraser@example.net", "Open Accounts Trust", "Investigations editor",
     ["Journalism"], "public spending, scrutiny, open contracting", True,
     "Callum edits investigations into how public money is spent, and builds the tools his reporters use."),
    ("Dr Mei Lin Zhao", "meilin.zhao@example.net", "Institute for Fiscal Futures", "Senior Economist",
     ["Economics", "Policy"], "cost-benefit analysis, evaluating programmes, the Green Book", True,
     "Mei Lin evaluates what government programmes actually achieve, and explains it to people who would "
     "rather not know."),
    ("Sarah Okonkwo-Byrne", "sarah.ob@example.net", "Digital Rights Law Centre", "Solicitor",
     ["Law"], "data protection, judicial review, automated decisions", True,
     "Sarah brings cases on behalf of people harmed by automated decisions in the public sector."),
    ("Jonas Lindqvist", "jonas.lindqvist@example.net", "National Cyber Resilience Unit", "Security Architect",
     ["Security"], "threat modelling, secure by design, incident response", False,
     "Jonas helps government teams design services that stay up when they are attacked."),
    ("Beatrix Hollis", "beatrix.hollis@example.net", "Care Tech Collaborative", "Director",
     ["Social care", "Design"], "social care, co-design with carers, technology at home", True,
     "Beatrix spent a decade as a care worker before founding a collaborative that builds tools with carers, "
     "not for them."),
]

# email, module code, topic, state, when: (days from today) or None; the lecture's day is moved to a Wednesday.
INVITATIONS = [
    ("t.wieczorek@example.net", "MPT7003", "Why hospital data does not add up", State.THANKED, -40),
    ("ifeoma.n@example.net", "MPT7002", "When software can hurt patients: clinical safety cases", State.DELIVERED, -12),
    ("rosa.delgado@example.net", "MPT7001", "Running digital services for a region", State.CONFIRMED, 8),
    ("amara.osei@example.net", "MPT7005", "Designing with people in crisis", State.CONFIRMED, 50),
    ("beatrix.hollis@example.net", "MPT7005", "Co-designing technology with carers", State.CONFIRMED, 71),
    ("meilin.zhao@example.net", "MPT7009", "Did it work? Evaluating digital programmes", State.ACCEPTED, 64),
    ("lewis.mbeki-hart@example.net", "MPT7007", "What a minister needs from you", State.CANCELLED, 57),
    ("hannah@example.net", "MPT7006", "Play-testing a policy before it is decided", State.ALTERNATIVE, 78),
    ("priya.raman@example.net", "MPT7008", "Auditing public algorithms with open data", State.INVITED, 85),
    ("callum.fraser@example.net", "MPT7008", "Following the money: open contracting", State.INVITED, 92),
    ("sarah.ob@example.net", "MPT7004", "Automated decisions in court", State.DECLINED, 99),
    ("jonas.lindqvist@example.net", "MPT7004", "Secure by design, in practice", State.DRAFT, 106),
]

ROOM_ORDER = ["b12", "b14", "lt1", "k0-16"]


def _wednesday(days):
    day = timezone.localdate() + datetime.timedelta(days=days)
    return day + datetime.timedelta(days=(2 - day.weekday()) % 7)


def _offering(code):
    """This year's offering of a module if there is one, else its latest."""
    return (ModuleOffering.objects.filter(module__code=code).select_related("module", "term")
            .order_by("term__starts_on").filter(term__ends_on__gte=timezone.localdate() - datetime.timedelta(days=60))
            .first()
            or ModuleOffering.objects.filter(module__code=code).order_by("-term__starts_on").first())


# Portrait backgrounds: dark enough for white initials to pass WCAG AA contrast.
PHOTO_COLOURS = [(31, 78, 121), (122, 41, 88), (24, 94, 72), (140, 60, 20), (70, 56, 130), (90, 90, 40)]


def demo_photo(lecturer):
    """A square portrait with the lecturer's initials, the same bytes every time for the same person.

    Made as an upload would be and passed through clean_photo, so the demo's
    photos take the path a real one does."""
    colour = PHOTO_COLOURS[int(hashlib.sha256(lecturer.email.encode()).hexdigest(), 16) % len(PHOTO_COLOURS)]
    image = Image.new("RGB", (480, 480), colour)
    draw = ImageDraw.Draw(image)
    font = ImageFont.load_default(size=190)
    draw.text((240, 240), lecturer.initials, fill=(255, 255, 255), font=font, anchor="mm")
    raw = io.BytesIO()
    image.save(raw, format="PNG")
    return clean_photo(ContentFile(raw.getvalue(), name="portrait.png"))


def _lecturers(staff):
    made = {}
    for name, email, organisation, role, disciplines, topics, consent, bio in PEOPLE:
        lecturer = GuestLecturer.objects.filter(email__iexact=email).first()
        if lecturer is None:
            lecturer = services.lecturer_create(
                by=staff, full_name=name, email=email, organisation=organisation, role=role, topics=topics,
                bio=bio, public_profile_consent=consent,
                disciplines=[Discipline.objects.get_or_create(slug=d.lower().replace(" ", "-"),
                                                              defaults={"name": d})[0] for d in disciplines],
            )
        if not lecturer.photo:
            lecturer = services.lecturer_update(lecturer=lecturer, by=staff, photo=demo_photo(lecturer))
        made[email] = lecturer
    return made


def _slots(offering, days, rooms):
    """Three Wednesday slots a week apart, 16:30-18:00, starting `days` from today."""
    zone = default_zone()
    slots = []
    for n in range(3):
        day = _wednesday(days + 7 * n)
        room = rooms[(days // 7 + n) % len(rooms)] if rooms else None
        slots.append(SlotSpec(aware(day, datetime.time(16, 30), zone), aware(day, datetime.time(18), zone), room,
                              "" if room else "https://meet.example.org/mpt-guest"))
    return slots


def _free_slots(lecturer, offering, host, specs):
    return [s for s in specs if not services.slot_clashes(lecturer=lecturer, offering=offering, host=host, slot=s)]


def _play(invitation, state, staff):
    """Walk a sent invitation to `state` the way people would."""
    if state in (State.DRAFT, State.INVITED):
        return
    if state == State.DECLINED:
        services.invitation_decline(invitation=invitation, reason="I am on a research visit abroad that term.",
                                    by=VIA_LINK)
        return
    if state == State.ALTERNATIVE:
        services.invitation_propose_alternative(
            invitation=invitation, note="Those Wednesdays are taken by a festival; any Thursday afternoon in the "
                                        "same month would suit me.", by=VIA_LINK)
        return
    slot = invitation.slots.order_by("starts_at").first()
    with transaction.atomic():
        invitation = Invitation.objects.select_for_update(of=("self",)).get(pk=invitation.pk)
        # Past lectures of the demo are held directly: invitation_accept refuses a time that has passed.
        services.hold_session(invitation, slot)
        services._transition(invitation, State.ACCEPTED, by=VIA_LINK, note=f"Chose {slot}.")
    if state == State.ACCEPTED:
        return
    if state == State.CANCELLED:
        services.invitation_cancel(invitation=invitation, reason="The minister has called an election; civil "
                                                                 "servants cannot speak in public until it is over.",
                                   by=staff)
        return
    services.invitation_confirm(invitation=invitation, recording_consent=True, av_needs="Slides from my own laptop "
                                "(USB-C).", travel="Train; an off-peak return would be ideal.",
                                public_profile_consent=invitation.lecturer.public_profile_consent, by=VIA_LINK)
    if state == State.CONFIRMED:
        return
    services.invitations_mark_delivered_due()
    invitation.refresh_from_db()
    if state == State.THANKED and invitation.state == State.DELIVERED:
        services.invitation_thank(invitation=invitation, by=SYSTEM)


def seed_demo_lecturers(*, stdout):
    staff = User.objects.filter(email="staff@example.org").first()
    if staff is None:
        stdout.write("  lecturers: no demo staff user, skipped")
        return
    lecturers = _lecturers(staff)
    rooms = [r for slug in ROOM_ORDER for r in Room.objects.filter(slug=slug, is_active=True)]
    made = 0
    for email, code, topic, state, days in INVITATIONS:
        lecturer = lecturers[email]
        if Invitation.objects.filter(lecturer=lecturer, topic=topic).exists():
            continue
        offering = _offering(code)
        if offering is None:
            continue
        host = offering.leader or staff
        slots = _free_slots(lecturer, offering, host, _slots(offering, days, rooms))
        if not slots:
            stdout.write(f"  lecturers: no free time for {lecturer} on {code}; skipped")
            continue
        with transaction.atomic():
            invitation = services.invitation_create(
                lecturer=lecturer, offering=offering, topic=topic, host=host, slots=slots[:3], by=staff,
                message="We would love our students to hear from you." if state != State.DRAFT else "",
                send=state != State.DRAFT,
            )
            if state != State.DRAFT and days < 0:
                # Sent well before the (past) lecture, so no reminder thinks it is new.
                Invitation.objects.filter(pk=invitation.pk).update(
                    invited_at=timezone.now() + datetime.timedelta(days=days - 21))
            if state == State.INVITED and days > 90:
                # One invitation has waited six days: the chase reminder is due.
                Invitation.objects.filter(pk=invitation.pk).update(
                    invited_at=timezone.now() - datetime.timedelta(days=6))
            invitation.refresh_from_db()
            _play(invitation, state, staff)
        made += 1
    if made:
        stdout.write(f"  lecturers: {len(lecturers)} guest lecturers, {made} invitations in every state")
