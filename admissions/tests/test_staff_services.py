"""Staff use cases: assignment, reviews, decisions, conditions, enrolment."""

import datetime
from collections import Counter
from decimal import Decimal

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from accounts.roles import Role
from admissions import selectors, services
from admissions.assignment import plan_assignment
from admissions.models import (
    Application,
    ApplicationEnrolment,
    Decision,
    DocumentAccess,
    DocumentKind,
    InterviewSlot,
    Offer,
    OfferCondition,
    Review,
    ReviewAssignment,
    ReviewerConflict,
    ReviewSummary,
)
from admissions.tests.builders import admin_user, reviewer_user, rubric, scores, submitted
from admissions.tests.factories import DocumentFactory, IntakeFactory
from curriculum.models import Enrolment
from notifications.models import OutboundEmail

pytestmark = pytest.mark.django_db


# --- The pure algorithm ----------------------------------------------------------------


def test_plan_gives_each_application_k_reviewers_with_even_loads():
    plan = plan_assignment(applications=range(1, 101), reviewers=list(range(1, 8)), k=3)
    per_app = Counter(app for app, _ in plan.pairs)
    assert set(per_app.values()) == {3} and len(per_app) == 100
    assert all(len({r for a, r in plan.pairs if a == app}) == 3 for app in per_app)
    loads = Counter(r for _, r in plan.pairs)
    assert max(loads.values()) - min(loads.values()) <= 1
    assert plan.short == {}


def test_plan_is_deterministic_and_respects_exclusions_and_existing():
    kwargs = {
        "applications": [1, 2, 3, 4], "reviewers": [10, 11, 12], "k": 2,
        "assigned": {1: {10}}, "excluded": {2: {10, 11}, 3: {12}}, "loads": {10: 1},
    }
    first = plan_assignment(**kwargs)
    assert first.pairs == plan_assignment(**kwargs).pairs
    assert (1, 10) not in first.pairs and len([p for p in first.pairs if p[0] == 1]) == 1
    assert [r for a, r in first.pairs if a == 2] == [12]
    assert first.short == {2: 1}
    assert 12 not in [r for a, r in first.pairs if a == 3]


# --- Running it --------------------------------------------------------------------------


def _intake_with(n_apps=6, n_reviewers=3, k=2):
    intake = IntakeFactory()
    apps = [submitted(intake=intake) for _ in range(n_apps)]
    reviewers = [reviewer_user() for _ in range(n_reviewers)]
    setup = services.setup_for(intake)
    setup.reviewers_per_application = k
    setup.save()
    return intake, apps, reviewers


def test_assignment_run_balances_excludes_conflicts_and_referees_and_mails_a_digest(django_capture_on_commit_callbacks):
    intake, apps, reviewers = _intake_with(n_apps=6, n_reviewers=4, k=2)
    admin = admin_user()
    conflicted, referee = reviewers[0], reviewers[1]
    ReviewerConflict.objects.create(reviewer=conflicted, intake=intake, application=apps[0])
    ReviewerConflict.objects.create(reviewer=conflicted, intake=intake, email=apps[1].applicant.email.upper())
    first_referee = apps[2].referees.get(order=1)
    first_referee.email = referee.email.upper()
    first_referee.save()
    with django_capture_on_commit_callbacks(execute=True):
        plan = services.assignment_run(intake=intake, by=admin)
    assert len(plan.pairs) == 12 and plan.short == {}
    pairs = set(ReviewAssignment.objects.values_list("application_id", "reviewer_id"))
    assert (apps[0].pk, conflicted.pk) not in pairs
    assert (apps[1].pk, conflicted.pk) not in pairs
    assert (apps[2].pk, referee.pk) not in pairs
    loads = Counter(r for _, r in pairs)
    assert max(loads.values()) - min(loads.values()) <= 1
    assert set(Application.objects.filter(intake=intake).values_list("state", flat=True)) == {"under_review"}
    latest = apps[0].history.order_by("-history_date").first()
    assert latest.state == "under_review" and latest.history_user == admin
    digests = OutboundEmail.objects.filter(purpose="admissions.review_digest")
    assert digests.count() == 4
    assert not ReviewAssignment.objects.filter(notified_at=None).exists()
    for email in digests:
        assert not any(a.applicant.full_name in email.body_text for a in apps)  # never names an applicant
    # Running it again changes nothing and mails nobody.
    assert services.assignment_run(intake=intake, by=admin).pairs == []
    assert digests.count() == 4


def test_assignment_reports_applications_it_cannot_fill():
    intake, apps, _reviewers = _intake_with(n_apps=2, n_reviewers=1, k=2)
    plan = services.assignment_run(intake=intake, by=admin_user())
    assert plan.short == {apps[0].pk: 1, apps[1].pk: 1}


def test_only_admins_assign():
    intake, _apps, reviewers = _intake_with(n_apps=1)
    with pytest.raises(PermissionDenied):
        services.assignment_run(intake=intake, by=reviewers[0])
    assert not ReviewAssignment.objects.exists()


def test_manual_assignment_refuses_conflicts_referees_and_non_reviewers():
    intake, apps, reviewers = _intake_with(n_apps=1)
    admin = admin_user()
    application = apps[0]
    referee = application.referees.get(order=2)
    referee.email = reviewers[2].email
    referee.save()
    ReviewerConflict.objects.create(reviewer=reviewers[1], intake=intake, application=application)
    with pytest.raises(services.AdmissionsError, match="conflict"):
        services.assignment_add(application=application, reviewer=reviewers[1], by=admin)
    with pytest.raises(services.AdmissionsError, match="referees"):
        services.assignment_add(application=application, reviewer=reviewers[2], by=admin)
    with pytest.raises(services.AdmissionsError, match="reviewer role"):
        services.assignment_add(application=application, reviewer=admin_user(), by=admin)
    assignment = services.assignment_add(application=application, reviewer=reviewers[0], by=admin)
    assert assignment.source == "manual"
    assert ReviewAssignment.objects.count() == 1
    services.assignment_remove(assignment=assignment, by=admin)
    assert not ReviewAssignment.objects.exists()
    assert ReviewAssignment.history.filter(history_type="-").get().history_user == admin


# --- Reviews ----------------------------------------------------------------------------


def _assigned(k=2):
    intake, apps, reviewers = _intake_with(n_apps=1, n_reviewers=k, k=k)
    criteria = rubric(intake)
    services.assignment_run(intake=intake, by=admin_user(), notify=False)
    return intake, apps[0], reviewers, criteria


def test_review_weighted_score_and_summary():
    _intake, application, (a, b), criteria = _assigned()
    # Coding (weight 2) 5/5, the rest 1/5: (2*10 + 3*2) / 5 = 5.2
    values = {criteria[0].pk: 5, criteria[1].pk: 1, criteria[2].pk: 1, criteria[3].pk: 1}
    review = services.review_save(application=application, reviewer=a, scores=values, recommendation="offer",
                            comment="Strong code.", by=a)
    assert review.score == Decimal("5.20")
    services.review_save(application=application, reviewer=b, scores=scores(criteria, 4), recommendation="reject", by=b)
    summary = ReviewSummary.objects.get(application=application)
    assert (summary.review_count, summary.mean, summary.median, summary.spread) == (
        2, Decimal("6.60"), Decimal("6.60"), Decimal("2.80")
    )
    assert summary.recommendations == {"offer": 1, "reject": 1}
    # Changing a review updates its row and the summary, not a second review.
    services.review_save(application=application, reviewer=b, scores=scores(criteria, 5), recommendation="offer", by=b)
    assert Review.objects.count() == 2
    summary.refresh_from_db()
    assert (summary.mean, summary.spread) == (Decimal("7.60"), Decimal("4.80"))


def test_review_refused_when_not_assigned_conflicted_closed_or_incomplete():
    intake, application, (a, _b), criteria = _assigned()
    stranger = reviewer_user()
    with pytest.raises(PermissionDenied):
        services.review_save(application=application, reviewer=stranger, scores=scores(criteria, 3),
                       recommendation="offer", by=stranger)
    with pytest.raises(services.AdmissionsError, match="Coding ability"):
        services.review_save(
            application=application, reviewer=a, scores={criteria[1].pk: 3}, recommendation="offer", by=a,
        )
    with pytest.raises(services.AdmissionsError):
        services.review_save(
            application=application, reviewer=a, scores=scores(criteria, 6), recommendation="offer", by=a,
        )
    setup = services.setup_for(intake)
    setup.is_open = False
    setup.save()
    with pytest.raises(services.AdmissionsError, match="closed"):
        services.review_save(
            application=application, reviewer=a, scores=scores(criteria, 3), recommendation="offer", by=a,
        )
    assert not Review.objects.exists()


def test_declaring_a_conflict_removes_the_assignment_and_the_review():
    intake, application, (a, _b), criteria = _assigned()
    services.review_save(application=application, reviewer=a, scores=scores(criteria, 3), recommendation="offer", by=a)
    services.conflict_declare(reviewer=a, intake=intake, application=application, reason="Former colleague", by=a)
    assert not ReviewAssignment.objects.filter(reviewer=a).exists()
    assert not Review.objects.filter(reviewer=a).exists()
    assert not ReviewSummary.objects.filter(application=application).exists()
    # The next run never gives it back to them.
    services.assignment_run(intake=intake, by=admin_user(), notify=False)
    assert not ReviewAssignment.objects.filter(reviewer=a).exists()


def test_a_reviewer_cannot_declare_for_someone_else_or_an_unassigned_application():
    intake, application, (a, b), _criteria = _assigned()
    with pytest.raises(PermissionDenied):
        services.conflict_declare(reviewer=a, intake=intake, application=application, by=b)
    outsider = reviewer_user()
    with pytest.raises(PermissionDenied):
        services.conflict_declare(reviewer=outsider, intake=intake, application=application, by=outsider)
    assert not ReviewerConflict.objects.exists()


# --- Decisions ----------------------------------------------------------------------------


def _decision_mails(application):
    return OutboundEmail.objects.filter(purpose__startswith="admissions.decision.", recipient=application.applicant)


def test_staging_sends_nothing_and_applying_stages_the_mail():
    application = submitted()
    admin = admin_user()
    decision = services.decision_stage(application=application, outcome=Decision.Outcome.OFFER, by=admin,
                                 conditions=[("Your degree is awarded", datetime.date(2027, 8, 31))])
    assert decision.released_at is None and not _decision_mails(application).exists()
    assert services.decisions_apply(intake=application.intake, by=admin) == 1
    email = _decision_mails(application).get()
    assert email.state == OutboundEmail.State.STAGED
    assert email.purpose == "admissions.decision.conditional_offer"
    assert email.subject == f"Action needed: Your conditional offer of a place: {application.intake.title}"
    assert "- Your degree is awarded (by Tuesday 31 August 2027)" in email.body_text
    application.refresh_from_db()
    assert application.state == Application.State.DECIDED


def test_changing_a_decision_removes_its_unsent_mail_so_nobody_gets_an_offer_and_a_rejection(
    django_capture_on_commit_callbacks,
):
    application = submitted()
    intake = application.intake
    admin = admin_user()
    offer = services.decision_stage(application=application, outcome=Decision.Outcome.OFFER, by=admin)
    services.decisions_apply(intake=intake, by=admin)
    offer_mail = selectors.decision_mail(offer)
    rejection = services.decision_stage(application=application, outcome=Decision.Outcome.REJECT, by=admin)
    offer_mail.refresh_from_db()
    assert offer_mail.state == OutboundEmail.State.DISCARDED
    assert Offer.objects.get(decision=offer).state == Offer.State.WITHDRAWN
    services.decisions_apply(intake=intake, by=admin)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert services.decision_mails_release(intake=intake, by=admin) == 1
    to_applicant = [m for m in mail.outbox if application.applicant.email in m.to]
    assert len(to_applicant) == 1
    assert "cannot offer you a place" in to_applicant[0].body
    assert selectors.decision_mail(rejection).state == OutboundEmail.State.SENT
    # Once the rejection has gone, it cannot become an offer.
    with pytest.raises(services.AdmissionsError, match="cannot be replaced"):
        services.decision_stage(application=application, outcome=Decision.Outcome.OFFER, by=admin)
    assert Decision.objects.filter(application=application, superseded_at=None).get() == rejection


def test_a_sent_waitlist_place_can_become_an_offer():
    application = submitted()
    admin = admin_user()
    services.decision_stage(application=application, outcome=Decision.Outcome.WAITLIST, by=admin)
    services.decisions_apply(intake=application.intake, by=admin)
    services.decision_mails_release(intake=application.intake, by=admin)
    offer = services.decision_stage(application=application, outcome=Decision.Outcome.OFFER, by=admin)
    assert offer.outcome == "offer" and offer.released_at is None


def test_an_answered_offer_cannot_be_changed():
    application = submitted()
    admin = admin_user()
    decision = services.decision_stage(application=application, outcome=Decision.Outcome.OFFER, by=admin,
                                 conditions=[("Degree", None)])
    services.decisions_apply(intake=application.intake, by=admin)
    services.offer_respond(offer=decision.offer, accept=False, by=application.applicant)
    with pytest.raises(services.AdmissionsError, match="answered"):
        services.decision_stage(application=application, outcome=Decision.Outcome.REJECT, by=admin)


def test_only_admins_stage_and_apply():
    application = submitted()
    reviewer = reviewer_user()
    with pytest.raises(PermissionDenied):
        services.decision_stage(application=application, outcome=Decision.Outcome.OFFER, by=reviewer)
    with pytest.raises(PermissionDenied):
        services.decisions_apply(intake=application.intake, by=reviewer)
    assert not Decision.objects.exists()


def test_capacity_and_waitlist_proposals():
    intake = IntakeFactory(capacity=2)
    admin = admin_user()
    a, b, c, d = (submitted(intake=intake) for _ in range(4))
    offer_a = services.decision_stage(application=a, outcome="offer", by=admin)
    offer_b = services.decision_stage(application=b, outcome="offer", by=admin)
    services.decision_stage(application=c, outcome="waitlist", by=admin)
    services.decision_stage(application=d, outcome="waitlist", by=admin)
    services.decisions_apply(intake=intake, by=admin)
    places = selectors.capacity(intake)
    assert (places["pending"], places["free"], places["proposed"]) == (2, 0, [])
    assert [x.application for x in places["waitlist"]] == [c, d]
    services.offer_respond(offer=offer_a.offer, accept=True, by=a.applicant)
    services.offer_respond(offer=offer_b.offer, accept=False, by=b.applicant)
    places = selectors.capacity(intake)
    assert (places["accepted"], places["free"]) == (1, 1)
    assert [x.application for x in places["proposed"]] == [c]
    staged = services.waitlist_offer(intake=intake, by=admin)
    assert [x.application for x in staged] == [c] and staged[0].outcome == "offer"
    assert selectors.capacity(intake)["free"] == 0


# --- Conditions and enrolment ----------------------------------------------------------------


def test_accepting_then_meeting_every_condition_makes_the_applicant_a_student():
    application = submitted()
    admin = admin_user()
    decision = services.decision_stage(application=application, outcome="offer", by=admin,
                                 conditions=[("Degree awarded", None), ("English test", None)])
    services.decisions_apply(intake=application.intake, by=admin)
    services.offer_respond(offer=decision.offer, accept=True, by=application.applicant)
    first, second = decision.offer.conditions.order_by("order")
    services.condition_decide(condition=first, status=OfferCondition.Status.MET, by=admin)
    assert not Enrolment.objects.exists()
    services.condition_decide(condition=second, status=OfferCondition.Status.WAIVED, by=admin)
    enrolment = Enrolment.objects.get()
    application.refresh_from_db()
    assert application.state == Application.State.ENROLLED
    assert ApplicationEnrolment.objects.get(application=application).enrolment == enrolment
    assert enrolment.student == application.applicant
    cohort = enrolment.cohort
    assert (cohort.programme, cohort.academic_year, cohort.mode) == (
        application.intake.programme, application.intake.academic_year, application.intake.mode
    )
    assert Role.STUDENT in application.applicant.role_names()
    first.refresh_from_db()
    assert (first.decided_by, first.history.first().history_user) == (admin, admin)


def test_accepting_an_unconditional_offer_enrols_at_once_in_an_existing_cohort():
    from curriculum.tests.factories import CohortFactory

    application = submitted()
    intake = application.intake
    cohort = CohortFactory(programme=intake.programme, academic_year=intake.academic_year, mode=intake.mode)
    admin = admin_user()
    decision = services.decision_stage(application=application, outcome="offer", by=admin)
    services.decisions_apply(intake=intake, by=admin)
    services.offer_respond(offer=decision.offer, accept=True, by=application.applicant)
    assert Enrolment.objects.get().cohort == cohort
    application.refresh_from_db()
    assert application.state == Application.State.ENROLLED


def test_conditions_met_before_acceptance_enrol_on_acceptance():
    application = submitted()
    admin = admin_user()
    decision = services.decision_stage(
        application=application, outcome="offer", by=admin, conditions=[("Degree", None)],
    )
    services.decisions_apply(intake=application.intake, by=admin)
    services.condition_decide(condition=decision.offer.conditions.get(), status="met", by=admin)
    assert not Enrolment.objects.exists()
    services.offer_respond(offer=decision.offer, accept=True, by=application.applicant)
    assert Enrolment.objects.count() == 1


def test_only_admins_decide_conditions():
    application = submitted()
    admin = admin_user()
    decision = services.decision_stage(
        application=application, outcome="offer", by=admin, conditions=[("Degree", None)],
    )
    condition = decision.offer.conditions.get()
    with pytest.raises(PermissionDenied):
        services.condition_decide(condition=condition, status="met", by=application.applicant)
    condition.refresh_from_db()
    assert condition.status == "outstanding"


# --- Interviews and documents -----------------------------------------------------------------


def test_booking_an_interview_slot():
    application = submitted()
    other = submitted(intake=application.intake)
    admin = admin_user()
    soon = timezone.now() + datetime.timedelta(days=3)
    first = services.slot_create(
        intake=application.intake, starts_at=soon, duration_minutes=30, place="Room 1", by=admin,
    )
    second = services.slot_create(intake=application.intake, starts_at=soon, duration_minutes=30, place="Room 2",
                            by=admin)
    with pytest.raises(PermissionDenied):  # no interview invitation yet
        services.slot_book(application=application, slot=first, by=application.applicant)
    for app in (application, other):
        services.decision_stage(application=app, outcome="interview", by=admin)
    services.decisions_apply(intake=application.intake, by=admin)
    services.slot_book(application=application, slot=first, by=application.applicant)
    with pytest.raises(services.AdmissionsError, match="taken"):
        services.slot_book(application=other, slot=first, by=other.applicant)
    services.slot_book(application=application, slot=second, by=application.applicant)  # moves
    assert InterviewSlot.objects.get(pk=first.pk).application is None
    assert InterviewSlot.objects.get(pk=second.pk).application == application


def test_opening_a_document_is_recorded_and_blind_reviewers_never_get_references():
    intake, application, (a, _b), _criteria = _assigned()
    cv = application.documents.get(kind=DocumentKind.CV)
    services.document_open(document=cv, by=a)
    access = DocumentAccess.objects.get()
    assert (access.user, access.document, access.application) == (a, cv, application)
    reference = DocumentFactory(application=application, kind=DocumentKind.REFERENCE,
                                referee=application.referees.first())
    services.document_open(document=reference, by=a)
    setup = services.setup_for(intake)
    setup.blind = True
    setup.save()
    with pytest.raises(PermissionDenied):
        services.document_open(document=reference, by=a)
    with pytest.raises(PermissionDenied):
        services.document_open(document=cv, by=reviewer_user())
    assert DocumentAccess.objects.count() == 2
