import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command

from accounts.roles import Role, granted
from accounts.tests.factories import UserFactory


@pytest.mark.django_db(transaction=True)
def test_groups_and_their_grants_come_back_after_a_flush():
    # A live-server test ends by flushing every table, groups included.
    call_command("flush", verbosity=0, interactive=False)

    assert set(Group.objects.values_list("name", flat=True)) == {str(role) for role in Role}
    staff = UserFactory(roles=[Role.STAFF])
    assert staff.has_perm("curriculum.change_module")
    assert granted(Role.STAFF) >= {"curriculum.change_module"}
    assert not UserFactory(roles=[Role.APPLICANT]).has_perm("curriculum.change_module")
