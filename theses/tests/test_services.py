import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from pypdf import PdfReader

from core.tests.pdfs import plain_pdf
from notifications.models import OutboundEmail
from notifications.reminder_engine import reminders_run
from theses import services
from theses.models import AllocationRun, Assignment, Partner, Preference, Proposal, Submission

from .factories import (
    MilestoneFactory,
    ProposalFactory,
    Role,
    UserFactory,
    cohort_with_students,
)

pytestmark = pytest.mark.django_db

PDF = plain_pdf()


def partner_data(**overrides):
    return {"name": "Riverside Food Bank", "kind": "charity", "contact_name": "Amira Haddad",
            "contact_email": "amira@riverside.example.org", "website": "", "public_profile": "We feed people.",
            **overrides}


def proposal_data(**overrides):
    return {"title": "Food bank stock tracker", "problem": "Paper lists.", "tool": "A web app.",
            "beneficiaries": "Volunteers.", "skills": "", "data_privacy": "None.", "capacity": 1,
            "capacity_unit": "students", "team_min": 1, "team_max": 1, **overrides}


def test_a_partner_proposal_is_stored_unapproved_and_confirmed_by_mail():
    proposal = services.partner_proposal_submit(partner=partner_data(), proposal=proposal_data())
    assert proposal.status == Proposal.Status.SUBMITTED
    assert proposal.partner.approved is False
    assert list(Proposal.objects.public()) == []
    mail = OutboundEmail.objects.get(purpose="theses.partner_proposal_received")
    assert mail.to == ["amira@riverside.example.org"]
    assert "Food bank stock tracker" in mail.subject


def test_staff_approve_and_open_a_partner_proposal_makes_it_and_the_partner_public():
    round_, _ = cohort_with_students(1)
    staff = UserFactory(roles=[Role.STAFF])
    proposal = services.partner_proposal_submit(partner=partner_data(), proposal=proposal_data())
    proposal.cohort, proposal.supervisor = round_.cohort, staff
    proposal.save()
    services.proposal_approve(proposal=proposal, by=staff, open_now=True)
    proposal.refresh_from_db()
    assert proposal.status == Proposal.Status.OPEN
    assert Partner.objects.get().approved is True
    assert list(Proposal.objects.public()) == [proposal]
    told = OutboundEmail.objects.get(purpose="theses.partner_proposal_open")
    assert told.to == ["amira@riverside.example.org"]
    assert proposal.get_absolute_url() in told.body_text


def test_a_student_cannot_approve_a_proposal_and_nothing_changes():
    student = UserFactory(roles=[Role.STUDENT])
    proposal = services.partner_proposal_submit(partner=partner_data(), proposal=proposal_data())
    with pytest.raises(PermissionDenied):
        services.proposal_approve(proposal=proposal, by=student)
    proposal.refresh_from_db()
    assert proposal.status == Proposal.Status.SUBMITTED


def test_a_students_own_project_needs_its_named_supervisor_and_only_they_can_rank_it():
    round_, (author, other) = cohort_with_students(2)
    supervisor, colleague = UserFactory(roles=[Role.STAFF]), UserFactory(roles=[Role.STAFF])
    own = services.student_proposal_submit(data=proposal_data(title="Open minutes"), supervisor=supervisor,
                                           cohort=round_.cohort, by=author)
    assert OutboundEmail.objects.get(purpose="theses.student_proposal_to_approve").to == [supervisor.email]
    with pytest.raises(PermissionDenied):
        services.proposal_approve(proposal=own, by=colleague)
    services.proposal_approve(proposal=own, by=supervisor)
    own.refresh_from_db()
    assert own.status == Proposal.Status.OPEN
    services.preferences_submit(student=author, cohort=round_.cohort, proposal_ids=[own.pk], by=author)
    with pytest.raises(ValidationError, match="not open for preferences"):
        services.preferences_submit(student=other, cohort=round_.cohort, proposal_ids=[own.pk], by=other)
    assert list(Proposal.objects.public()) == []


@pytest.fixture
def ranked_round():
    round_, students = cohort_with_students(3)
    projects = [ProposalFactory(cohort=round_.cohort, capacity=1) for _ in range(6)]
    return round_, students, projects


@pytest.mark.parametrize("ids, message", [
    (lambda p: [p[0].pk, p[0].pk], "same project more than once"),
    (lambda p: [999999], "not a project on this list"),
    (lambda p: ["abc"], "not a project on this list"),
])
def test_bad_rankings_are_refused_with_a_clear_message_and_nothing_is_saved(ranked_round, ids, message):
    round_, (student, *_), projects = ranked_round
    services.preferences_submit(student=student, cohort=round_.cohort, proposal_ids=[projects[1].pk], by=student)
    with pytest.raises(ValidationError) as error:
        services.preferences_submit(student=student, cohort=round_.cohort, proposal_ids=ids(projects), by=student)
    assert any(message in m for m in error.value.messages)
    assert list(Preference.objects.values_list("proposal_id", flat=True)) == [projects[1].pk]


def test_a_closed_project_is_refused_by_name(ranked_round):
    round_, (student, *_), projects = ranked_round
    projects[2].status = Proposal.Status.WITHDRAWN
    projects[2].save()
    with pytest.raises(ValidationError) as error:
        services.preferences_submit(student=student, cohort=round_.cohort, proposal_ids=[projects[2].pk], by=student)
    assert error.value.messages == [f"“{projects[2].title}” is not open for preferences. Choose another project."]


def test_ranking_after_the_closing_date_is_refused(ranked_round):
    round_, (student, *_), projects = ranked_round
    later = round_.preferences_close_at + datetime.timedelta(minutes=1)
    with pytest.raises(ValidationError, match="Preferences closed"):
        services.preferences_submit(student=student, cohort=round_.cohort, proposal_ids=[projects[0].pk],
                                    by=student, now=later)
    assert Preference.objects.count() == 0


def test_a_ranking_with_teammates_is_saved_in_order(ranked_round):
    round_, (student, mate, _), projects = ranked_round
    outsider = UserFactory(roles=[Role.STUDENT])
    with pytest.raises(ValidationError, match="Teammates must be students of your cohort"):
        services.preferences_submit(student=student, cohort=round_.cohort, proposal_ids=[projects[0].pk],
                                    teammate_ids=[outsider.pk], by=student)
    plist = services.preferences_submit(student=student, cohort=round_.cohort,
                                        proposal_ids=[projects[3].pk, projects[1].pk], teammate_ids=[mate.pk],
                                        by=student)
    assert list(plist.choices.values_list("rank", "proposal_id")) == [(1, projects[3].pk), (2, projects[1].pk)]
    assert list(plist.teammates.all()) == [mate]


def rank_all(round_, students, order):
    for student, ids in zip(students, order, strict=True):
        services.preferences_submit(student=student, cohort=round_.cohort, proposal_ids=ids, by=student)


@pytest.mark.parametrize("objective", ["min_cost", "stable"])
def test_an_allocation_with_more_students_than_places_reports_who_was_not_placed(objective, ranked_round,
                                                                                   django_capture_on_commit_callbacks):
    round_, students, projects = ranked_round
    # Three students all want only project 0 (one place) and project 1 (one place).
    rank_all(round_, students, [[projects[0].pk, projects[1].pk]] * 3)
    staff = UserFactory(roles=[Role.STAFF])
    with django_capture_on_commit_callbacks(execute=True):
        run = services.allocation_run_start(round_=round_, objective=objective, by=staff)
    run.refresh_from_db()
    assert run.state == AllocationRun.State.DONE
    assert run.progress == 100
    assert run.rank_profile == [1, 1]
    assert len(run.unplaced) == 1
    assert run.unplaced[0]["reason"] == "None of their 2 choices had room: 2 full."
    assert sorted(Assignment.objects.filter(run=run).values_list("proposal_id", flat=True)) == [
        projects[0].pk, projects[1].pk]


def test_the_same_input_gives_the_same_allocation(ranked_round, django_capture_on_commit_callbacks):
    round_, students, projects = ranked_round
    rank_all(round_, students, [[projects[0].pk, projects[1].pk]] * 3)
    staff = UserFactory(roles=[Role.STAFF])
    with django_capture_on_commit_callbacks(execute=True):
        first = services.allocation_run_start(round_=round_, objective="min_cost", by=staff)
        second = services.allocation_run_start(round_=round_, objective="min_cost", by=staff)
    assert (sorted(first.assignments.values_list("student_id", "proposal_id"))
            == sorted(second.assignments.values_list("student_id", "proposal_id")))


def test_mutual_teammates_are_placed_together_when_it_costs_no_one_anything(client, django_capture_on_commit_callbacks):
    round_, students = cohort_with_students(3)
    s0, s1, s2 = sorted(students, key=lambda s: s.pk)
    p0 = ProposalFactory(cohort=round_.cohort, capacity=2)
    p1 = ProposalFactory(cohort=round_.cohort, capacity=1)
    for student, ids, mates in [(s0, [p0.pk, p1.pk], [s2.pk]), (s1, [p1.pk, p0.pk], [s0.pk]),
                                (s2, [p1.pk, p0.pk], [s0.pk])]:
        services.preferences_submit(student=student, cohort=round_.cohort, proposal_ids=ids,
                                    teammate_ids=mates, by=student)
    staff = UserFactory(roles=[Role.STAFF])
    with django_capture_on_commit_callbacks(execute=True):
        run = services.allocation_run_start(round_=round_, objective="min_cost", by=staff)
    run.refresh_from_db()
    # s0 and s2 named each other (s1's wish for s0 is one-sided, not a pair).
    assert dict(run.assignments.values_list("student_id", "proposal_id")) == {s0.pk: p0.pk, s1.pk: p1.pk,
                                                                               s2.pk: p0.pk}
    assert run.rank_profile == [2, 1]  # the same total rank cost as without the wish
    assert (run.teammate_pairs, run.teammate_pairs_together, run.teammate_pairs_moved) == (1, 1, 1)
    assert run.message == "Placed 3 of 3 students; 1 of 1 teammate pairs together"
    client.force_login(staff)
    assert ("1 of 1 pair on the same project (1 put together at no cost to anyone's rank)"
            in client.get(run.get_absolute_url()).content.decode())


@pytest.mark.parametrize("objective", ["min_cost", "stable"])
def test_a_teammate_wish_that_would_cost_a_better_choice_is_reported_not_honoured(
        objective, django_capture_on_commit_callbacks):
    round_, students = cohort_with_students(2)
    a, b = students
    p0, p1 = (ProposalFactory(cohort=round_.cohort, capacity=2) for _ in range(2))
    services.preferences_submit(student=a, cohort=round_.cohort, proposal_ids=[p0.pk, p1.pk],
                                teammate_ids=[b.pk], by=a)
    services.preferences_submit(student=b, cohort=round_.cohort, proposal_ids=[p1.pk, p0.pk],
                                teammate_ids=[a.pk], by=b)
    with django_capture_on_commit_callbacks(execute=True):
        run = services.allocation_run_start(round_=round_, objective=objective, by=UserFactory(roles=[Role.STAFF]))
    run.refresh_from_db()
    assert dict(run.assignments.values_list("student_id", "proposal_id")) == {a.pk: p0.pk, b.pk: p1.pk}
    assert (run.teammate_pairs, run.teammate_pairs_together, run.teammate_pairs_moved) == (1, 0, 0)
    assert run.message == "Placed 2 of 2 students; 0 of 1 teammate pairs together"


def finished_run(round_, students, projects, capture):
    rank_all(round_, students, [[projects[0].pk], [projects[1].pk], [projects[2].pk]])
    staff = UserFactory(roles=[Role.STAFF])
    with capture(execute=True):
        run = services.allocation_run_start(round_=round_, objective="min_cost", by=staff)
    run.refresh_from_db()
    return run, staff


def test_a_manual_move_over_capacity_is_refused_and_nothing_changes(ranked_round, django_capture_on_commit_callbacks):
    round_, students, projects = ranked_round
    run, staff = finished_run(round_, students, projects, django_capture_on_commit_callbacks)
    with pytest.raises(ValidationError, match="is full"):
        services.assignment_set(run=run, student=students[0], proposal=projects[1], by=staff)
    assert run.assignments.get(student=students[0]).proposal == projects[0]
    services.assignment_set(run=run, student=students[0], proposal=projects[4], by=staff)
    moved = run.assignments.get(student=students[0])
    assert (moved.proposal, moved.manual, moved.rank) == (projects[4], True, None)


def test_a_manual_move_over_the_supervisors_capacity_is_refused(ranked_round, django_capture_on_commit_callbacks):
    round_, students, projects = ranked_round
    round_.default_supervisor_capacity = 1
    round_.save()
    projects[5].supervisor = projects[0].supervisor
    projects[5].save()
    run, staff = finished_run(round_, students, projects, django_capture_on_commit_callbacks)
    with pytest.raises(ValidationError, match="already supervises 1 student "):
        services.assignment_set(run=run, student=students[1], proposal=projects[5], by=staff)


def test_publishing_marks_projects_allocated_and_mails_everyone_once(ranked_round, django_capture_on_commit_callbacks):
    round_, students, projects = ranked_round
    run, staff = finished_run(round_, students, projects, django_capture_on_commit_callbacks)
    services.allocation_publish(run=run, by=staff)
    assert set(Proposal.objects.filter(status="allocated")) == set(projects[:3])
    assert OutboundEmail.objects.filter(purpose="theses.allocation_student").count() == 3
    assert OutboundEmail.objects.filter(purpose="theses.allocation_supervisor").count() == 3
    with pytest.raises(ValidationError, match="already has a published allocation"):
        services.allocation_publish(run=run, by=staff)
    assert OutboundEmail.objects.filter(purpose="theses.allocation_student").count() == 3
    assert services.published_assignment(student=students[0]).proposal == projects[0]


@pytest.fixture
def placed_student(ranked_round, django_capture_on_commit_callbacks):
    round_, students, projects = ranked_round
    run, staff = finished_run(round_, students, projects, django_capture_on_commit_callbacks)
    services.allocation_publish(run=run, by=staff)
    milestone = MilestoneFactory(round=round_, kind="interim")
    return students[0], milestone, staff


def test_a_report_that_is_not_a_pdf_is_refused(placed_student):
    student, milestone, _ = placed_student
    fake = SimpleUploadedFile("report.pdf", b"<html>not a pdf</html>", content_type="application/pdf")
    with pytest.raises(ValidationError, match="must be a PDF"):
        services.submission_submit(milestone=milestone, student=student, report=fake, by=student)
    assert Submission.objects.count() == 0


def test_work_handed_in_after_the_due_moment_is_marked_late(placed_student, settings, tmp_path):
    settings.PRIVATE_STORAGE_ROOT = tmp_path
    student, milestone, staff = placed_student
    on_time = services.submission_submit(milestone=milestone, student=student, by=student,
                                         report=SimpleUploadedFile("r.pdf", PDF), now=milestone.due_at)
    assert on_time.late is False
    assert len(PdfReader(on_time.report).pages) == 1
    late = services.submission_submit(milestone=milestone, student=student, by=student,
                                      repository_url="https://example.org/repo",
                                      now=milestone.due_at + datetime.timedelta(seconds=1))
    assert late.pk == on_time.pk and late.late is True
    services.submission_feedback(submission=late, feedback="Good demo.", by=staff)
    assert OutboundEmail.objects.get(purpose="theses.feedback_given").to == [student.email]


def test_milestone_reminders_go_seven_days_and_one_day_before_to_each_placed_student(placed_student):
    student, milestone, _ = placed_student
    due = milestone.due_at
    assert reminders_run(now=due - datetime.timedelta(days=7)) == 3
    assert reminders_run(now=due - datetime.timedelta(days=7)) == 0  # once only
    mails = OutboundEmail.objects.filter(purpose="theses.milestone_reminder")
    assert sorted(len(m.to) for m in mails) == [1, 1, 1]
    Submission.objects.create(milestone=milestone, student=student, proposal=Proposal.objects.first(),
                              submitted_at=timezone.now(), repository_url="https://example.org/x")
    assert reminders_run(now=due - datetime.timedelta(days=1)) == 2  # not to the one who handed in
