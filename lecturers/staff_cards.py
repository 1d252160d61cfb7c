"""The guest lecturers' card on the staff area's front page (see core/staff_cards.py)."""

from urllib.parse import urlencode

from django.urls import reverse

from core.staff_cards import Card, Line

from . import selectors
from .models import Invitation
from .permissions import can_manage_lecturers

State = Invitation.State

# The states in which staff, or the lecturer, have the next move.
WAITING = [
    (State.ALTERNATIVE, "lecturer proposed another time: send new times",
     "lecturers proposed another time: send new times"),
    (State.ACCEPTED, "accepted a time: confirm the details", "accepted a time: confirm the details"),
    (State.DELIVERED, "lecture given: send thanks", "lectures given: send thanks"),
    (State.INVITED, "invitation awaiting the lecturer's answer", "invitations awaiting the lecturer's answer"),
]


def lecturers_card(user):
    """Invitations this academic year that wait on someone. Two queries."""
    if not can_manage_lecturers(user):
        return None
    year = selectors.current_academic_year()
    counts = dict(selectors.state_counts(academic_year=year))
    url = reverse("lecturers:staff-index")

    def link(state):
        return f"{url}?{urlencode({'year': year.slug if year else '', 'state': state})}"

    return Card(
        key="lecturers",
        title="Guest lecturers",
        more_url=reverse("lecturers:invitation-create"),
        more_label="Invite a guest lecturer",
        lines=[Line(counts.get(state, 0), one, many, link(state)) for state, one, many in WAITING],
    )
