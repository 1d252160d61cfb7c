import datetime

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from accounts.roles import Role
from lecturers import services
from lecturers.models import GuestLecturer, Invitation
from lecturers.services import VIA_LINK
from lecturers.tokens import make_token
from notifications.models import OutboundEmail
from timetable.models import Session
from timetable.tests.factories import make_session

from .factories import (
    DisciplineFactory,
    GuestLecturerFactory,
    RoomFactory,
    cleaned_photo,
    future_day,
    jpeg_bytes,
    make_invitation,
    make_offering,
    slot,
    staff_user,
    upload,
)

State = Invitation.State
pytestmark = pytest.mark.django_db


def respond_url(invitation):
    return reverse("lecturers:respond", args=[make_token(invitation)])


def details_url(invitation):
    return reverse("lecturers:respond-details", args=[make_token(invitation)])


# Public pages ----------------------------------------------------------------------


def test_the_directory_lists_only_consented_profiles(client):
    GuestLecturerFactory(full_name="Dr Public Person")
    GuestLecturerFactory(full_name="Dr Private Person", private=True)
    page = client.get(reverse("lecturers:lecturer-list")).content.decode()
    assert "Dr Public Person" in page
    assert "Dr Private Person" not in page


def test_a_profile_without_consent_is_not_found(client):
    lecturer = GuestLecturerFactory(private=True)
    assert client.get(reverse("lecturers:lecturer-detail", args=[lecturer.slug])).status_code == 404


def test_a_bio_with_script_is_shown_without_it(client):
    lecturer = GuestLecturerFactory(bio='Hello <script>alert("x")</script> [me](javascript:alert(1)) **bold**')
    page = client.get(lecturer.get_absolute_url()).content.decode()
    assert "<strong>bold</strong>" in page
    assert "<script>alert" not in page
    assert "javascript:" not in page


def test_photos_are_served_only_with_consent_or_to_staff(client):
    lecturer = GuestLecturerFactory(private=True)
    services.lecturer_update(lecturer=lecturer, by=staff_user(), photo=cleaned_photo())
    url = reverse("lecturers:lecturer-photo", args=[lecturer.slug])
    assert client.get(url).status_code == 404
    client.force_login(staff_user())
    response = client.get(url)
    assert (response.status_code, response["Content-Type"]) == (200, "image/jpeg")
    assert response["Cache-Control"] == "private, no-store"


def missing_from_page(response, texts):
    """The texts the page does not show (as HTML escapes them)."""
    html = response.content.decode()
    return [text for text in texts if escape(text) not in html]


@pytest.mark.parametrize("size", [1, 4])
def test_directory_queries_do_not_grow(client, django_assert_num_queries, size):
    discipline = DisciplineFactory(name="Health")
    lecturers = [GuestLecturerFactory(disciplines=[discipline, DisciplineFactory(name="Policy")])
                 for _ in range(size)]
    # session? no; lecturers, count for paginator, disciplines prefetch, filter disciplines
    with django_assert_num_queries(4):
        response = client.get(reverse("lecturers:lecturer-list"))
    assert response.status_code == 200
    assert missing_from_page(response, [g.full_name for g in lecturers] + ["Health", "Policy"]) == []


@pytest.mark.parametrize("size", [1, 3])
def test_profile_queries_do_not_grow(client, django_assert_num_queries, size):
    lecturer = GuestLecturerFactory(disciplines=[DisciplineFactory(name="Data")])
    for _ in range(size):
        invitation = make_invitation(lecturer=lecturer, slots=[slot(future_day(20 + 7 * _))])
        services.invitation_accept(invitation=invitation, slot=invitation.slots.get(), by=VIA_LINK)
    with django_assert_num_queries(3):
        response = client.get(lecturer.get_absolute_url())
    assert len(response.context["lecturer"].upcoming) == size
    titles = [i.offering.module.title for i in lecturer.invitations.all()]
    assert missing_from_page(response, [lecturer.full_name, "Data", *titles]) == []


# The link page ---------------------------------------------------------------------


def test_the_link_shows_the_invitation_and_its_times(client):
    invitation = make_invitation(topic="Auditing algorithms")
    response = client.get(respond_url(invitation))
    page = response.content.decode()
    assert response.status_code == 200
    assert "Auditing algorithms" in page
    assert "Accept this time" in page
    assert response["Cache-Control"].startswith("max-age=0") or "no-store" in response["Cache-Control"]


def test_a_tampered_link_gets_a_friendly_page_naming_no_invitation(client, settings):
    invitation = make_invitation(topic="Secret topic")
    token = make_token(invitation)
    response = client.get(reverse("lecturers:respond", args=[token[:-3] + "xyz"]))
    page = response.content.decode()
    assert response.status_code == 404
    assert "This link does not work" in page
    assert settings.SUPPORT_EMAIL in page
    assert "Secret topic" not in page and invitation.lecturer.full_name not in page


def test_an_expired_link_gets_a_friendly_page(client):
    invitation = make_invitation(topic="Secret topic")
    Invitation.objects.filter(pk=invitation.pk).update(link_expires_at=timezone.now() - datetime.timedelta(days=1))
    response = client.get(respond_url(invitation))
    assert response.status_code == 410
    assert "This link has expired" in response.content.decode()
    assert "Secret topic" not in response.content.decode()


def test_posting_to_an_expired_link_changes_nothing(client):
    invitation = make_invitation()
    Invitation.objects.filter(pk=invitation.pk).update(link_expires_at=timezone.now() - datetime.timedelta(days=1))
    response = client.post(respond_url(invitation), {"action": "accept", "slot": invitation.slots.get().pk})
    assert response.status_code == 410
    invitation.refresh_from_db()
    assert invitation.state == State.INVITED and Session.objects.count() == 0


def test_accept_then_use_the_link_again_shows_the_state_without_acting(client):
    invitation = make_invitation()
    chosen = invitation.slots.get()
    response = client.post(respond_url(invitation), {"action": "accept", "slot": chosen.pk})
    assert response.status_code == 302 and response["Location"] == details_url(invitation)
    invitation.refresh_from_db()
    assert invitation.state == State.ACCEPTED
    mails = OutboundEmail.objects.count()
    again = client.post(respond_url(invitation), {"action": "accept", "slot": chosen.pk}, follow=True)
    assert "You are in the timetable" in again.content.decode()
    assert (Session.objects.count(), OutboundEmail.objects.count()) == (1, mails)
    declined = client.post(respond_url(invitation), {"action": "decline"}, follow=True)
    invitation.refresh_from_db()
    assert invitation.state == State.ACCEPTED
    assert "You are in the timetable" in declined.content.decode()


def test_a_slot_taken_meanwhile_gets_a_clear_answer(client):
    offering = make_offering()
    room = RoomFactory()
    invitation = make_invitation(offering=offering, slots=[slot(room=room)])
    chosen = invitation.slots.get()
    make_session(day=timezone.localtime(chosen.starts_at).date(), start=13, end=15, room=room)
    response = client.post(respond_url(invitation), {"action": "accept", "slot": chosen.pk})
    page = response.content.decode()
    assert response.status_code == 400
    assert "That time is no longer free" in page
    assert f"{room.label} is already booked" in page
    invitation.refresh_from_db()
    assert (invitation.state, invitation.session_id) == (State.INVITED, None)
    assert Session.objects.filter(kind="guest_lecture").count() == 0


def test_propose_another_time(client):
    invitation = make_invitation()
    response = client.post(respond_url(invitation), {"action": "alternative", "note": ""})
    assert response.status_code == 200
    assert "Which days or times would suit you?" in response.content.decode()
    client.post(respond_url(invitation), {"action": "alternative", "note": "Any Thursday in March"})
    invitation.refresh_from_db()
    assert (invitation.state, invitation.alternative_note) == (State.ALTERNATIVE, "Any Thursday in March")


def _accepted():
    invitation = make_invitation()
    return services.invitation_accept(invitation=invitation, slot=invitation.slots.get(), by=VIA_LINK)


CONFIRM = {"bio": "I build **things**.", "public_profile_consent": "on", "recording_consent": "yes",
           "av_needs": "HDMI", "access_needs": "", "travel": "Train", "phone": "0123"}


def test_confirm_details_with_a_photo(client):
    invitation = _accepted()
    response = client.post(details_url(invitation), {**CONFIRM, "photo": upload(jpeg_bytes())})
    assert response.status_code == 302
    invitation.refresh_from_db()
    assert invitation.state == State.CONFIRMED
    assert invitation.recording_consent is True
    assert invitation.lecturer.photo
    page = client.get(respond_url(invitation)).content.decode()
    assert "Your guest lecture is confirmed" in page
    assert reverse("lecturers:respond-calendar", args=[make_token(invitation)]) in page


def test_a_photo_that_is_not_an_image_is_refused_and_nothing_saved(client):
    invitation = _accepted()
    response = client.post(details_url(invitation), {**CONFIRM, "photo": upload(b"MZ\x90\x00 not a photo")})
    assert response.status_code == 200
    assert "is not a photo we can read" in response.content.decode()
    assert response.context["form"].errors
    invitation.refresh_from_db()
    assert invitation.state == State.ACCEPTED
    assert invitation.lecturer.bio != CONFIRM["bio"] and not invitation.lecturer.photo


def test_a_photo_over_5_mb_is_refused(client):
    invitation = _accepted()
    huge = upload(b"\xff\xd8\xff" + b"\x00" * (6 * 1024 * 1024))
    response = client.post(details_url(invitation), {**CONFIRM, "photo": huge})
    assert "it must be smaller than 5 MB" in response.content.decode()
    invitation.refresh_from_db()
    assert invitation.state == State.ACCEPTED


def test_the_calendar_file(client):
    invitation = _accepted()
    response = client.get(reverse("lecturers:respond-calendar", args=[make_token(invitation)]))
    assert response["Content-Type"].startswith("text/calendar")
    assert b"BEGIN:VEVENT" in response.content


# Staff pages -------------------------------------------------------------------------


def _slot_data(n, s):
    local_start, local_end = timezone.localtime(s.starts_at), timezone.localtime(s.ends_at)
    return {f"slot{n}_date": local_start.date().isoformat(), f"slot{n}_start": f"{local_start:%H:%M}",
            f"slot{n}_end": f"{local_end:%H:%M}", f"slot{n}_room": s.room.pk if s.room else ""}


def test_staff_invite_someone_new(client):
    staff = staff_user()
    client.force_login(staff)
    offering = make_offering()
    data = {"new_name": "Dr New Person", "new_email": "new@example.net", "new_organisation": "NHS Digital",
            "offering": offering.pk, "topic": "Records", "host": staff.pk, "send": "1", **_slot_data(1, slot())}
    response = client.post(reverse("lecturers:invitation-create"), data)
    invitation = Invitation.objects.get()
    assert response.status_code == 302 and response["Location"] == invitation.get_absolute_url()
    assert (invitation.state, invitation.lecturer.email, invitation.lecturer.organisation) == (
        State.INVITED, "new@example.net", "NHS Digital")
    assert OutboundEmail.objects.get().purpose == "lecturers.invitation"


def test_inviting_a_known_address_reuses_the_profile(client):
    staff = staff_user()
    client.force_login(staff)
    known = GuestLecturerFactory(email="known@example.net")
    data = {"new_name": "Someone Else", "new_email": "KNOWN@example.net", "offering": make_offering().pk,
            "topic": "Records", "host": staff.pk, "send": "0", **_slot_data(1, slot())}
    client.post(reverse("lecturers:invitation-create"), data)
    assert GuestLecturer.objects.count() == 1
    assert Invitation.objects.get().lecturer == known


def test_an_invitation_for_a_slot_that_clashes_is_refused_in_plain_words(client):
    staff = staff_user()
    client.force_login(staff)
    room = RoomFactory()
    s = slot(room=room)
    make_session(day=timezone.localtime(s.starts_at).date(), start=13, end=15, room=room)
    data = {"lecturer": GuestLecturerFactory().pk, "offering": make_offering().pk, "topic": "Records",
            "host": staff.pk, "send": "1", **_slot_data(1, s)}
    response = client.post(reverse("lecturers:invitation-create"), data)
    assert response.status_code == 200
    assert f"Time 1: {room.label} is already booked" in response.content.decode()
    assert Invitation.objects.count() == 0 and OutboundEmail.objects.count() == 0


def test_a_non_staff_post_to_invite_changes_nothing(client, make_user):
    client.force_login(make_user(str(Role.STUDENT)))
    response = client.post(reverse("lecturers:invitation-create"), {"new_name": "X", "new_email": "x@example.net"})
    assert response.status_code == 403
    assert Invitation.objects.count() == 0 and GuestLecturer.objects.count() == 0
    assert not OutboundEmail.objects.exists()


def test_staff_cancel_through_the_page(client):
    invitation = _accepted()
    client.force_login(invitation.host)
    client.post(reverse("lecturers:invitation-cancel", args=[invitation.pk]), {"reason": "Strike day"})
    invitation.refresh_from_db()
    assert invitation.state == State.CANCELLED
    assert invitation.session.status == Session.Status.CANCELLED


@pytest.mark.parametrize("size", [1, 3])
def test_staff_index_queries_do_not_grow(client, django_assert_num_queries, size):
    staff = staff_user()
    client.force_login(staff)
    health = DisciplineFactory(name="Health")
    accepted = []
    for n in range(size):
        invitation = make_invitation(lecturer=GuestLecturerFactory(disciplines=[health]),
                                     slots=[slot(future_day(20 + 7 * n))])
        services.invitation_accept(invitation=invitation, slot=invitation.slots.get(), by=VIA_LINK)
        accepted.append(invitation)
        make_invitation()
    with django_assert_num_queries(12):
        response = client.get(reverse("lecturers:staff-index"))
    assert response.context["lecture_total"] == size
    assert len(response.context["upcoming"]) == size
    assert missing_from_page(response, [i.lecturer.full_name for i in accepted]) == []


@pytest.mark.parametrize("size", [1, 3])
def test_staff_directory_queries_do_not_grow(client, django_assert_num_queries, size):
    client.force_login(staff_user())
    lecturers = [GuestLecturerFactory(disciplines=[DisciplineFactory(name="Games")]) for _ in range(size)]
    with django_assert_num_queries(8):
        response = client.get(reverse("lecturers:person-list"))
    assert missing_from_page(response, [g.full_name for g in lecturers] + [g.get_staff_url() for g in lecturers]) == []


@pytest.mark.parametrize("size", [1, 3])
def test_staff_person_and_invitation_pages_do_not_grow(client, django_assert_num_queries, size):
    staff = staff_user()
    client.force_login(staff)
    lecturer = GuestLecturerFactory(disciplines=[DisciplineFactory(name="Games")])
    invitation = None
    for n in range(size):
        invitation = make_invitation(lecturer=lecturer, slots=[slot(future_day(20 + 7 * n + d)) for d in range(2)])
    services.invitation_propose_alternative(invitation=invitation, note="Later", by=VIA_LINK)
    with django_assert_num_queries(6):
        response = client.get(reverse("lecturers:person-detail", args=[lecturer.pk]))
    invitations = list(lecturer.invitations.all())
    assert len(invitations) == size
    assert missing_from_page(response, [lecturer.full_name] + [
        reverse("lecturers:invitation-detail", args=[i.pk]) for i in invitations]) == []
    with django_assert_num_queries(8):
        response = client.get(reverse("lecturers:invitation-detail", args=[invitation.pk]))
    assert missing_from_page(response, [lecturer.full_name, "Later"] + [
        str(s) for s in invitation.slots.all()]) == []


# Panels -----------------------------------------------------------------------------


def test_upcoming_guest_lecture_appears_on_its_module_page_and_home(client):
    invitation = _accepted()
    module = invitation.offering.module
    module_page = client.get(module.get_absolute_url()).content.decode()
    assert "Guest lectures" in module_page
    assert invitation.topic in module_page
    assert invitation.lecturer.full_name in module_page
    home = client.get(reverse("home")).content.decode()
    assert "Coming up: guest lectures" in home


def test_a_lecturer_without_consent_is_not_named_on_public_panels(client):
    invitation = make_invitation(lecturer=GuestLecturerFactory(private=True, full_name="Dr Hidden Name"))
    services.invitation_accept(invitation=invitation, slot=invitation.slots.get(), by=VIA_LINK)
    page = client.get(invitation.offering.module.get_absolute_url()).content.decode()
    assert "a guest speaker" in page
    assert "Dr Hidden Name" not in page
