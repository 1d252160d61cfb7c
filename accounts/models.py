from django.contrib.auth.models import AbstractBaseUser, PermissionsMixin
from django.db import models
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils import timezone

from .managers import UserManager, normalise_email
from .roles import Role

HONORIFICS = {"dr", "prof", "professor", "mr", "mrs", "ms", "miss", "mx", "sir", "dame", "rev", "lord", "lady"}


class User(AbstractBaseUser, PermissionsMixin):
    """A person who signs in with their email address.

    `is_staff` only opens Django's admin; what someone may do in MPT comes from
    their roles (groups) and permissions, see `accounts.permissions`.
    """

    email = models.EmailField("email address", unique=True)
    full_name = models.CharField(max_length=200)
    preferred_name = models.CharField(
        max_length=100, blank=True, help_text="What we call you in emails, if not your full name."
    )
    is_active = models.BooleanField(default=True)
    is_staff = models.BooleanField(
        "admin site access", default=False, help_text="Can log in to the Django admin."
    )
    date_joined = models.DateTimeField(default=timezone.now)
    email_verified_at = models.DateTimeField(null=True, blank=True)

    objects = UserManager()

    EMAIL_FIELD = "email"
    USERNAME_FIELD = "email"
    REQUIRED_FIELDS = ["full_name"]

    class Meta:
        ordering = ["full_name", "email"]
        constraints = [
            models.UniqueConstraint(Lower("email"), name="accounts_user_email_ci_unique"),
        ]
        # Held by the admissions-admin role (accounts.apps) and given to staff one by one
        # from the people page: who may invite colleagues and change anyone's roles.
        permissions = [("manage_people", "Can manage people: invite them, change their roles, deactivate them")]

    def __str__(self):
        return self.full_name or self.email

    def clean(self):
        super().clean()
        self.email = normalise_email(self.email)

    def save(self, *args, **kwargs):
        self.email = normalise_email(self.email)
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("accounts:profile")

    def get_full_name(self):
        return self.full_name

    def get_short_name(self):
        """What we call someone: their preferred name, else their first name
        without a title ("Dr Ada Okafor" → "Ada")."""
        if self.preferred_name:
            return self.preferred_name
        words = [w for w in self.full_name.split() if w.lower().rstrip(".") not in HONORIFICS]
        return words[0] if words else (self.full_name or self.email)

    @property
    def email_verified(self):
        return self.email_verified_at is not None

    def role_names(self):
        """The user's role names, read once per user object."""
        if not hasattr(self, "_role_names"):
            self._role_names = frozenset(self.groups.values_list("name", flat=True))
        return self._role_names


class RoleChange(models.Model):
    """A role given to or taken from a person, with who did it and when: the audit of roles.

    Written by `accounts.services.user_add_role` / `user_remove_role`, the only
    ways a role changes; `by` is empty for work no person did.
    """

    class Change(models.TextChoices):
        ADDED = "added", "Added"
        REMOVED = "removed", "Removed"

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="role_changes")
    role = models.CharField(max_length=30, choices=Role.choices)
    change = models.CharField(max_length=10, choices=Change.choices)
    by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    at = models.DateTimeField(default=timezone.now)
    note = models.CharField(max_length=200, blank=True, help_text="Why, in a few words.")

    class Meta:
        ordering = ["-at", "-pk"]

    def __str__(self):
        return f"{self.get_role_display()} {self.get_change_display().lower()} for {self.user}"


class AccountChange(models.Model):
    """A change to an account that is not a role, with who made it and when.

    Written by the people services in `accounts.services.people` (deactivating,
    reactivating, giving or taking the right to manage people); shown with the
    RoleChange rows as the person's history. `by` is empty for work no person did.
    """

    class Change(models.TextChoices):
        DEACTIVATED = "deactivated", "Account deactivated"
        REACTIVATED = "reactivated", "Account reactivated"
        MANAGE_PEOPLE_GIVEN = "manage_people_given", "May manage people"
        MANAGE_PEOPLE_TAKEN = "manage_people_taken", "May no longer manage people"
        JOINED = "joined", "Joined from an invitation"

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="account_changes")
    change = models.CharField(max_length=30, choices=Change.choices)
    by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    at = models.DateTimeField(default=timezone.now)
    note = models.CharField(max_length=200, blank=True, help_text="Why, in a few words.")

    class Meta:
        ordering = ["-at", "-pk"]

    def __str__(self):
        return f"{self.get_change_display()}: {self.user}"


class Invitation(models.Model):
    """An invitation to a colleague without an account: a signed link lets them set a
    password and arrive with `roles`.

    One pending invitation per address: inviting again replaces it (the earlier
    link stops working). Made and ended only by `accounts.services.people`.
    """

    class State(models.TextChoices):
        PENDING = "pending", "Waiting"
        ACCEPTED = "accepted", "Accepted"
        REPLACED = "replaced", "Replaced by a newer invitation"

    email = models.EmailField("email address")
    full_name = models.CharField(max_length=200)
    roles = models.JSONField(default=list, help_text="The role names the person arrives with.")
    state = models.CharField(max_length=10, choices=State.choices, default=State.PENDING)
    invited_by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    user = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="invitations",
        help_text="The account made when the invitation was accepted.",
    )

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                Lower("email"), condition=models.Q(state="pending"), name="accounts_invitation_one_pending_per_email"
            ),
        ]

    def __str__(self):
        return f"Invitation to {self.email}"

    @property
    def role_labels(self):
        return [Role(name).label for name in self.roles]

    @property
    def is_expired(self):
        return self.expires_at <= timezone.now()
