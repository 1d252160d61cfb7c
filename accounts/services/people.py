"""People and roles from the staff area: invite a colleague, change roles, deactivate.

Every use case here needs `permissions.can_manage_people` (SYSTEM may), checked
before anything is read for writing; each runs in one transaction with the
person's row locked, records who acted and when (RoleChange, AccountChange),
and tells the person by mail (Django's mail API, into the outbox, in the same
transaction). The last active people-manager keeps that right: a change that
would take it away raises LastPeopleManager and changes nothing.
"""

import datetime
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.core import signing
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from core.access import SYSTEM, acting_user, check

from .. import mail, permissions, selectors
from ..managers import normalise_email
from ..models import AccountChange, Invitation, User
from ..roles import Role
from .account import ensure_people_manager_remains, user_add_role, user_remove_role

INVITATION_SALT = "accounts.invitation"
INVITATION_VALID_DAYS = 14
# The roles an invitation may carry: colleagues who run the programme.
INVITABLE_ROLES = (Role.STAFF, Role.REVIEWER, Role.ADMISSIONS_ADMIN)
NOT_ALLOWED = "You may not manage people."


class InvitationLinkInvalid(Exception):
    """An invitation link that cannot be used; `reason` says why, for the page that explains it:
    "expired", "invalid" (tampered or incomplete), "used" (already accepted), "replaced"
    (a newer invitation was sent), "withdrawn" (the inviter may no longer invite),
    "taken" (the address has had an account made since)."""

    def __init__(self, reason, invitation=None):
        super().__init__(reason)
        self.reason = reason
        self.invitation = invitation


class StaleCopy(Exception):
    """The form was filled in on a copy older than the person's last change (`latest`)."""

    def __init__(self, latest):
        super().__init__("stale copy")
        self.latest = latest


@dataclass
class InviteResult:
    """What `person_invite` did: "invited" (a new invitation), "replaced" (it replaced a
    waiting one, whose link stops working), "has_account" (nothing yet: the address has
    an account, ask the inviter to confirm), or "roles_given" (to that account)."""

    outcome: str
    invitation: Invitation | None = None
    user: User | None = None
    added: list = field(default_factory=list)


def role_words(roles):
    """"Staff, Reviewer" in the order roles are listed everywhere."""
    chosen = {str(role) for role in roles}
    return ", ".join(role.label for role in Role if str(role) in chosen)


def _actor_name(by):
    return "The site" if by is SYSTEM else (by.full_name or by.email)


def _clean_roles(roles, allowed):
    roles = {str(role) for role in roles}
    unknown = roles - {str(role) for role in allowed}
    if unknown:
        raise ValidationError({"roles": "Choose roles from the list"})
    return [role for role in Role if str(role) in roles]


def invitation_token(invitation):
    return signing.TimestampSigner(salt=INVITATION_SALT).sign_object({"i": invitation.pk, "e": invitation.email})


def invitation_url(invitation):
    return f"{settings.SITE_URL}{reverse('accounts:invitation-accept', args=[invitation_token(invitation)])}"


def person_invite(*, email, full_name, roles, by, give_to_existing=False, note=""):
    """Invite a colleague by email to join with `roles` (staff, reviewer, admissions admin).

    Permission: `permissions.can_manage_people`, else PermissionDenied and nothing changes.
    For an address with no account: an Invitation row and one mail with a signed link
    that works for INVITATION_VALID_DAYS days; a waiting invitation to the same address
    is marked replaced in the same transaction (its link stops working). For an address
    that has an account: nothing, with outcome "has_account", unless `give_to_existing`,
    then the account gains the roles it lacks (RoleChange rows) and its owner one mail.
    No role chosen raises ValidationError.
    """
    check(by, permissions.can_manage_people, message=NOT_ALLOWED)
    email = normalise_email(email)
    roles = _clean_roles(roles, INVITABLE_ROLES)
    if not roles:
        raise ValidationError({"roles": "Choose at least one role"})
    with transaction.atomic():
        existing = User.objects.select_for_update().filter(email__iexact=email).first()
        if existing is not None:
            if not give_to_existing:
                return InviteResult("has_account", user=existing)
            note = note or f"Invited by {_actor_name(by)}."
            added = [role for role in roles if user_add_role(user=existing, role=role, by=by, note=note)]
            if added:
                _tell_access_changed(existing, [f"Given: {role.label}" for role in added], by)
            return InviteResult("roles_given", user=existing, added=added)
        waiting = list(
            Invitation.objects.select_for_update().filter(email__iexact=email, state=Invitation.State.PENDING)
        )
        for old in waiting:
            old.state = Invitation.State.REPLACED
            old.save(update_fields=["state"])
        now = timezone.now()
        invitation = Invitation.objects.create(
            email=email, full_name=full_name.strip(), roles=[str(role) for role in roles],
            invited_by=acting_user(by), created_at=now,
            expires_at=now + datetime.timedelta(days=INVITATION_VALID_DAYS),
        )
        mail.invitation_message(
            User(email=email, full_name=invitation.full_name), invite_url=invitation_url(invitation),
            roles=role_words(roles), invited_by=_actor_name(by), valid_days=INVITATION_VALID_DAYS,
        ).send()
    return InviteResult("replaced" if waiting else "invited", invitation=invitation)


def invitation_from_token(token, *, lock=False):
    """The waiting invitation a link opens, or InvitationLinkInvalid saying why not."""
    try:
        data = signing.TimestampSigner(salt=INVITATION_SALT).unsign_object(
            token, max_age=datetime.timedelta(days=INVITATION_VALID_DAYS)
        )
    except signing.SignatureExpired as exc:
        raise InvitationLinkInvalid("expired") from exc
    except signing.BadSignature as exc:
        raise InvitationLinkInvalid("invalid") from exc
    invitations = Invitation.objects.select_related("invited_by")
    if lock:
        invitations = invitations.select_for_update(of=("self",))
    invitation = invitations.filter(pk=data.get("i"), email=data.get("e")).first()
    if invitation is None:
        raise InvitationLinkInvalid("invalid")
    if invitation.state == Invitation.State.ACCEPTED:
        raise InvitationLinkInvalid("used", invitation)
    if invitation.state == Invitation.State.REPLACED:
        raise InvitationLinkInvalid("replaced", invitation)
    if invitation.is_expired:
        raise InvitationLinkInvalid("expired", invitation)
    inviter = invitation.invited_by
    if inviter is not None and not permissions.can_manage_people(inviter):
        raise InvitationLinkInvalid("withdrawn", invitation)
    return invitation


def invitation_accept(*, token, full_name, password):
    """Join from an invitation link: an active account, its address confirmed by the link,
    with the invitation's roles given by the inviter.

    Raises InvitationLinkInvalid (see its reasons) and changes nothing when the link
    cannot be used. Side effects, in one transaction: the account; a RoleChange per
    role, recorded as given by the inviter; an AccountChange "joined"; the invitation
    marked accepted. The view logs the person in.
    """
    with transaction.atomic():
        invitation = invitation_from_token(token, lock=True)
        if User.objects.filter(email__iexact=invitation.email).exists():
            raise InvitationLinkInvalid("taken", invitation)
        now = timezone.now()
        user = User.objects.create(
            email=invitation.email, full_name=full_name.strip() or invitation.full_name,
            password=make_password(password), is_active=True, email_verified_at=now,
        )
        by = invitation.invited_by or SYSTEM
        for role in invitation.roles:
            user_add_role(user=user, role=role, by=by, note="Accepted an invitation.")
        AccountChange.objects.create(
            user=user, change=AccountChange.Change.JOINED, by=invitation.invited_by, at=now,
            note=f"Invited on {timezone.localtime(invitation.created_at):%d %B %Y}.",
        )
        invitation.state = Invitation.State.ACCEPTED
        invitation.user = user
        invitation.save(update_fields=["state", "user"])
    return user


def _forget_permissions(user):
    for cache in ("_perm_cache", "_user_perm_cache", "_group_perm_cache", "_manages_people_own"):
        user.__dict__.pop(cache, None)


def _tell_access_changed(person, changes, by):
    mail.access_changed_message(person, changes="\n".join(changes), changed_by=_actor_name(by)).send()


def _ensure_fresh(person, expected_version):
    if expected_version is not None and expected_version != selectors.access_version(person):
        raise StaleCopy(selectors.latest_change(person))


def person_change_access(*, person, roles, manage_people, by, expected_version=None, note=""):
    """Set `person`'s roles to `roles` and whether they may manage people by their own
    permission (`manage_people`), recording each change.

    Permission: `permissions.can_manage_people`, else PermissionDenied and nothing changes.
    The own permission is for members of staff: giving it to someone left without the
    staff role raises ValidationError (on `manage_people`) and nothing changes.
    `expected_version` is the `selectors.access_version` the form was filled in on:
    another change since raises StaleCopy and nothing changes. Taking the right to
    manage people from the last person who has it raises LastPeopleManager and nothing
    changes. Side effects, in one transaction: RoleChange rows (through user_add_role /
    user_remove_role), an AccountChange row when the own permission changes, and,
    when anything changed, one mail to the person listing the changes. Returns the
    changes as lines ("Given: Staff"); nothing to change returns [].
    """
    check(by, permissions.can_manage_people, message=NOT_ALLOWED)
    wanted = _clean_roles(roles, Role)
    note = note[:200]
    with transaction.atomic():
        person = User.objects.select_for_update().get(pk=person.pk)
        _ensure_fresh(person, expected_version)
        have = set(person.groups.values_list("name", flat=True))
        permission = selectors.manage_people_permission()
        has_own = person.user_permissions.filter(pk=permission.pk).exists()
        if manage_people and not has_own and Role.STAFF not in wanted:
            raise ValidationError({"manage_people": "Only members of staff can be given this on its own: "
                                                    "tick Staff too, or give them the Admissions admin role"})
        changes = []
        # Gains first, so that a save that moves the right from a role to the person's
        # own permission never passes through "no one may manage people".
        for role in wanted:
            if str(role) not in have and user_add_role(user=person, role=role, by=by, note=note):
                changes.append(f"Given: {role.label}")
        if manage_people and not has_own:
            person.user_permissions.add(permission)
            AccountChange.objects.create(
                user=person, change=AccountChange.Change.MANAGE_PEOPLE_GIVEN, by=acting_user(by), note=note
            )
            changes.append("Given: may manage people")
        if not manage_people and has_own:
            ensure_people_manager_remains(person, losing_permission=True)
            person.user_permissions.remove(permission)
            AccountChange.objects.create(
                user=person, change=AccountChange.Change.MANAGE_PEOPLE_TAKEN, by=acting_user(by), note=note
            )
            changes.append("Taken: may manage people")
        for role in Role:
            if str(role) in have and role not in wanted and user_remove_role(user=person, role=role, by=by, note=note):
                changes.append(f"Taken: {role.label}")
        _forget_permissions(person)
        if changes:
            _tell_access_changed(person, changes, by)
    return changes


def person_deactivate(*, person, by, note=""):
    """Deactivate `person`'s account: they can no longer log in (sessions they hold stop
    working at their next request); nothing of theirs is deleted.

    Permission: `permissions.can_manage_people`, else PermissionDenied. Nobody deactivates
    themselves, and the last people-manager is not deactivated: ValidationError /
    LastPeopleManager, nothing changes. Side effects, in one transaction: `is_active`
    cleared, an AccountChange row, one mail to the person. An inactive account stays
    as it is (returns False).
    """
    check(by, permissions.can_manage_people, message=NOT_ALLOWED)
    if getattr(by, "pk", None) == person.pk:
        raise ValidationError(
            "You cannot deactivate your own account. Ask another person who manages people to do it.",
            code="self",
        )
    with transaction.atomic():
        person = User.objects.select_for_update().get(pk=person.pk)
        if not person.is_active:
            return False
        ensure_people_manager_remains(person, leaving=True)
        person.is_active = False
        person.save(update_fields=["is_active"])
        AccountChange.objects.create(
            user=person, change=AccountChange.Change.DEACTIVATED, by=acting_user(by), note=note[:200]
        )
        mail.deactivated_message(person, changed_by=_actor_name(by)).send()
    return True


def person_reactivate(*, person, by, note=""):
    """Let a deactivated account log in again, with its roles as they were.

    Permission: `permissions.can_manage_people`, else PermissionDenied. Side effects,
    in one transaction: `is_active` set, an AccountChange row, one mail to the person.
    An active account stays as it is (returns False); an account whose address was
    never confirmed is not one to reactivate (ValidationError).
    """
    check(by, permissions.can_manage_people, message=NOT_ALLOWED)
    with transaction.atomic():
        person = User.objects.select_for_update().get(pk=person.pk)
        if person.is_active:
            return False
        if person.email_verified_at is None:
            raise ValidationError(
                "This account has not confirmed its email address yet, so there is nothing to reactivate: "
                "its owner confirms it from the link we sent them.",
                code="unconfirmed",
            )
        person.is_active = True
        person.save(update_fields=["is_active"])
        AccountChange.objects.create(
            user=person, change=AccountChange.Change.REACTIVATED, by=acting_user(by), note=note[:200]
        )
        mail.reactivated_message(person, changed_by=_actor_name(by)).send()
    return True
