import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from core.tests.pdfs import plain_pdf
from curriculum.tests.factories import EnrolmentFactory
from notifications.models import OutboundEmail
from theses import services
from theses.models import AllocationRun, Milestone, Partner, Preference, Proposal, ShowcaseEntry, Submission

from .factories import (
    MilestoneFactory,
    PartnerFactory,
    ProposalFactory,
    Role,
    ThesisRoundFactory,
    UserFactory,
    cohort_with_students,
)

pytestmark = pytest.mark.django_db

PDF = plain_pdf()

PARTNER_POST = {
    "name": "Riverside Food Bank", "kind": "charity", "contact_name": "Amira Haddad",
    "contact_email": "amira@riverside.example.org", "website": "", "public_profile": "We feed people.",
    "title": "Food bank stock tracker", "problem": "Paper lists.", "tool": "A web app.",
    "beneficiaries": "Volunteers.", "skills": "", "data_privacy": "No personal data.", "capacity": "1",
    "capacity_unit": "students", "team_min": "1", "team_max": "1",
}


def missing_from_page(response, texts):
    """The texts the page does not show (as HTML escapes them)."""
    html = response.content.decode()
    return [text for text in texts if escape(text) not in html]


def test_the_partner_form_stores_the_proposal_and_confirms_by_mail(client):
    response = client.post(reverse("theses:partner-propose"), PARTNER_POST)
    assert response.status_code == 302
    assert response.url == reverse("theses:partner-propose-done")
    proposal = Proposal.objects.get()
    assert (proposal.title, proposal.status, proposal.partner.approved) == (
        "Food bank stock tracker", "submitted", False)
    assert OutboundEmail.objects.get().to == ["amira@riverside.example.org"]
    done = client.get(response.url)
    assert "amira@riverside.example.org" in done.content.decode()
    # Not public until staff approve.
    assert "Food bank stock tracker" not in client.get(reverse("theses:index")).content.decode()


def test_the_partner_form_keeps_input_and_says_what_is_wrong(client):
    response = client.post(reverse("theses:partner-propose"), {**PARTNER_POST, "team_min": "3", "team_max": "2"})
    assert response.status_code == 200
    body = response.content.decode()
    assert "The largest team must be at least as big as the smallest." in body
    assert 'value="Riverside Food Bank"' in body
    assert Proposal.objects.count() == 0


def test_a_filled_honeypot_looks_like_success_but_keeps_nothing(client):
    response = client.post(reverse("theses:partner-propose"), {**PARTNER_POST, "fax_number": "0123"})
    assert response.status_code == 302
    assert Proposal.objects.count() == 0
    assert Partner.objects.count() == 0
    assert OutboundEmail.objects.count() == 0


def test_the_partner_form_posted_fifty_times_from_one_address_is_refused_after_five(client, settings):
    settings.MPT_RATE_LIMITS = {**settings.MPT_RATE_LIMITS,
                                "partner_proposal": {"address": "5/10m", "account": "100/h"}}
    statuses = [client.post(reverse("theses:partner-propose"),
                            {**PARTNER_POST, "title": f"Project {n}",
                             "contact_email": f"person{n}@riverside.example.org"}).status_code for n in range(50)]
    assert statuses == [302] * 5 + [429] * 45
    assert Proposal.objects.count() == 5
    refused = client.post(reverse("theses:partner-propose"), PARTNER_POST)
    assert "You have sent this form too many times. Try again after" in refused.content.decode()
    assert 0 < int(refused["Retry-After"]) <= 600
    # Another address is not affected.
    other = client.post(reverse("theses:partner-propose"), PARTNER_POST, REMOTE_ADDR="10.0.0.9")
    assert other.status_code == 302
    assert Proposal.objects.count() == 6


def test_one_contact_address_is_limited_whatever_the_client_address(client, settings):
    settings.MPT_RATE_LIMITS = {**settings.MPT_RATE_LIMITS,
                                "partner_proposal": {"address": "100/10m", "account": "2/h"}}
    statuses = [client.post(reverse("theses:partner-propose"), {**PARTNER_POST, "title": f"Project {n}"},
                            REMOTE_ADDR=f"10.0.0.{n}").status_code for n in range(1, 5)]
    assert statuses == [302, 302, 429, 429]
    assert Proposal.objects.count() == 2


@pytest.mark.parametrize("n", [1, 4])
def test_the_public_index_costs_the_same_queries_whatever_the_data_size(client, django_assert_num_queries, n):
    shown = []
    for _ in range(n):
        open_ = ProposalFactory(from_partner=True)
        done = ProposalFactory(status="completed")
        entry = ShowcaseEntry.objects.create(proposal=done, summary="It **works**.", published=True,
                                             published_at=timezone.now())
        entry.consenting_members.add(UserFactory())
        under_way = ProposalFactory(status="in_progress", from_partner=True)
        shown += [open_.title, done.title, under_way.title]
    with django_assert_num_queries(5):
        response = client.get(reverse("theses:index"))
    assert len(response.context["proposals"]) == n
    assert len(response.context["under_way"]) == n
    assert len(response.context["showcase"]) == n
    assert "<strong>works</strong>" in response.content.decode()
    assert missing_from_page(response, shown) == []


def test_unapproved_partners_proposals_and_students_own_projects_are_not_public(client):
    hidden = ProposalFactory(from_partner=True)
    hidden.partner.approved = False
    hidden.partner.save()
    own = ProposalFactory(source="student", proposed_by_student=UserFactory(roles=[Role.STUDENT]))
    shown = ProposalFactory()
    assert list(client.get(reverse("theses:index")).context["proposals"]) == [shown]
    assert client.get(reverse("theses:proposal-detail", args=[hidden.slug])).status_code == 404
    assert client.get(reverse("theses:proposal-detail", args=[own.slug])).status_code == 404
    assert client.get(reverse("theses:proposal-detail", args=[shown.slug])).status_code == 200


@pytest.mark.parametrize("n", [1, 4])
def test_staff_index_costs_the_same_queries_whatever_the_data_size(client, django_assert_num_queries, n):
    staff = UserFactory(roles=[Role.STAFF])
    proposals = [ProposalFactory(from_partner=True) for _ in range(n)]
    rounds = [ThesisRoundFactory() for _ in range(n)]
    client.force_login(staff)
    client.get(reverse("theses:staff-index"))  # warm the session
    with django_assert_num_queries(8):
        response = client.get(reverse("theses:staff-index"))
    assert len(response.context["proposals"]) == n
    assert missing_from_page(response, [p.title for p in proposals] + [r.cohort.name for r in rounds]) == []


@pytest.fixture
def student_in_round():
    round_, (student, other) = cohort_with_students(2)
    projects = [ProposalFactory(cohort=round_.cohort) for _ in range(6)]
    return round_, student, other, projects


def test_the_same_project_twice_is_refused(client, student_in_round):
    _, student, _, projects = student_in_round
    client.force_login(student)
    response = client.post(reverse("theses:preferences"),
                           {"choice_1": projects[0].pk, "choice_2": projects[0].pk})
    assert "You chose the same project more than once" in response.content.decode()
    assert Preference.objects.count() == 0


def test_a_ranking_is_saved_in_order_and_shown_again(client, student_in_round):
    _, student, other, projects = student_in_round
    client.force_login(student)
    response = client.post(reverse("theses:preferences"),
                           {"choice_1": projects[2].pk, "choice_3": projects[0].pk, "teammates": [other.pk]})
    assert response.status_code == 302
    assert list(Preference.objects.order_by("rank").values_list("rank", "proposal_id")) == [
        (1, projects[2].pk), (2, projects[0].pk)]
    page = client.get(reverse("theses:preferences"))
    assert page.context["form"].initial["choice_1"] == str(projects[2].pk)


def test_the_ranking_page_loads_drag_and_drop_from_our_own_host_and_works_without_it(client, student_in_round):
    _, student, _, projects = student_in_round
    client.force_login(student)
    body = client.get(reverse("theses:preferences")).content.decode()
    # The enhancement: SortableJS and our script, both files on this host, no inline script.
    assert '<script src="/static/vendor/sortablejs/Sortable.min.js" defer></script>' in body
    assert '<script src="/static/js/theses.js" defer></script>' in body
    assert "<script>" not in body and " style=" not in body
    assert "data-ranking-list" in body
    # Without it: five labelled selects; the order is the order of their names.
    for n, place in enumerate(["1st", "2nd", "3rd", "4th", "5th"], start=1):
        assert f'<label class="form-label" for="id_choice_{n}">{place} choice</label>' in body
    # What the script posts after a drag: the rows renumbered, in any field order.
    response = client.post(reverse("theses:preferences"), {"choice_2": projects[1].pk, "choice_1": projects[3].pk})
    assert response.status_code == 302
    assert list(Preference.objects.order_by("rank").values_list("proposal_id", flat=True)) == [
        projects[3].pk, projects[1].pk]


def test_a_ranking_naming_a_closed_project_is_refused_by_name_and_nothing_is_saved(client, student_in_round):
    _, student, _, projects = student_in_round
    client.force_login(student)
    services.preferences_submit(student=student, cohort=projects[0].cohort, proposal_ids=[projects[0].pk], by=student)
    Proposal.objects.filter(pk=projects[1].pk).update(status=Proposal.Status.WITHDRAWN)
    response = client.post(reverse("theses:preferences"), {"choice_1": projects[1].pk, "choice_2": "999999"})
    body = response.content.decode()
    assert f"“{projects[1].title}” is not open for preferences." in body
    assert "One of your choices is not a project on this list." in body
    assert list(Preference.objects.values_list("proposal_id", flat=True)) == [projects[0].pk]


def test_a_closed_round_refuses_rankings(client):
    round_, (student,) = cohort_with_students(1, round_kwargs={"closed": True})
    project = ProposalFactory(cohort=round_.cohort)
    client.force_login(student)
    response = client.post(reverse("theses:preferences"), {"choice_1": project.pk})
    assert "Preferences closed on" in response.content.decode()
    assert Preference.objects.count() == 0


@pytest.fixture
def published(student_in_round, django_capture_on_commit_callbacks):
    round_, student, other, projects = student_in_round
    for s, p in ((student, projects[0]), (other, projects[1])):
        services.preferences_submit(student=s, cohort=round_.cohort, proposal_ids=[p.pk], by=s)
    staff = UserFactory(roles=[Role.STAFF])
    with django_capture_on_commit_callbacks(execute=True):
        run = services.allocation_run_start(round_=round_, objective="min_cost", by=staff)
    run = services.allocation_publish(run=run, by=staff)
    milestone = MilestoneFactory(round=round_, kind="interim")
    return round_, student, other, projects, milestone, staff, run


def test_a_student_sees_their_project_team_and_milestone_dates(client, published):
    _, student, _, projects, milestone, _, _ = published
    client.force_login(student)
    response = client.get(reverse("theses:student-home"))
    body = response.content.decode()
    assert projects[0].title in body
    assert timezone.localtime(milestone.due_at).strftime("%-d %B %Y") in body
    assert "Interim demo" in body


def test_a_report_that_is_not_a_pdf_is_refused_beside_the_field(client, published):
    _, student, _, _, milestone, _, _ = published
    client.force_login(student)
    fake = SimpleUploadedFile("report.pdf", b"MZ\x90\x00 not a pdf", content_type="application/pdf")
    response = client.post(reverse("theses:submission-create", args=[milestone.pk]), {"report": fake})
    assert response.status_code == 200
    assert response.context["form"].errors["report"] == [
        "The report must be a PDF file. Save or export it as PDF and upload it again."]
    assert Submission.objects.count() == 0


def test_a_student_can_never_open_another_students_submission(client, published, settings, tmp_path):
    settings.PRIVATE_STORAGE_ROOT = tmp_path
    _, student, other, _, milestone, staff, _ = published
    client.force_login(student)
    response = client.post(reverse("theses:submission-create", args=[milestone.pk]),
                           {"report": SimpleUploadedFile("r.pdf", PDF), "demo_url": "https://demo.example.org"})
    submission = Submission.objects.get()
    assert response.url == submission.get_absolute_url()
    served = b"".join(client.get(reverse("theses:submission-report", args=[submission.pk])).streaming_content)
    with submission.report.open("rb") as stored:
        assert served == stored.read()
    client.force_login(other)
    assert client.get(submission.get_absolute_url()).status_code == 404
    assert client.get(reverse("theses:submission-report", args=[submission.pk])).status_code == 404
    # Feedback from staff is what the student then reads.
    client.force_login(staff)
    client.post(submission.get_absolute_url(), {"feedback": "Lovely demo; test with real volunteers."})
    client.force_login(student)
    assert "Lovely demo; test with real volunteers." in client.get(submission.get_absolute_url()).content.decode()


def test_a_student_cannot_give_feedback_and_nothing_changes(client, published):
    _, student, _, projects, milestone, _, _ = published
    submission = Submission.objects.create(milestone=milestone, student=student, proposal=projects[0],
                                           submitted_at=timezone.now(), repository_url="https://example.org/r")
    client.force_login(student)
    mails = OutboundEmail.objects.count()
    assert client.post(submission.get_absolute_url(), {"feedback": "Self-praise"}).status_code == 403
    submission.refresh_from_db()
    assert (submission.feedback, submission.feedback_by, submission.feedback_at) == ("", None, None)
    assert OutboundEmail.objects.count() == mails


def test_late_work_is_shown_as_late(client, published):
    _, student, _, _, milestone, _, _ = published
    milestone.due_at = timezone.now() - datetime.timedelta(hours=1)
    milestone.save()
    client.force_login(student)
    response = client.post(reverse("theses:submission-create", args=[milestone.pk]),
                           {"repository_url": "https://example.org/repo"}, follow=True)
    assert "It is marked late" in response.content.decode()
    assert Submission.objects.get().late is True


@pytest.mark.parametrize("n", [2, 5])
def test_run_detail_costs_the_same_queries_whatever_the_data_size(client, django_assert_num_queries, n,
                                                                  django_capture_on_commit_callbacks):
    round_, students = cohort_with_students(n)
    projects = [ProposalFactory(cohort=round_.cohort, capacity=1) for _ in range(n)]
    for s in students:
        services.preferences_submit(student=s, cohort=round_.cohort, proposal_ids=[projects[0].pk], by=s)
    staff = UserFactory(roles=[Role.STAFF])
    with django_capture_on_commit_callbacks(execute=True):
        run = services.allocation_run_start(round_=round_, objective="stable", by=staff)
    client.force_login(staff)
    client.get(run.get_absolute_url())
    with django_assert_num_queries(10):
        response = client.get(run.get_absolute_url())
    assert len(response.context["unplaced"]) == n - 1
    assert "None of their 1 choice had room: 1 full." in response.content.decode()
    assert missing_from_page(response, [projects[0].title] + [s.full_name for s in students]) == []


def test_the_status_fragment_polls_until_the_run_finishes(client):
    staff = UserFactory(roles=[Role.STAFF])
    run = AllocationRun.objects.create(round=ThesisRoundFactory(), objective="min_cost", progress=30,
                                       state="running", message="Solving (round 1)", created_by=staff)
    client.force_login(staff)
    body = client.get(reverse("theses:run-status", args=[run.pk])).content.decode()
    assert 'hx-trigger="every 1s"' in body and 'value="30"' in body
    run.state = "done"
    run.save()
    body = client.get(reverse("theses:run-status", args=[run.pk])).content.decode()
    assert "hx-trigger" not in body and "See the result" in body


def test_staff_move_a_student_by_hand_and_over_capacity_is_refused(client, published):
    _, student, _other, projects, _, staff, run = published
    run.published_at = None
    run.save()
    projects[1].capacity = 1
    projects[1].save()
    client.force_login(staff)
    response = client.post(reverse("theses:run-assign", args=[run.pk]),
                           {"student": student.pk, "proposal": projects[1].pk}, follow=True)
    assert "is full" in response.content.decode(), [str(m) for m in response.context["messages"]]
    assert run.assignments.get(student=student).proposal == projects[0]
    client.post(reverse("theses:run-assign", args=[run.pk]), {"student": student.pk, "proposal": projects[3].pk})
    assert run.assignments.get(student=student).proposal == projects[3]


def test_publishing_twice_through_the_page_is_refused(client, published):
    _, _, _, _, _, staff, run = published
    client.force_login(staff)
    response = client.post(reverse("theses:run-publish", args=[run.pk]), follow=True)
    assert "already has a published allocation" in response.content.decode()


def test_compare_lists_students_placed_differently(client, published, django_capture_on_commit_callbacks):
    round_, _student, _other, _projects, _, staff, run = published
    with django_capture_on_commit_callbacks(execute=True):
        second = services.allocation_run_start(round_=round_, objective="stable", by=staff)
    client.force_login(staff)
    response = client.get(reverse("theses:run-compare", args=[run.pk]), {"with": second.pk})
    assert response.context["rows"] == []
    assert "0 students placed differently" in response.content.decode()


def test_a_student_proposes_their_own_project_for_a_supervisor_to_approve(client, student_in_round):
    _, student, _, _ = student_in_round
    supervisor = UserFactory(roles=[Role.STAFF], full_name="Dr Ada Okafor")
    client.force_login(student)
    response = client.post(reverse("theses:student-propose"), {
        "title": "Open minutes", "problem": "p", "tool": "t", "beneficiaries": "b", "skills": "",
        "data_privacy": "d", "supervisor": supervisor.pk}, follow=True)
    assert "We have asked Dr Ada Okafor to approve “Open minutes”" in response.content.decode()
    own = Proposal.objects.get(title="Open minutes")
    client.force_login(UserFactory(roles=[Role.STAFF]))
    client.post(reverse("theses:staff-proposal-action", args=[own.pk]), {"action": "approve"})
    own.refresh_from_db()
    assert own.status == "submitted"
    client.force_login(supervisor)
    client.post(reverse("theses:staff-proposal-action", args=[own.pk]), {"action": "approve"})
    own.refresh_from_db()
    assert own.status == "open"


def test_a_student_agrees_to_be_named_in_the_showcase(client, published):
    _, student, _, projects, _, _, _ = published
    client.force_login(student)
    client.post(reverse("theses:showcase-consent"), {"consent": "yes"})
    assert list(ShowcaseEntry.objects.get(proposal=projects[0]).consenting_members.all()) == [student]
    client.post(reverse("theses:showcase-consent"), {"consent": "no"})
    assert list(ShowcaseEntry.objects.get(proposal=projects[0]).consenting_members.all()) == []


def test_partner_of_a_listed_proposal_must_be_approved_for_it_to_show(client):
    partner = PartnerFactory(approved=False)
    ProposalFactory(partner=partner, source="partner")
    assert list(client.get(reverse("theses:index")).context["proposals"]) == []


def test_student_home_without_a_cohort_says_what_to_do(client):
    student = UserFactory(roles=[Role.STUDENT])
    EnrolmentFactory(student=student)  # a cohort with no thesis round
    client.force_login(student)
    assert "not in a cohort with a thesis round yet" in client.get(reverse("theses:student-home")).content.decode()


def test_a_supervisor_orders_their_applicants_and_the_stable_run_follows_it(client, django_capture_on_commit_callbacks):
    round_, (first, second) = cohort_with_students(2)
    supervisor = UserFactory(roles=[Role.STAFF])
    project = ProposalFactory(cohort=round_.cohort, capacity=1, supervisor=supervisor)
    for s in (first, second):
        services.preferences_submit(student=s, cohort=round_.cohort, proposal_ids=[project.pk], by=s)
    client.force_login(supervisor)
    page = client.get(reverse("theses:staff-ranking", args=[round_.pk]))
    assert [s for s, _ in page.context["rows"]] == sorted([first, second], key=lambda u: (u.full_name, u.pk))
    same = client.post(reverse("theses:staff-ranking", args=[round_.pk]),
                       {f"rank_{first.pk}": "1", f"rank_{second.pk}": "1"})
    assert "Give each student a different place." in same.content.decode()
    client.post(reverse("theses:staff-ranking", args=[round_.pk]), {f"rank_{second.pk}": "1", f"rank_{first.pk}": "2"})
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("theses:run-create", args=[round_.pk]), {"objective": "stable"})
    run = AllocationRun.objects.get()
    assert list(run.assignments.values_list("student_id", flat=True)) == [second.pk]


def test_staff_set_milestone_dates_and_students_see_them(client):
    round_, (student,) = cohort_with_students(1)
    staff = UserFactory(roles=[Role.STAFF])
    client.force_login(staff)
    response = client.post(reverse("theses:staff-milestones", args=[round_.pk]),
                           {"interim": "2027-03-12T17:00", "final": "2027-08-27T17:00"})
    assert response.status_code == 302
    assert sorted(round_.milestones.values_list("kind", flat=True)) == ["final", "interim"]
    client.force_login(student)
    body = client.get(reverse("theses:student-home")).content.decode()
    assert "Friday 12 March 2027, 17:00" in body and "Friday 27 August 2027, 17:00" in body


def test_staff_start_a_round_for_a_cohort(client):
    cohort = EnrolmentFactory().cohort
    client.force_login(UserFactory(roles=[Role.STAFF]))
    response = client.post(reverse("theses:staff-round-create"), {
        "cohort": cohort.pk, "preferences_close_at": "2027-01-15T12:00", "default_supervisor_capacity": "4"})
    assert response.status_code == 302
    assert cohort.thesis_round.default_supervisor_capacity == 4


@pytest.mark.parametrize("n", [1, 4])
def test_student_home_costs_the_same_queries_whatever_the_data_size(client, django_assert_num_queries, n, published):
    round_, student, _, projects, _, _, _ = published
    kinds = ["proposal", "ethics", "final", "showcase"][: n]
    for kind in kinds:
        m = MilestoneFactory(round=round_, kind=kind)
        Submission.objects.create(milestone=m, student=student, proposal=projects[0], submitted_at=timezone.now(),
                                  repository_url="https://example.org/r")
    client.force_login(student)
    client.get(reverse("theses:student-home"))
    with django_assert_num_queries(13):
        response = client.get(reverse("theses:student-home"))
    assert len(response.context["milestones"]) == n + 1
    labels = dict(Milestone.Kind.choices)
    assert missing_from_page(response, [labels[kind] for kind in kinds]) == []


@pytest.mark.parametrize("n", [1, 4])
def test_round_and_submissions_pages_cost_the_same_queries_whatever_the_data_size(
        client, django_assert_num_queries, n):
    round_, students = cohort_with_students(n)
    staff = UserFactory(roles=[Role.STAFF])
    milestone = MilestoneFactory(round=round_)
    for s in students:
        p = ProposalFactory(cohort=round_.cohort)
        services.preferences_submit(student=s, cohort=round_.cohort, proposal_ids=[p.pk], by=s)
        Submission.objects.create(milestone=milestone, student=s, proposal=p, submitted_at=timezone.now(),
                                  repository_url="https://example.org/r")
        AllocationRun.objects.create(round=round_, objective="min_cost", created_by=staff)
    client.force_login(staff)
    client.get(reverse("theses:staff-round", args=[round_.pk]))
    with django_assert_num_queries(10):
        response = client.get(reverse("theses:staff-round", args=[round_.pk]))
    assert len(response.context["runs"]) == n
    assert missing_from_page(response, [f"Run {run.pk}:" for run in round_.runs.all()]) == []
    with django_assert_num_queries(6):
        response = client.get(reverse("theses:staff-submissions", args=[round_.pk]))
    assert len(response.context["submissions"]) == n
    assert missing_from_page(response, [s.full_name for s in students]) == []


@pytest.mark.parametrize("n", [1, 4])
def test_a_proposal_page_costs_the_same_queries_whatever_the_team_size(client, django_assert_num_queries, n):
    proposal = ProposalFactory(status="completed", from_partner=True)
    entry = ShowcaseEntry.objects.create(proposal=proposal, summary="Done.", published=True,
                                         published_at=timezone.now())
    members = [UserFactory() for _ in range(n)]
    entry.consenting_members.add(*members)
    with django_assert_num_queries(3):
        response = client.get(proposal.get_absolute_url())
    assert response.content.decode().count("Built by") == 1
    assert missing_from_page(response, [proposal.title] + [m.full_name for m in members]) == []


def test_staff_set_and_clear_a_supervisors_limit_and_the_allocation_uses_it(client):
    from theses.models import SupervisorCapacity

    round_, students = cohort_with_students(3, round_kwargs={"default_supervisor_capacity": 4})
    ada = UserFactory(roles=[Role.STAFF], full_name="Dr Ada Okafor")
    ben = UserFactory(roles=[Role.STAFF], full_name="Prof Ben Ito")
    project = ProposalFactory(cohort=round_.cohort, supervisor=ada, capacity=3, title="Search council minutes")
    ProposalFactory(cohort=round_.cohort, supervisor=ben, capacity=2)
    SupervisorCapacity.objects.create(round=round_, supervisor=ben, capacity=1)
    client.force_login(ada)
    url = reverse("theses:staff-supervisors", args=[round_.pk])
    page = client.get(url)
    body = page.content.decode()
    assert "<h1>How many students each supervisor takes</h1>" in body
    assert [row.supervisor for row, _ in page.context["rows"]] == [ada, ben]
    assert f'name="cap_{ben.pk}" value="1"' in body
    assert 'href="' + url + '"' in client.get(reverse("theses:staff-round", args=[round_.pk])).content.decode()

    response = client.post(url, {f"cap_{ada.pk}": "2", f"cap_{ben.pk}": ""})
    assert response.status_code == 302
    assert dict(SupervisorCapacity.objects.values_list("supervisor_id", "capacity")) == {ada.pk: 2}
    # The next run keeps Ada to two students although her project takes three.
    for s in students:
        services.preferences_submit(student=s, cohort=round_.cohort, proposal_ids=[project.pk], by=s)
    built = services.build_instance(round_)
    assert built.instance.supervisor_capacity == [2, 4]
    run = AllocationRun.objects.create(round=round_, objective="min_cost", created_by=ada)
    assert services.allocation_run_execute(run_id=run.pk).assignments.count() == 2


def test_a_bad_supervisor_limit_is_refused_beside_the_field_and_nothing_changes(client):
    from theses.models import SupervisorCapacity

    round_, _ = cohort_with_students(1)
    ada = UserFactory(roles=[Role.STAFF], full_name="Dr Ada Okafor")
    ben = UserFactory(roles=[Role.STAFF], full_name="Prof Ben Ito")
    ProposalFactory(cohort=round_.cohort, supervisor=ada)
    ProposalFactory(cohort=round_.cohort, supervisor=ben)
    SupervisorCapacity.objects.create(round=round_, supervisor=ben, capacity=3)
    client.force_login(ada)
    response = client.post(reverse("theses:staff-supervisors", args=[round_.pk]),
                           {f"cap_{ada.pk}": "2", f"cap_{ben.pk}": "99"})
    body = response.content.decode()
    assert response.status_code == 200
    assert "<title>Error:" in body
    assert f'<a href="#id_cap_{ben.pk}">Give a number from 0 to 50, or leave it blank.</a>' in body
    assert f'name="cap_{ada.pk}" value="2"' in body  # the input is kept
    assert dict(SupervisorCapacity.objects.values_list("supervisor_id", "capacity")) == {ben.pk: 3}


def test_a_student_cannot_set_supervisor_limits_and_nothing_changes(client):
    from theses.models import SupervisorCapacity

    round_, (student,) = cohort_with_students(1)
    ada = UserFactory(roles=[Role.STAFF])
    ProposalFactory(cohort=round_.cohort, supervisor=ada)
    client.force_login(student)
    response = client.post(reverse("theses:staff-supervisors", args=[round_.pk]), {f"cap_{ada.pk}": "9"})
    assert response.status_code == 403
    assert not SupervisorCapacity.objects.exists()
    with pytest.raises(PermissionDenied):
        services.supervisor_capacities_set(round_=round_, capacities={ada.pk: 9}, by=student)
    with pytest.raises(ValidationError, match="Only members of staff"):
        services.supervisor_capacities_set(round_=round_, capacities={student.pk: 9}, by=ada)
    assert not SupervisorCapacity.objects.exists()


@pytest.mark.parametrize("n", [1, 5])
def test_supervisor_limits_cost_the_same_queries_whatever_the_data_size(client, django_assert_num_queries, n):
    from theses.models import SupervisorCapacity

    round_, students = cohort_with_students(2)
    staff = UserFactory(roles=[Role.STAFF])
    for i in range(n):
        project = ProposalFactory(cohort=round_.cohort, capacity=2)
        ProposalFactory(cohort=round_.cohort, supervisor=project.supervisor)
        SupervisorCapacity.objects.create(round=round_, supervisor=project.supervisor, capacity=i)
        SupervisorCapacity.objects.create(round=round_, supervisor=UserFactory(roles=[Role.STAFF]), capacity=1)
    run = AllocationRun.objects.create(round=round_, objective="min_cost", state="done", created_by=staff,
                                       published_at=timezone.now())
    run.assignments.create(student=students[0], proposal=project, rank=1)
    client.force_login(staff)
    url = reverse("theses:staff-supervisors", args=[round_.pk])
    client.get(url)  # warm the session
    with django_assert_num_queries(8):
        response = client.get(url)
    assert len(response.context["rows"]) == 2 * n
    supervisors = [c.supervisor.full_name for c in SupervisorCapacity.objects.filter(round=round_)]
    assert missing_from_page(response, supervisors) == []
