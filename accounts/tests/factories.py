import datetime

import factory
from django.contrib.auth.models import Group
from django.utils import timezone

from accounts.models import AccountChange, Invitation, RoleChange, User
from accounts.roles import Role

TEST_PASSWORD = "correct-horse-battery-staple"


class UserFactory(factory.django.DjangoModelFactory):
    """A confirmed, active user with no role. `UserFactory(roles=[Role.STAFF])` adds roles."""

    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.org")
    full_name = factory.Faker("name")
    email_verified_at = factory.LazyFunction(timezone.now)
    password = factory.django.Password(TEST_PASSWORD)

    class Params:
        unverified = factory.Trait(email_verified_at=None, is_active=False)
        superuser = factory.Trait(is_superuser=True, is_staff=True)

    @factory.post_generation
    def roles(self, create, extracted, **kwargs):
        if create and extracted:
            self.groups.add(*Group.objects.filter(name__in=[str(role) for role in extracted]))


class RoleChangeFactory(factory.django.DjangoModelFactory):
    """The audit line of a student role given by a member of staff (the row only:
    `accounts.services.user_add_role` gives the role and writes it)."""

    class Meta:
        model = RoleChange

    user = factory.SubFactory(UserFactory)
    role = Role.STUDENT
    change = RoleChange.Change.ADDED
    by = factory.SubFactory(UserFactory, roles=[Role.STAFF])

    class Params:
        removed = factory.Trait(change=RoleChange.Change.REMOVED, note="Left the programme.")
        by_the_system = factory.Trait(by=None)


class AccountChangeFactory(factory.django.DjangoModelFactory):
    """The history line of an account deactivated by a member of staff (the row only:
    the people services change the account and write it)."""

    class Meta:
        model = AccountChange

    user = factory.SubFactory(UserFactory, is_active=False)
    change = AccountChange.Change.DEACTIVATED
    by = factory.SubFactory(UserFactory, roles=[Role.STAFF])

    class Params:
        reactivated = factory.Trait(change=AccountChange.Change.REACTIVATED, user__is_active=True)
        joined = factory.Trait(change=AccountChange.Change.JOINED, by=None, user__is_active=True)


class InvitationFactory(factory.django.DjangoModelFactory):
    """A pending invitation for a colleague to join as staff, valid for a week."""

    class Meta:
        model = Invitation

    email = factory.Sequence(lambda n: f"colleague{n}@example.org")
    full_name = factory.Faker("name")
    roles = factory.LazyFunction(lambda: [str(Role.STAFF)])
    invited_by = factory.SubFactory(UserFactory, roles=[Role.STAFF])
    expires_at = factory.LazyFunction(lambda: timezone.now() + datetime.timedelta(days=7))

    class Params:
        accepted = factory.Trait(
            state=Invitation.State.ACCEPTED,
            user=factory.SubFactory(UserFactory, email=factory.SelfAttribute("..email")),
        )
        replaced = factory.Trait(state=Invitation.State.REPLACED)
        expired = factory.Trait(expires_at=factory.LazyFunction(lambda: timezone.now() - datetime.timedelta(days=1)))


def user_with_role(role, **kwargs):
    return UserFactory(roles=[role], **kwargs)


__all__ = [
    "TEST_PASSWORD", "AccountChangeFactory", "InvitationFactory", "Role", "RoleChangeFactory", "UserFactory",
    "user_with_role",
]
