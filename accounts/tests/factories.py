import factory
from django.contrib.auth.models import Group
from django.utils import timezone

from accounts.models import RoleChange, User
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


def user_with_role(role, **kwargs):
    return UserFactory(roles=[role], **kwargs)


__all__ = ["TEST_PASSWORD", "Role", "RoleChangeFactory", "UserFactory", "user_with_role"]
