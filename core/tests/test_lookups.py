"""Lookups on integer columns never crash on a number the column cannot hold."""

import pytest
from django.core.exceptions import ValidationError

from accounts.models import User
from accounts.tests.factories import UserFactory
from timetable.forms import TeacherChoiceField

pytestmark = pytest.mark.django_db


def test_an_in_lookup_with_a_number_no_column_can_hold_matches_nothing():
    user = UserFactory()
    assert list(User.objects.filter(pk__in=[10**40, user.pk])) == [user]
    assert list(User.objects.filter(pk__in=[10**40, -(10**40)])) == []


def test_a_multiple_choice_of_a_huge_id_is_a_form_error_not_a_crash():
    field = TeacherChoiceField(queryset=User.objects.all())
    with pytest.raises(ValidationError) as caught:
        field.clean(["9" * 40])
    assert caught.value.code == "invalid_choice"
