from accounts.roles import Role
from lecturers import services
from lecturers.tokens import make_token
from mpt.tests.url_permissions import PUBLIC, UrlCase, only

STAFF = only(Role.STAFF)
# Staff actions redirect back to the invitation page, done or refused with a message.
STAFF_ACTION = only(Role.STAFF, status=302)


def _lecturer(**kwargs):
    from .factories import GuestLecturerFactory

    return GuestLecturerFactory(**kwargs)


def _invitation(users, *, accepted=False, send=True):
    from .factories import make_invitation

    invitation = make_invitation(by=users["staff"], send=send)
    if accepted:
        invitation = services.invitation_accept(invitation=invitation, slot=invitation.slots.get(),
                                                by=services.VIA_LINK)
    return invitation


def _token(users, **kwargs):
    return {"token": make_token(_invitation(users, **kwargs))}


def _pk(users, **kwargs):
    return {"pk": _invitation(users, **kwargs).pk}


CASES = [
    UrlCase("lecturers:lecturer-list", PUBLIC),
    UrlCase("lecturers:lecturer-detail", PUBLIC, kwargs=lambda users: {"slug": _lecturer().slug}),
    # Only consented profiles are public; a profile without consent is not there for anyone outside staff.
    UrlCase("lecturers:lecturer-detail", {"*": 404}, kwargs=lambda users: {"slug": _lecturer(private=True).slug},
            note="no consent"),
    # No photo uploaded: nothing to serve (photos are tested in test_views).
    UrlCase("lecturers:lecturer-photo", {"*": 404}, kwargs=lambda users: {"slug": _lecturer().slug}),
    # The signed link is the lecturer's key: it works for whoever holds it, signed in or not.
    UrlCase("lecturers:respond", PUBLIC, kwargs=_token),
    UrlCase("lecturers:respond", {"*": 404}, kwargs={"token": "not-a-real-token"}, note="tampered"),
    UrlCase("lecturers:respond-details", PUBLIC, kwargs=lambda users: _token(users, accepted=True)),
    UrlCase("lecturers:respond-details", {"*": 302}, kwargs=_token, note="not accepted yet: back to the invitation"),
    UrlCase("lecturers:respond-calendar", PUBLIC, kwargs=lambda users: _token(users, accepted=True)),
    UrlCase("lecturers:respond-photo", {"*": 404}, kwargs=_token),
    UrlCase("lecturers:staff-index", STAFF),
    UrlCase("lecturers:person-list", STAFF),
    UrlCase("lecturers:person-create", STAFF),
    UrlCase("lecturers:person-detail", STAFF, kwargs=lambda users: {"pk": _lecturer(private=True).pk}),
    UrlCase("lecturers:person-edit", STAFF, kwargs=lambda users: {"pk": _lecturer().pk}),
    UrlCase("lecturers:person-photo", only(Role.STAFF, status=404), kwargs=lambda users: {"pk": _lecturer().pk}),
    UrlCase("lecturers:invitation-create", STAFF),
    UrlCase("lecturers:invitation-detail", STAFF, kwargs=_pk),
    UrlCase("lecturers:invitation-new-times", STAFF, kwargs=_pk),
    UrlCase("lecturers:invitation-cancel", STAFF, kwargs=_pk),
    UrlCase("lecturers:invitation-send", STAFF_ACTION, kwargs=lambda users: _pk(users, send=False), method="post"),
    UrlCase("lecturers:invitation-delivered", STAFF_ACTION, kwargs=lambda users: _pk(users, accepted=True),
            method="post"),
    UrlCase("lecturers:invitation-thank", STAFF_ACTION, kwargs=_pk, method="post"),
    UrlCase("lecturers:invitation-new-link", STAFF_ACTION, kwargs=_pk, method="post"),
]
