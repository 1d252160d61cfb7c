import pytest


@pytest.fixture
def roles(transactional_db):
    """Role groups again: transactional tests flush what the data migration made."""
    from django.contrib.auth.models import Group

    from accounts.roles import Role

    for role in Role:
        Group.objects.get_or_create(name=str(role))
