"""Demo reviews, decisions and interviews, built on the demo intakes and applications.

The MSc intake gets a rubric, a panel of four reviewers (reviewer@example.org
among them, with applications still to review), more applicants, an automatic
assignment, reviews that agree and disagree, staged decisions, applied
decisions with mails sent and unsent, interview slots (one booked), a
conditional offer still outstanding and an accepted one whose condition is met,
so that applicant is now a student. Running it twice changes nothing.
"""

import datetime
from decimal import Decimal

from django.utils import timezone

from accounts.demo import demo_person
from accounts.models import User
from accounts.roles import Role

from .. import selectors, services
from ..models import (
    Application,
    Decision,
    Intake,
    OfferCondition,
    PrivacyNotice,
    ReviewAssignment,
    RubricCriterion,
)
from .applications import LONDON, _advance, _applicant, _fill, _noon

MSC_RUBRIC = [
    ("Coding ability", "1: little evidence of working code. 5: substantial software we can read, tested and "
     "maintained, ideally used by real people.", 5, "2"),
    ("Motivation for public-good technology", "1: generic interest. 5: a specific, lived reason to work with "
     "charities, councils, campaigns or public bodies, and a sense of what they want to change.", 5, "1.5"),
    ("Communication", "1: hard to follow. 5: explains technical work clearly to people who do not code.", 5, "1"),
    ("Fit with the cohort", "1: would gain little from peers. 5: brings experience others will learn from and "
     "wants to learn from theirs.", 5, "1"),
]

PGCERT_RUBRIC = [
    ("Coding ability", "Evidence of the code they write now, at work or in projects.", 5, "2"),
    ("Change they want to make at work", "How specific and realistic the change is.", 5, "1"),
    ("Employer support", "Time and backing to study alongside work.", 3, "0.5"),
]

REVIEWERS = [
    ("kavita.shah@example.org", "Dr Kavita Shah"),
    ("marcus.bell@example.org", "Marcus Bell"),
    ("helen.marsh@example.org", "Dr Helen Marsh"),
]

MORE_APPLICANTS = [
    ("maya.kowalski@example.org", "Maya Kowalski"),
    ("nadia.rahman@example.org", "Nadia Rahman"),
    ("oscar.lindqvist@example.org", "Oscar Lindqvist"),
    ("precious.banda@example.org", "Precious Banda"),
    ("quentin.moreau@example.org", "Quentin Moreau"),
    ("rosa.delgado@example.org", "Rosa Delgado"),
    ("samir.aziz@example.org", "Samir Aziz"),
    ("tessa.obrien@example.org", "Tessa O'Brien"),
]

COMMENTS = [
    "Clear, well-tested repository; the bin-collection service shows they ship to real users.",
    "Motivation is real but general: I would like to hear at interview what they want to change.",
    "Strong communicator. The statement explains a technical trade-off to a board in plain words.",
    "Less evidence of code than I would like; the portfolio link is mostly tutorials.",
]


def _reviewer(email, name, password):
    return demo_person(email=email, full_name=name, role=Role.REVIEWER, password=password)


def _rubric(intake, rows):
    for order, (name, guidance, scale, weight) in enumerate(rows, start=1):
        RubricCriterion.objects.get_or_create(
            intake=intake, name=name,
            defaults={"order": order, "guidance": guidance, "scale_max": scale, "weight": Decimal(weight)},
        )


def _review(application, reviewer, level, recommendation, comment=""):
    """Review with every criterion near `level` (1..5), scaled to each criterion's scale."""
    if not ReviewAssignment.objects.filter(application=application, reviewer=reviewer).exists():
        ReviewAssignment.objects.create(application=application, reviewer=reviewer, assigned_at=timezone.now(),
                                        source=ReviewAssignment.Source.MANUAL, notified_at=timezone.now())
    criteria = list(application.intake.rubric.all())
    values = {}
    for n, criterion in enumerate(criteria):
        value = level + (1 if n == 0 and level < 5 else 0) - (1 if n == 2 and level > 1 else 0)
        values[criterion.pk] = max(1, min(criterion.scale_max, round(value * criterion.scale_max / 5)))
    services.review_save(application=application, reviewer=reviewer, scores=values, recommendation=recommendation,
                   comment=comment, by=reviewer)


def seed_reviews(*, password, stdout):
    intakes = list(Intake.objects.filter(slug__contains="-full-time").order_by("closes_at")[:1]) + list(
        Intake.objects.filter(slug__contains="-part-time").order_by("closes_at")[:1]
    )
    admin = User.objects.filter(email="admissions@example.org").first()
    main_reviewer = User.objects.filter(email="reviewer@example.org").first()
    notice = PrivacyNotice.objects.order_by("-published_at").first()
    if len(intakes) < 2 or admin is None or main_reviewer is None or notice is None:
        stdout.write("  no demo intakes or users: skipped the review demo")
        return
    msc, pgcert = intakes
    if RubricCriterion.objects.filter(intake=msc).exists():
        return  # already seeded
    now = timezone.now()
    panel = [main_reviewer] + [_reviewer(email, name, password) for email, name in REVIEWERS]
    _rubric(msc, MSC_RUBRIC)
    _rubric(pgcert, PGCERT_RUBRIC)
    today = timezone.localtime(now, LONDON).date()
    for intake in (msc, pgcert):
        setup = services.setup_for(intake)
        services.review_setup_save(setup=setup, by=admin, reviewers_per_application=2,
                             due_on=today + datetime.timedelta(days=21), panel=panel)

    # More applicants, all submitted, so the panel has a real queue.
    start = Application.objects.filter(intake=msc).count()
    for index, (email, name) in enumerate(MORE_APPLICANTS, start=start):
        user = _applicant(email, name, password)
        if Application.objects.filter(intake=msc, applicant=user).exists():
            continue
        application, _ = services.application_start(intake=msc, by=user, now=now)
        _fill(application, index)
        application.refresh_from_db()
        _advance(application, "submitted", 2, admin, notice, now)
    # A colleague of one applicant says so before being asked.
    services.conflict_declare(reviewer=panel[1], intake=msc, email="maya.kowalski@example.org",
                        reason="We worked together at Leeds City Council.", by=panel[1])

    for intake in (msc, pgcert):
        services.assignment_run(intake=intake, by=admin, now=now)

    # The other reviewers have done most of their reviews; reviewer@example.org has some left.
    levels = [4, 3, 5, 2, 4, 3, 5, 4, 2, 3, 4, 5]
    for n, assignment in enumerate(
        ReviewAssignment.objects.filter(application__intake=msc).select_related("application", "reviewer")
        .order_by("application_id", "reviewer_id")
    ):
        if assignment.reviewer == main_reviewer and n % 3:
            continue
        level = levels[n % len(levels)]
        # One application on which the panel splits sharply.
        if assignment.application.applicant.email == "oscar.lindqvist@example.org":
            level = 5 if assignment.reviewer_id % 2 else 1
        recommendation = {5: "offer", 4: "offer", 3: "interview", 2: "waitlist"}.get(level, "reject")
        _review(assignment.application, assignment.reviewer, level, recommendation, COMMENTS[n % len(COMMENTS)])

    # Applications the demo applications left decided get the reviews that led to their decisions.
    for application in Application.objects.filter(intake=msc, state__in=["decided"]):
        decision = application.decisions.filter(superseded_at=None).first()
        level = {"offer": 5, "waitlist": 3, "reject": 2}.get(decision.outcome, 3) if decision else 3
        for reviewer in panel[1:3]:
            _review(application, reviewer, level, decision.outcome if decision else "interview")

    by_email = {a.applicant.email: a for a in Application.objects.filter(intake=msc).select_related("applicant")}
    # Staged: an offer with a condition, and a rejection, not applied yet.
    if "nadia.rahman@example.org" in by_email:
        services.decision_stage(
            application=by_email["nadia.rahman@example.org"], outcome=Decision.Outcome.OFFER, by=admin,
            conditions=[("Your degree is awarded, with at least a 2:1 or equivalent", datetime.date(today.year + 1,
                                                                                                   8, 31))],
            respond_by=_noon(today + datetime.timedelta(days=28)),
        )
    if "tessa.obrien@example.org" in by_email:
        services.decision_stage(application=by_email["tessa.obrien@example.org"], outcome=Decision.Outcome.REJECT,
                          by=admin)
    # Applied, mail sent: an interview invitation, booked.
    for slot_day, hour, place in ((10, 10, "Room 2.14, Bush House"), (10, 11, "Room 2.14, Bush House"),
                                  (11, 14, "Video call (the link comes by email)"),
                                  (12, 15, "Video call (the link comes by email)")):
        starts = datetime.datetime.combine(today + datetime.timedelta(days=slot_day), datetime.time(hour, 0),
                                           tzinfo=LONDON)
        services.slot_create(intake=msc, starts_at=starts, duration_minutes=45, place=place, by=admin)
    interviewee = by_email.get("precious.banda@example.org")
    if interviewee is not None:
        decision = services.decision_stage(application=interviewee, outcome=Decision.Outcome.INTERVIEW, by=admin)
        services.decisions_apply(intake=msc, by=admin, ids=[decision.pk])
        email = selectors.decision_mail(decision)
        from notifications.services import email_release

        email_release(email=email, by=admin)
        services.slot_book(application=interviewee, slot=msc.interview_slots.order_by("starts_at").first(),
                     by=interviewee.applicant)
    # Applied and sent, not booked yet: the status page shows the way to book.
    invited = by_email.get("quentin.moreau@example.org")
    if invited is not None:
        decision = services.decision_stage(application=invited, outcome=Decision.Outcome.INTERVIEW, by=admin)
        services.decisions_apply(intake=msc, by=admin, ids=[decision.pk])
        from notifications.services import email_release

        email_release(email=selectors.decision_mail(decision), by=admin)
    # Released by the demo applications: the accepted offer's condition is met, so Farid is a student;
    # Eilidh's condition is still outstanding.
    farid = by_email.get("farid.haddad@example.org")
    if farid is not None:
        for condition in OfferCondition.objects.filter(offer__application=farid, status="outstanding"):
            services.condition_decide(condition=condition, status=OfferCondition.Status.MET, by=admin)
    stdout.write(
        f"  review demo: {ReviewAssignment.objects.filter(application__intake__in=intakes).count()} assignments, "
        f"{sum(1 for _ in RubricCriterion.objects.filter(intake__in=intakes))} rubric criteria"
    )
