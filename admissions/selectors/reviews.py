"""Reads for reviewers: their queue, one application as they may see it, and
who may review what (the panel and everyone excluded from an application)."""

from collections import defaultdict

from django.contrib.auth import get_user_model
from django.db.models import (
    Count,
    Exists,
    F,
    OuterRef,
    Prefetch,
    Subquery,
)
from django.http import Http404

from accounts.roles import Role

from .. import permissions
from ..models import (
    Application,
    DocumentKind,
    Referee,
    Review,
    ReviewAssignment,
    ReviewerConflict,
    ReviewScore,
    ReviewSetup,
    RubricCriterion,
)

User = get_user_model()


def reference_code(application_id):
    """How blind pages name an application: A-000123."""
    return f"A-{application_id:06d}"


def application_for_staff_or_404(user, pk):
    """An application an admin, or a reviewer assigned to it without a conflict, may open."""
    application = (
        Application.objects.submitted()
        .select_related("intake__programme", "intake__academic_year", "applicant")
        .filter(pk=pk)
        .first()
    )
    if application is None or not permissions.can_view_application_as_staff(user, application):
        raise Http404
    return application


def application_for_admin_or_404(user, pk):
    if not permissions.can_manage_reviews(user):
        raise Http404
    return application_for_staff_or_404(user, pk)


def setup_of(intake):
    return ReviewSetup.objects.filter(intake=intake).first()


def rubric(intake):
    return list(RubricCriterion.objects.filter(intake=intake).order_by("order", "pk"))


def reviewer_queue(user, show="todo"):
    """Assignments of `user`, never where they are conflicted, with their own
    review's time and score. One query (plus the paginator's count)."""
    mine = Review.objects.filter(application=OuterRef("application"), reviewer=user)
    conflicted = ReviewerConflict.objects.filter(application=OuterRef("application"), reviewer=user)
    qs = (
        ReviewAssignment.objects.filter(reviewer=user)
        .exclude(Exists(conflicted))
        .filter(application__state__in=[Application.State.SUBMITTED, Application.State.UNDER_REVIEW,
                                        Application.State.DECIDED])
        .select_related("application__intake__review_setup", "application__applicant")
        .annotate(
            reviewed_at=Subquery(mine.values("updated_at")[:1]),
            my_score=Subquery(mine.values("score")[:1]),
            my_recommendation=Subquery(mine.values("recommendation")[:1]),
        )
    )
    if show == "todo":
        qs = qs.filter(reviewed_at__isnull=True)
    elif show == "done":
        qs = qs.filter(reviewed_at__isnull=False)
    return qs.order_by(F("application__intake__review_setup__due_on").asc(nulls_last=True), "application_id")


def reviewer_counts(user):
    mine = Review.objects.filter(application=OuterRef("application"), reviewer=user)
    conflicted = ReviewerConflict.objects.filter(application=OuterRef("application"), reviewer=user)
    counts = (
        ReviewAssignment.objects.filter(reviewer=user).exclude(Exists(conflicted))
        .filter(application__state__in=[Application.State.SUBMITTED, Application.State.UNDER_REVIEW,
                                        Application.State.DECIDED])
        .aggregate(total=Count("pk"), done=Count("pk", filter=Exists(mine)))
    )
    counts["todo"] = counts["total"] - counts["done"]
    return counts


def next_assignment(user, after_application_id):
    """The next application in `user`'s queue still waiting for their review."""
    queue = list(reviewer_queue(user, "todo").values_list("application_id", flat=True)[:200])
    later = [pk for pk in queue if pk > after_application_id]
    return (later or [pk for pk in queue if pk != after_application_id] or [None])[0]


def reviews_for(application):
    return list(
        Review.objects.filter(application=application)
        .select_related("reviewer")
        .prefetch_related(Prefetch("scores", queryset=ReviewScore.objects.select_related("criterion")))
        .order_by("submitted_at")
    )


def application_review_page(application, user):
    """What a reviewer sees of an application (and admins, on the review form)."""
    setup = setup_of(application.intake)
    reviews = reviews_for(application)
    own = next((r for r in reviews if r.reviewer_id == user.pk), None)
    show_identity = permissions.sees_identity(user, setup)
    kinds = [DocumentKind.CV, DocumentKind.TRANSCRIPT, DocumentKind.PORTFOLIO, DocumentKind.ANSWER]
    if show_identity:
        kinds.append(DocumentKind.REFERENCE)
    documents = list(application.documents.filter(kind__in=kinds).select_related("question", "referee"))
    answers = list(
        application.answers.select_related("question").filter(question__sensitive=False).order_by("question__order")
    )
    return {
        "setup": setup,
        "criteria": rubric(application.intake),
        "own_review": own,
        "own_scores": {s.criterion_id: s.value for s in own.scores.all()} if own else {},
        "co_reviews": [r for r in reviews if r.reviewer_id != user.pk] if permissions.sees_co_reviews(user, setup, own)
        else None,
        "show_identity": show_identity,
        "documents": documents,
        "answers": answers,
        "referees": list(application.referees.order_by("order")) if show_identity else [],
        "code": reference_code(application.pk),
    }


def reviewers():
    return User.objects.filter(is_active=True, groups__name=Role.REVIEWER).distinct().order_by("full_name")


def panel_for(setup):
    """The intake's reviewers: its panel, or everyone with the reviewer role."""
    chosen = list(setup.panel.filter(is_active=True).order_by("pk"))
    if chosen:
        return chosen
    return list(User.objects.filter(is_active=True, groups__name=Role.REVIEWER).distinct().order_by("pk"))


def exclusions(intake, reviewers, application_ids=None):
    """{application id: reviewer ids who may not review it}: declared conflicts
    (with the application or with the applicant's email), referees (by email)
    and the applicant themselves. Four queries."""
    by_email = {r.email.lower(): r.pk for r in reviewers}
    excluded = defaultdict(set)
    apps = Application.objects.filter(intake=intake)
    if application_ids is not None:
        apps = apps.filter(pk__in=application_ids)
    applicant_emails = {}
    for app_id, applicant_id, email in apps.values_list("pk", "applicant_id", "applicant__email"):
        applicant_emails[email.lower()] = app_id
        excluded[app_id].add(applicant_id)
    conflicts = ReviewerConflict.objects.filter(intake=intake).values_list("reviewer_id", "application_id", "email")
    for reviewer_id, app_id, email in conflicts:
        if app_id:
            excluded[app_id].add(reviewer_id)
        elif email and email.lower() in applicant_emails:
            excluded[applicant_emails[email.lower()]].add(reviewer_id)
    referees = Referee.objects.filter(application__intake=intake)
    if application_ids is not None:
        referees = referees.filter(application_id__in=application_ids)
    for app_id, email in referees.values_list("application_id", "email"):
        reviewer_id = by_email.get(email.lower())
        if reviewer_id:
            excluded[app_id].add(reviewer_id)
    return excluded
