"""Reads the people pages need, with their related rows already fetched."""

from django.contrib.auth.models import Permission
from django.db.models import Max, Prefetch, Q
from django.utils import timezone

from .models import AccountChange, Invitation, RoleChange, User
from .permissions import MANAGE_PEOPLE
from .roles import Role

# How the people list may be sorted: the choice in the URL and the ordering it means.
SORTS = {
    "name": ("full_name", "email"),
    "-name": ("-full_name", "-email"),
    "email": ("email",),
    "-email": ("-email",),
    "joined": ("date_joined", "pk"),
    "-joined": ("-date_joined", "-pk"),
}
STATUSES = {
    "active": Q(is_active=True),
    "inactive": Q(is_active=False, email_verified_at__isnull=False),
    "unconfirmed": Q(email_verified_at__isnull=True),
}


def manage_people_permission():
    app_label, codename = MANAGE_PEOPLE.split(".")
    return Permission.objects.get(content_type__app_label=app_label, codename=codename)


def people_managers():
    """Active accounts that can manage people through the permission: their role's, or
    their own as a member of staff (see `permissions.can_manage_people`). Superusers are
    left out: they are operators, not the people who run the programme, and the
    programme must keep someone who can."""
    return User.objects.filter(is_active=True, is_superuser=False).filter(_holds_the_right()).distinct()


def _holds_the_right():
    permission = manage_people_permission()
    return Q(user_permissions=permission, groups__name=str(Role.STAFF)) | Q(groups__permissions=permission)


def person_list(*, q="", role="", status="", sort="name"):
    """Accounts matching the filters, with their groups and own permissions fetched."""
    people = User.objects.prefetch_related(
        "groups", Prefetch("user_permissions", queryset=Permission.objects.select_related("content_type"))
    )
    q = (q or "").strip()
    if q:
        people = people.filter(Q(full_name__icontains=q) | Q(email__icontains=q) | Q(preferred_name__icontains=q))
    if role == "manage_people":
        people = people.filter(_holds_the_right()).distinct()
    elif role in Role.values:
        people = people.filter(groups__name=role)
    if status in STATUSES:
        people = people.filter(STATUSES[status])
    return people.order_by(*SORTS.get(sort, SORTS["name"]))


def pending_invitations():
    return Invitation.objects.filter(state=Invitation.State.PENDING).select_related("invited_by").order_by(
        "expires_at", "pk"
    )


def person_history(person):
    """Every role and account change of `person`, newest first, as (at, what, by, note)."""
    roles = RoleChange.objects.filter(user=person).select_related("by")
    account = AccountChange.objects.filter(user=person).select_related("by")
    entries = [
        (row.at, f"{row.get_role_display()} role {row.get_change_display().lower()}", row.by, row.note, row.pk)
        for row in roles
    ] + [(row.at, row.get_change_display(), row.by, row.note, row.pk) for row in account]
    entries.sort(key=lambda entry: (entry[0], entry[4]), reverse=True)
    return [{"at": at, "what": what, "by": by, "note": note} for at, what, by, note, _pk in entries]


def access_version(person):
    """A stamp of `person`'s last role or account change: a form carries it, and a
    save whose stamp is no longer the person's was made on a stale copy."""
    role_pk = RoleChange.objects.filter(user=person).aggregate(last=Max("pk"))["last"] or 0
    account_pk = AccountChange.objects.filter(user=person).aggregate(last=Max("pk"))["last"] or 0
    return f"{role_pk}.{account_pk}"


def latest_change(person):
    """The newest role or account change of `person` (a RoleChange or AccountChange), or None."""
    rows = [
        RoleChange.objects.filter(user=person).select_related("by").order_by("-pk").first(),
        AccountChange.objects.filter(user=person).select_related("by").order_by("-pk").first(),
    ]
    rows = [row for row in rows if row is not None]
    return max(rows, key=lambda row: row.at, default=None)


def invitation_is_live(invitation):
    return invitation.state == Invitation.State.PENDING and invitation.expires_at > timezone.now()
