import pytest
from django.core.exceptions import PermissionDenied

from accounts import permissions as roles
from accounts.models import RoleChange
from accounts.roles import Role
from accounts.tests.factories import UserFactory
from core.access import SYSTEM
from curriculum.models import Cohort, Enrolment, StudyMode
from curriculum.services import student_enrol
from curriculum.tests.factories import AcademicYearFactory, CohortFactory, ProgrammeFactory

pytestmark = pytest.mark.django_db


def test_enrolling_creates_the_missing_cohort_an_enrolment_and_the_student_role():
    programme = ProgrammeFactory(title="MSc Public Technology", slug="msc-pt")
    year = AcademicYearFactory(name="2027/28", slug="2027-28")
    admin, applicant = UserFactory(roles=[Role.ADMISSIONS_ADMIN]), UserFactory(roles=[Role.APPLICANT])
    assert not roles.is_student(applicant)

    enrolment = student_enrol(student=applicant, programme=programme, academic_year=year,
                              mode=StudyMode.PART_TIME, by=admin)

    cohort = Cohort.objects.get()
    assert (cohort.programme, cohort.academic_year, cohort.mode) == (programme, year, "part_time")
    assert (cohort.name, cohort.slug) == ("MSc Public Technology 2027/28 part-time", "msc-pt-2027-28-part_time")
    assert (enrolment.cohort, enrolment.student, enrolment.status) == (cohort, applicant, Enrolment.Status.ACTIVE)
    assert roles.is_student(applicant)
    assert list(RoleChange.objects.values_list("user", "role", "change", "by", "note")) == [
        (applicant.pk, "student", "added", admin.pk, "Enrolled in MSc Public Technology 2027/28 part-time.")]


def test_enrolling_uses_the_existing_cohort_and_twice_changes_nothing():
    cohort = CohortFactory()
    student = UserFactory()

    first = student_enrol(student=student, programme=cohort.programme, academic_year=cohort.academic_year,
                          mode=cohort.mode, by=student)
    second = student_enrol(student=student, cohort=cohort, by=student)

    assert first == second
    assert list(Cohort.objects.all()) == [cohort]
    assert Enrolment.objects.get().cohort == cohort
    assert RoleChange.objects.count() == 1


def test_a_new_cohort_gets_a_free_slug_when_its_natural_one_is_taken():
    programme, year = ProgrammeFactory(slug="msc-pt"), AcademicYearFactory(slug="2027-28")
    CohortFactory(slug="msc-pt-2027-28-full_time")  # another programme's cohort holds the slug
    student = UserFactory()

    enrolment = student_enrol(student=student, programme=programme, academic_year=year,
                              mode=StudyMode.FULL_TIME, by=student)

    assert enrolment.cohort.slug == "msc-pt-2027-28-full_time-2"


@pytest.mark.parametrize("by_roles", [[Role.STAFF], [Role.REVIEWER], [Role.STUDENT]])
def test_enrolling_someone_else_without_being_an_admissions_admin_is_refused(by_roles):
    cohort, student = CohortFactory(), UserFactory(roles=[Role.APPLICANT])

    with pytest.raises(PermissionDenied):
        student_enrol(student=student, cohort=cohort, by=UserFactory(roles=by_roles))

    assert not Enrolment.objects.exists()
    assert not roles.is_student(student)
    assert not RoleChange.objects.exists()


def test_enrolling_needs_a_cohort_or_what_makes_one():
    student = UserFactory()

    with pytest.raises(ValueError, match="Name the cohort"):
        student_enrol(student=student, programme=ProgrammeFactory(), by=student)

    assert not Enrolment.objects.exists()


def test_system_work_enrols_and_the_role_change_names_no_person():
    cohort, student = CohortFactory(), UserFactory()

    enrolment = student_enrol(student=student, cohort=cohort, by=SYSTEM)

    assert (enrolment.cohort, enrolment.student) == (cohort, student)
    assert list(RoleChange.objects.values_list("role", "by")) == [("student", None)]
