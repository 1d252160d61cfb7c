import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from admissions.models import Application, Intake, IntakeQuestion
from admissions.tests.builders import admin_user, submitted
from admissions.tests.factories import ApplicationFactory, IntakeFactory, IntakeQuestionFactory
from curriculum.tests.factories import AcademicYearFactory, CohortFactory, ProgrammeFactory

pytestmark = pytest.mark.django_db
UTC = datetime.UTC

LIST = reverse("admissions:intake-admin-list")
CREATE = reverse("admissions:intake-create")


@pytest.fixture
def admin(client):
    client.force_login(admin_user())
    return client


def management(prefix="questions", total=1, initial=0):
    return {f"{prefix}-TOTAL_FORMS": str(total), f"{prefix}-INITIAL_FORMS": str(initial),
            f"{prefix}-MIN_NUM_FORMS": "0", f"{prefix}-MAX_NUM_FORMS": "1000"}


def intake_post(programme, year, **changes):
    data = {
        "programme": programme.pk, "academic_year": year.pk, "mode": "full_time",
        "title": "MSc Public Technology, full-time, 2027/28", "slug": "",
        "opens_at": "2026-10-01T09:00", "closes_at": "2027-06-30T12:00", "capacity": "30",
        "statement_word_limit": "750", "selection_criteria": "", "required_documents": ["cv", "transcript"],
        "is_published": "on", **management(),
    }
    data.update(changes)
    return data


def test_an_admin_adds_an_intake_in_the_programmes_time_zone_with_a_question(admin):
    programme = ProgrammeFactory(timezone="Europe/London")
    year = AcademicYearFactory(first_year=2027)
    data = intake_post(programme, year, **{
        "questions-0-label": "Which public service would you most like to fix, and why?",
        "questions-0-kind": "long_text", "questions-0-word_limit": "200", "questions-0-required": "on",
        "questions-0-order": "", "questions-0-options": "", "questions-0-help_text": "",
    })

    response = admin.post(CREATE, data)

    assert response.status_code == 302 and response["Location"] == LIST
    intake = Intake.objects.get()
    assert intake.slug == "msc-public-technology-full-time-202728"
    # 12:00 in London on 30 June (summer time) is 11:00 UTC; 09:00 on 1 October is 08:00 UTC.
    assert intake.closes_at == datetime.datetime(2027, 6, 30, 11, 0, tzinfo=UTC)
    assert intake.opens_at == datetime.datetime(2026, 10, 1, 8, 0, tzinfo=UTC)
    question = intake.questions.get()
    assert (question.kind, question.word_limit, question.required, question.order) == ("long_text", 200, True, 1)
    page = admin.get(LIST).content.decode()
    assert "MSc Public Technology, full-time, 2027/28" in page
    assert intake.history.first().history_user is not None


def test_the_edit_form_shows_the_moments_in_the_programmes_time_zone(admin):
    intake = IntakeFactory(programme=ProgrammeFactory(timezone="Europe/London"),
                           closes_at=datetime.datetime(2027, 6, 30, 11, 0, tzinfo=UTC))

    page = admin.get(reverse("admissions:intake-edit", args=[intake.slug])).content.decode()

    assert 'name="closes_at_day" value="30"' in page
    assert 'name="closes_at_month" value="6"' in page
    assert 'name="closes_at_year" value="2027"' in page
    assert 'name="closes_at_time" value="12:00"' in page


def test_a_deadline_before_the_opening_is_refused_and_nothing_is_saved(admin):
    data = intake_post(ProgrammeFactory(), AcademicYearFactory(), opens_at="2027-06-30T12:00",
                       closes_at="2027-06-01T12:00")

    response = admin.post(CREATE, data)

    assert response.status_code == 400
    assert "The deadline must be after applications open." in response.content.decode()
    assert not Intake.objects.exists()


def test_a_second_intake_for_the_same_programme_year_and_mode_names_the_first(admin):
    existing = IntakeFactory(title="MSc 2027 intake")

    response = admin.post(CREATE, intake_post(existing.programme, existing.academic_year, title="Another"))

    assert response.status_code == 400
    assert "Edit that one, or choose another year or mode." in response.content.decode()
    assert "MSc 2027 intake" in response.content.decode()
    assert Intake.objects.count() == 1


def test_a_cohort_of_another_programme_is_refused(admin):
    programme, year = ProgrammeFactory(), AcademicYearFactory()
    other = CohortFactory(academic_year=year)

    response = admin.post(CREATE, intake_post(programme, year, cohort=other.pk))

    assert response.status_code == 400
    assert f"That cohort is not of {programme.title} in {year}." in response.content.decode()


@pytest.mark.parametrize(
    ("kind", "options", "word_limit", "message"),
    [
        ("single_choice", "Only one", "", "A choice question needs at least two options, one per line."),
        ("multiple_choice", "Same\nSame", "", "Each option must be different."),
        ("short_text", "Yes\nNo", "", "Only a choice question has options: remove them, or change its kind."),
        ("url", "", "100", "Only a long-text question has a word limit."),
    ],
)
def test_a_question_that_does_not_make_sense_is_refused(admin, kind, options, word_limit, message):
    data = intake_post(ProgrammeFactory(), AcademicYearFactory(), **{
        "questions-0-label": "A question", "questions-0-kind": kind, "questions-0-options": options,
        "questions-0-word_limit": word_limit, "questions-0-order": "", "questions-0-help_text": "",
    })

    response = admin.post(CREATE, data)

    assert response.status_code == 400
    assert message in response.content.decode()
    assert "Question 1: check the fields marked below." in response.content.decode()
    assert not Intake.objects.exists()


def test_choice_options_are_saved_one_per_line(admin):
    data = intake_post(ProgrammeFactory(), AcademicYearFactory(), **{
        "questions-0-label": "How did you hear of us?", "questions-0-kind": "single_choice",
        "questions-0-options": "A friend\n\nA search engine \nAn event", "questions-0-word_limit": "",
        "questions-0-order": "", "questions-0-help_text": "",
    })

    assert admin.post(CREATE, data).status_code == 302
    assert IntakeQuestion.objects.get().choices == ["A friend", "A search engine", "An event"]


def _edit_data(intake, question, **question_changes):
    data = intake_post(intake.programme, intake.academic_year, title=intake.title, slug=intake.slug,
                       **management(total=1, initial=1))
    data.update({
        "questions-0-id": question.pk, "questions-0-intake": intake.pk, "questions-0-label": question.label,
        "questions-0-kind": question.kind, "questions-0-order": "1", "questions-0-options": "",
        "questions-0-word_limit": "", "questions-0-help_text": "",
    })
    data.update(question_changes)
    return data


def test_an_answered_question_cannot_be_removed_or_change_kind(admin):
    application = submitted()
    intake = application.intake
    question = IntakeQuestionFactory(intake=intake, kind="short_text", label="Your GitHub name")
    application.answers.create(question=question, text="octocat")
    url = reverse("admissions:intake-edit", args=[intake.slug])

    removed = admin.post(url, _edit_data(intake, question, **{"questions-0-DELETE": "on"}))
    changed = admin.post(url, _edit_data(intake, question, **{"questions-0-kind": "long_text"}))

    assert removed.status_code == 400
    assert "Applicants have answered “Your GitHub name”: it cannot be removed." in removed.content.decode()
    assert changed.status_code == 400
    assert "Applicants have answered this question: its kind cannot change." in changed.content.decode()
    question.refresh_from_db()
    assert question.kind == "short_text"


def test_an_unanswered_question_is_removed_and_another_reworded(admin):
    intake = IntakeFactory()
    question = IntakeQuestionFactory(intake=intake, label="Old wording")
    data = _edit_data(intake, question, **{"questions-0-label": "New wording"})

    assert admin.post(reverse("admissions:intake-edit", args=[intake.slug]), data).status_code == 302
    assert IntakeQuestion.objects.get().label == "New wording"

    data = _edit_data(intake, question, **{"questions-0-DELETE": "on"})
    assert admin.post(reverse("admissions:intake-edit", args=[intake.slug]), data).status_code == 302
    assert not IntakeQuestion.objects.exists()


def test_add_another_question_shows_one_more_row_and_saves_nothing(admin):
    data = intake_post(ProgrammeFactory(), AcademicYearFactory(), add_question="1")

    response = admin.post(CREATE, data)

    assert response.status_code == 200
    assert 'name="questions-TOTAL_FORMS" value="2"' in response.content.decode()
    assert not Intake.objects.exists()


def test_a_refused_post_from_a_reviewer_changes_nothing(client):
    from admissions.tests.builders import reviewer_user

    intake = IntakeFactory(title="Unchanged")
    client.force_login(reviewer_user())
    data = intake_post(intake.programme, intake.academic_year, title="Changed", slug=intake.slug)

    assert client.post(reverse("admissions:intake-edit", args=[intake.slug]), data).status_code == 404
    intake.refresh_from_db()
    assert intake.title == "Unchanged"


def _list_queries(client):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(LIST)
    assert response.status_code == 200
    return len(queries)


def test_the_list_costs_the_same_queries_at_two_sizes(admin):
    def grow():
        intake = IntakeFactory()
        IntakeQuestionFactory.create_batch(2, intake=intake)
        ApplicationFactory.create_batch(2, intake=intake)

    grow()
    small = _list_queries(admin)
    for _ in range(5):
        grow()
    assert _list_queries(admin) == small


def test_the_list_counts_applications_once_whatever_the_questions(admin):
    intake = IntakeFactory()
    submitted(intake=intake)
    IntakeQuestionFactory.create_batch(3, intake=intake)
    ApplicationFactory.create_batch(2, intake=intake)

    page = admin.get(LIST).content.decode()

    assert f'<a href="{reverse("admissions:admin-list")}?intake={intake.pk}">1</a>' in page
    row = page[page.index(intake.title):]
    assert '<td class="num">2</td>\n        <td class="num">3</td>' in row
    assert Application.objects.filter(intake=intake).count() == 3
