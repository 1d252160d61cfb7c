import pytest

from accounts.roles import Role
from accounts.tests.factories import UserFactory
from lecturers import services
from lecturers.staff_cards import lecturers_card
from lecturers.tests.factories import make_invitation, make_offering, staff_user

pytestmark = pytest.mark.django_db


def test_invitations_waiting_on_someone_are_counted_by_who_moves_next():
    staff = staff_user()
    offering = make_offering()
    make_invitation(offering=offering, by=staff)
    make_invitation(offering=offering, by=staff)
    proposed = make_invitation(offering=offering, by=staff)
    services.invitation_propose_alternative(invitation=proposed, note="Any Thursday in March suits me.",
                                            by=services.VIA_LINK)
    accepted = make_invitation(offering=offering, by=staff)
    services.invitation_accept(invitation=accepted, slot=accepted.slots.get(), by=services.VIA_LINK)

    card = lecturers_card(staff)

    year = offering.academic_year.slug
    assert [(line.count, line.label, line.url) for line in card.lines] == [
        (1, "lecturer proposed another time: send new times",
         f"/staff/lecturers/?year={year}&state=alternative"),
        (1, "accepted a time: confirm the details", f"/staff/lecturers/?year={year}&state=accepted"),
        (0, "lectures given: send thanks", f"/staff/lecturers/?year={year}&state=delivered"),
        (2, "invitations awaiting the lecturer's answer", f"/staff/lecturers/?year={year}&state=invited"),
    ]
    assert (card.more_url, card.more_label) == ("/staff/lecturers/invitations/new/", "Invite a guest lecturer")


def test_only_people_who_manage_lecturers_get_the_card():
    assert lecturers_card(UserFactory(roles=[Role.ADMISSIONS_ADMIN])) is None
