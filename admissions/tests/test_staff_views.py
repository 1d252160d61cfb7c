"""Review pages: what each role sees, query counts at two sizes, blind mode,
filters, CSV exports, and refused POSTs that change nothing."""

import csv
import io

import pytest
from django.urls import reverse
from django.utils.html import escape

from accounts.roles import Role
from accounts.tests.factories import UserFactory
from admissions import services
from admissions.models import (
    Application,
    Decision,
    DocumentAccess,
    DocumentKind,
    Review,
    ReviewAssignment,
)
from admissions.tests.builders import admin_user, reviewer_user, rubric, scores, submitted
from admissions.tests.factories import IntakeFactory

pytestmark = pytest.mark.django_db


def _csv(response):
    return list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))


def _setup(n_apps, reviewers, k=2, intake=None):
    intake = intake or IntakeFactory()
    setup = services.setup_for(intake)
    setup.reviewers_per_application = k
    setup.save()
    setup.panel.set(reviewers)
    criteria = list(intake.rubric.all()) or rubric(intake)
    apps = [submitted(intake=intake) for _ in range(n_apps)]
    services.assignment_run(intake=intake, by=admin_user(), notify=False)
    return intake, apps, criteria


def _review_all(apps, reviewers, criteria, value=3):
    for application in apps:
        for assignment in application.review_assignments.all():
            reviewer = assignment.reviewer
            services.review_save(application=application, reviewer=reviewer, scores=scores(criteria, value),
                           recommendation="offer", by=reviewer)


# --- Query counts at two sizes -------------------------------------------------------------


def missing_links(response, url_name, applications):
    """The applications the page has no link to."""
    page = response.content.decode()
    return [a.pk for a in applications if f'href="{reverse(url_name, args=[a.pk])}"' not in page]


@pytest.mark.parametrize("n", [2, 12])
def test_reviewer_queue_costs_the_same_queries_at_two_sizes(client, django_assert_num_queries, n):
    reviewer, other = reviewer_user(), reviewer_user()
    _intake, _apps, _criteria = _setup(n, [reviewer, other])
    client.force_login(reviewer)
    for show in ("todo", "all"):
        with django_assert_num_queries(6):
            response = client.get(reverse("admissions:review-queue"), {"show": show})
        assert response.status_code == 200
    assert len(response.context["page"].object_list) == n
    mine = [a.application for a in response.context["page"].object_list]
    assert {a.reviewer_id for a in response.context["page"].object_list} == {reviewer.pk}
    assert missing_links(response, "admissions:review-application", mine) == []


@pytest.mark.parametrize("n", [2, 12])
def test_admin_list_costs_the_same_queries_at_two_sizes(client, django_assert_num_queries, n):
    reviewers = [reviewer_user(), reviewer_user()]
    intake, apps, criteria = _setup(n, reviewers)
    _review_all(apps, reviewers, criteria)
    services.decision_stage(application=apps[0], outcome="offer", by=admin_user())
    client.force_login(admin_user())
    with django_assert_num_queries(9):
        response = client.get(reverse("admissions:admin-list"),
                              {"intake": intake.pk, "sort": "-mean", "flags": ["no_decision"]})
    assert response.status_code == 200
    assert response.context["page"].paginator.count == n - 1
    assert missing_links(response, "admissions:admin-application", apps[1:]) == []


@pytest.mark.parametrize("n", [1, 4])
def test_admin_application_page_costs_the_same_queries_with_more_reviews(client, django_assert_num_queries, n):
    reviewers = [reviewer_user() for _ in range(n)]
    _intake, apps, criteria = _setup(1, reviewers, k=n)
    _review_all(apps, reviewers, criteria)
    client.force_login(admin_user())
    with django_assert_num_queries(29):
        response = client.get(reverse("admissions:admin-application", args=[apps[0].pk]))
    assert response.status_code == 200
    assert len(response.context["reviews"]) == n
    page = response.content.decode()
    assert [r.full_name for r in reviewers if escape(r.full_name) not in page] == []


# --- The reviewer's pages ---------------------------------------------------------------------


def test_review_form_save_and_next_then_co_reviews_appear(client):
    a, b = reviewer_user(), reviewer_user()
    _intake, apps, criteria = _setup(2, [a, b])
    first, second = sorted(apps, key=lambda x: x.pk)
    services.review_save(application=first, reviewer=b, scores=scores(criteria, 5), recommendation="offer",
                   comment="Lovely repository.", by=b)
    client.force_login(a)
    url = reverse("admissions:review-application", args=[first.pk])
    page = client.get(url).content.decode()
    assert "Lovely repository." not in page and "once your own review is in" in page
    data = {f"c{c.pk}": "4" for c in criteria} | {"recommendation": "interview", "comment": "Ask about tests.",
                                                  "next": "1"}
    response = client.post(url, data)
    assert response.status_code == 302
    assert response.url == reverse("admissions:review-application", args=[second.pk])
    review = Review.objects.get(application=first, reviewer=a)
    assert (review.score, review.recommendation, review.comment) == (8, "interview", "Ask about tests.")
    page = client.get(url).content.decode()
    assert "Lovely repository." in page


def test_review_form_errors_keep_nothing(client):
    a, b = reviewer_user(), reviewer_user()
    _intake, apps, _criteria = _setup(1, [a, b])
    client.force_login(a)
    response = client.post(reverse("admissions:review-application", args=[apps[0].pk]), {"recommendation": "offer"})
    assert response.status_code == 400
    assert response.context["form"].errors
    assert not Review.objects.exists()


def test_blind_mode_hides_names_contacts_and_referees_from_reviewers_everywhere(client):
    a, b = reviewer_user(), reviewer_user()
    intake, apps, criteria = _setup(1, [a, b])
    application = apps[0]
    application.legal_name = "Zenobia Quartermaine"
    application.save()
    setup = services.setup_for(intake)
    setup.blind = True
    setup.save()
    services.review_save(application=application, reviewer=b, scores=scores(criteria, 3), recommendation="offer", by=b)
    client.force_login(a)
    secrets = ["Zenobia", application.applicant.email, application.phone, "Dr Alex Morgan", "Jamie Patel"]
    pages = [
        client.get(reverse("admissions:review-queue"), {"show": "all"}).content.decode(),
        client.get(reverse("admissions:review-application", args=[application.pk])).content.decode(),
        b"".join(client.get(reverse("admissions:review-queue-export")).streaming_content).decode(),
        client.get(reverse("admissions:review-conflict-declare", args=[application.pk])).content.decode(),
    ]
    for page in pages:
        for secret in secrets:
            assert secret not in page
    assert f"A-{application.pk:06d}" in pages[0]
    # Admins still see everything.
    client.force_login(admin_user())
    assert "Zenobia" in client.get(reverse("admissions:admin-application", args=[application.pk])).content.decode()


def test_sensitive_answers_never_reach_reviewers(client):
    a, b = reviewer_user(), reviewer_user()
    _intake, apps, _criteria = _setup(1, [a, b])
    Application.objects.filter(pk=apps[0].pk).update(accessibility_needs="Screen reader user")
    client.force_login(a)
    assert "Screen reader user" not in client.get(
        reverse("admissions:review-application", args=[apps[0].pk])).content.decode()
    client.force_login(admin_user())
    assert "Screen reader user" in client.get(
        reverse("admissions:admin-application", args=[apps[0].pk])).content.decode()


def test_a_refused_review_post_changes_nothing(client):
    a, b = reviewer_user(), reviewer_user()
    intake, apps, criteria = _setup(1, [a, b])
    data = {f"c{c.pk}": "4" for c in criteria} | {"recommendation": "offer"}
    url = reverse("admissions:review-application", args=[apps[0].pk])
    for user in (reviewer_user(), admin_user(), apps[0].applicant):
        client.force_login(user)
        assert client.post(url, data).status_code == 404
    services.conflict_declare(reviewer=a, intake=intake, application=apps[0], by=a)
    client.force_login(a)
    assert client.post(url, data).status_code == 404
    assert not Review.objects.exists()


def test_a_conflicted_reviewer_loses_the_application_and_its_documents(client):
    a, b = reviewer_user(), reviewer_user()
    _intake, apps, _criteria = _setup(1, [a, b])
    cv = apps[0].documents.get(kind=DocumentKind.CV)
    client.force_login(a)
    assert client.get(reverse("admissions:staff-document", args=[cv.pk])).status_code == 200
    response = client.post(reverse("admissions:review-conflict-declare", args=[apps[0].pk]), {"reason": "Friend"})
    assert response.status_code == 302
    assert client.get(reverse("admissions:review-application", args=[apps[0].pk])).status_code == 404
    assert client.get(reverse("admissions:staff-document", args=[cv.pk])).status_code == 404
    assert DocumentAccess.objects.filter(user=a).count() == 1


# --- The admin's pages ---------------------------------------------------------------------------


def test_admin_filters_combine_and_sort_by_median(client):
    reviewers = [reviewer_user(), reviewer_user()]
    intake, apps, criteria = _setup(4, reviewers)
    other_intake_app = submitted()
    for value, application in zip([1, 3, 4, 5], sorted(apps, key=lambda a: a.pk), strict=True):
        for assignment in application.review_assignments.all():
            services.review_save(application=application, reviewer=assignment.reviewer, scores=scores(criteria, value),
                           recommendation="offer", by=assignment.reviewer)
    client.force_login(admin_user())
    response = client.get(reverse("admissions:admin-list"),
                          {"intake": intake.pk, "score_min": "5", "sort": "median"})
    got = [a.pk for a in response.context["page"].object_list]
    ordered = sorted(apps, key=lambda a: a.pk)
    assert got == [ordered[1].pk, ordered[2].pk, ordered[3].pk]
    assert other_intake_app.pk not in got
    response = client.get(reverse("admissions:admin-list"),
                          {"intake": intake.pk, "score_min": "5", "score_max": "8", "sort": "-median",
                           "reviewer": reviewers[0].pk})
    assert [a.pk for a in response.context["page"].object_list] == [ordered[2].pk, ordered[1].pk]


def test_disagreement_flag(client):
    a, b = reviewer_user(), reviewer_user()
    _intake, apps, criteria = _setup(2, [a, b])
    calm, split = sorted(apps, key=lambda x: x.pk)
    for reviewer, value in ((a, 5), (b, 1)):
        services.review_save(application=split, reviewer=reviewer, scores=scores(criteria, value),
                       recommendation="offer", by=reviewer)
    for reviewer in (a, b):
        services.review_save(application=calm, reviewer=reviewer, scores=scores(criteria, 4), recommendation="offer",
                       by=reviewer)
    client.force_login(admin_user())
    response = client.get(reverse("admissions:admin-list"), {"flags": "disagreement"})
    assert [x.pk for x in response.context["page"].object_list] == [split.pk]
    assert "Disagree" in response.content.decode()


def test_admin_export_follows_the_filters_and_leaves_out_sensitive_answers(client):
    a, b = reviewer_user(), reviewer_user()
    intake, apps, _criteria = _setup(2, [a, b])
    Application.objects.filter(pk=apps[0].pk).update(accessibility_needs="Screen reader user",
                                                     legal_name="=HYPERLINK(\"http://x\")")
    submitted()  # another intake
    client.force_login(admin_user())
    rows = _csv(client.get(reverse("admissions:admin-export"), {"intake": intake.pk}))
    assert rows[0][:3] == ["reference", "name", "email"]
    assert len(rows) == 3
    flat = "\n".join(",".join(r) for r in rows)
    assert "Screen reader user" not in flat
    assert "'=HYPERLINK" in flat  # never a live formula


def test_stage_apply_and_send_from_the_pages(client, django_capture_on_commit_callbacks):
    from django.core import mail

    application = submitted()
    admin = admin_user()
    client.force_login(admin)
    response = client.post(reverse("admissions:admin-decision", args=[application.pk]), {
        "outcome": "offer", "condition_1": "Your degree is awarded with a 2:1", "condition_1_due": "2027-08-31",
    })
    assert response.status_code == 302
    decision = Decision.objects.get()
    assert decision.offer.conditional and decision.offer.conditions.get().text.startswith("Your degree")
    page = client.get(reverse("admissions:admin-decisions", args=[application.intake.slug])).content.decode()
    assert "Apply 1 decision and stage its email" in page
    client.post(reverse("admissions:admin-decisions-apply", args=[application.intake.slug]))
    page = client.get(reverse("admissions:admin-decisions", args=[application.intake.slug])).content.decode()
    assert "Send 1 decision email" in page
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("admissions:admin-decisions-send", args=[application.intake.slug]))
    assert [m.to for m in mail.outbox] == [[application.applicant.email]]


def test_a_refused_admin_post_changes_nothing(client):
    application = submitted()
    url = reverse("admissions:admin-decision", args=[application.pk])
    for user in (reviewer_user(), application.applicant, UserFactory(roles=[Role.STAFF])):
        client.force_login(user)
        assert client.post(url, {"outcome": "reject"}).status_code == 404
        assert client.post(reverse("admissions:admin-assignment-run", args=[application.intake.slug])
                           ).status_code == 404
    assert not Decision.objects.exists()
    assert not ReviewAssignment.objects.exists()


def test_dashboard_draws_the_chart_with_a_table(client):
    reviewers = [reviewer_user(), reviewer_user()]
    intake, apps, _criteria = _setup(3, reviewers)
    admin = admin_user()
    decision = services.decision_stage(application=apps[0], outcome="offer", by=admin)
    services.decisions_apply(intake=intake, by=admin)

    services.offer_respond(offer=decision.offer, accept=True, by=apps[0].applicant)
    client.force_login(admin)
    response = client.get(reverse("admissions:admin-dashboard"), {"intake": intake.slug})
    page = response.content.decode()
    assert "<svg" in page and "rv-line-under_review" in page
    assert response.context["acceptance_rate"] == 100
    outstanding = {row["reviewer"]: row["outstanding"] for row in response.context["outstanding"]}
    assert sum(outstanding.values()) == 4  # two applications still under review, two reviewers each
    assert response.context["table_rows"][-1][1][1] == 2  # under review at the last point


def test_applicant_books_an_interview(client):
    import datetime

    from django.utils import timezone

    application = submitted()
    admin = admin_user()
    services.decision_stage(application=application, outcome="interview", by=admin)
    services.decisions_apply(intake=application.intake, by=admin)
    slot = services.slot_create(intake=application.intake, starts_at=timezone.now() + datetime.timedelta(days=5),
                          duration_minutes=45, place="Room 2.14", by=admin)
    client.force_login(application.applicant)
    url = reverse("admissions:interview-book", args=[application.pk])
    assert "Room 2.14" in client.get(url).content.decode()
    assert client.post(url, {"slot": slot.pk}).status_code == 302
    slot.refresh_from_db()
    assert slot.application == application


def _invited_to_interview():
    application = submitted()
    admin = admin_user()
    services.decision_stage(application=application, outcome="interview", by=admin)
    services.decisions_apply(intake=application.intake, by=admin)
    return application, admin


def test_status_page_links_to_booking_an_interview_until_one_is_booked(client):
    import datetime
    import zoneinfo

    application, admin = _invited_to_interview()
    starts = datetime.datetime(2030, 3, 7, 10, 30, tzinfo=zoneinfo.ZoneInfo("Europe/London"))
    slot = services.slot_create(intake=application.intake, starts_at=starts, duration_minutes=45, place="Room 2.14",
                          by=admin)
    book = reverse("admissions:interview-book", args=[application.pk])
    client.force_login(application.applicant)
    page = client.get(reverse("admissions:status")).content.decode()
    assert "You have not booked your interview yet." in page
    assert f'<a class="btn btn-primary" href="{book}">Book your interview' in page

    services.slot_book(application=application, slot=slot, by=application.applicant)
    page = client.get(reverse("admissions:status")).content.decode()
    assert "Book your interview" not in page
    assert ("<strong>Your interview:</strong> Thursday 7 March 2030, 10:30am UK time (45 minutes), Room 2.14."
            in page)
    assert f'<a href="{book}">Change your interview time' in page


def test_status_page_has_no_booking_link_without_an_applied_interview_decision(client):
    application = submitted()
    services.decision_stage(application=application, outcome="interview", by=admin_user())  # staged, not applied
    client.force_login(application.applicant)
    page = client.get(reverse("admissions:status")).content.decode()
    assert reverse("admissions:interview-book", args=[application.pk]) not in page
    assert "Book your interview" not in page


def test_status_page_says_when_the_applicant_is_a_student(client):

    application = submitted()
    admin = admin_user()
    decision = services.decision_stage(application=application, outcome="offer", by=admin)
    services.decisions_apply(intake=application.intake, by=admin)
    decision.refresh_from_db()
    services.offer_respond(offer=decision.offer, accept=True, by=application.applicant)
    application.refresh_from_db()
    assert application.state == Application.State.ENROLLED
    cohort = application.enrolment_link.enrolment.cohort
    client.force_login(application.applicant)
    page = client.get(reverse("admissions:status")).content.decode()
    assert f"You are a student of {cohort.name}." in page


def test_changing_a_decision_starts_from_what_it_says_now(client):
    import datetime

    application = submitted()
    admin = admin_user()
    services.decision_stage(application=application, outcome="offer", by=admin, message="Welcome.",
                      conditions=[("A 2:1 degree", datetime.date(2030, 8, 31))])
    client.force_login(admin)
    form = client.get(reverse("admissions:admin-decision", args=[application.pk])).context["form"]
    assert form["outcome"].value() == "offer"
    assert form["message"].value() == "Welcome."
    assert (form["condition_1"].value(), form["condition_1_due"].value()) == ("A 2:1 degree",
                                                                             datetime.date(2030, 8, 31))
    assert form["condition_2"].value() is None
    page = client.get(reverse("admissions:admin-decision", args=[application.pk])).content.decode()
    # The due date shows as day, month and year.
    assert 'name="condition_1_due_day" value="31"' in page
    assert 'name="condition_1_due_month" value="8"' in page
    assert 'name="condition_1_due_year" value="2030"' in page


def test_setup_form_shows_the_due_date_a_date_input_can_read(client):
    import datetime

    intake = IntakeFactory()
    setup = services.setup_for(intake)
    setup.due_on = datetime.date(2030, 1, 15)
    setup.save()
    client.force_login(admin_user())
    page = client.get(reverse("admissions:admin-setup", args=[intake.slug])).content.decode()
    assert 'name="due_on_day" value="15"' in page
    assert 'name="due_on_month" value="1"' in page
    assert 'name="due_on_year" value="2030"' in page


def test_decisions_page_names_the_applicant_of_each_waiting_email_and_asks_before_sending(client):
    application = submitted()
    admin = admin_user()
    services.decision_stage(application=application, outcome="reject", by=admin)
    services.decisions_apply(intake=application.intake, by=admin)
    client.force_login(admin)
    response = client.get(reverse("admissions:admin-decisions", args=[application.intake.slug]))
    (email,) = response.context["unsent"]
    assert email.decision.application == application
    page = response.content.decode()
    assert f'">{application.display_name}</a></th>\n          <td>Unsuccessful</td>' in page
    assert 'data-confirm="Send 1 decision email now? Sent emails cannot be recalled."' in page
