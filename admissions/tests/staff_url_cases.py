"""The reviewer and admin pages' rows of the role-by-URL permission table.

Reviewer pages: reviewers (and superusers, who hold every role) see their
queue; an application page only when it is assigned to the reviewer, so the
superuser, who has no assignment, gets 404 there. Admin pages: admissions
admins and superusers. Everyone else gets 404, never a hint that a page exists.

POST cases whose action would remove the object (so that the next role would
get 404 for a different reason) use an object the service refuses to remove:
a refused action redirects back with a message and changes nothing.
"""

import datetime

from django.utils import timezone

from admissions import services
from admissions.models import DocumentKind
from admissions.tests.builders import admin_user, rubric, scores, submitted
from mpt.tests.url_permissions import UrlCase

ADMIN = {"anonymous": 302, "admissions_admin": 200, "superuser": 200, "*": 404}
ADMIN_POST = {"anonymous": 302, "admissions_admin": 302, "superuser": 302, "*": 404}
REVIEWER = {"anonymous": 302, "reviewer": 200, "superuser": 200, "*": 404}
ASSIGNED_REVIEWER = {"anonymous": 302, "reviewer": 200, "*": 404}


def _assigned(users):
    """A submitted application assigned to the table's reviewer, with a rubric."""
    application = submitted()
    rubric(application.intake)
    services.assignment_add(application=application, reviewer=users["reviewer"], by=admin_user())
    return application


def _application(users):
    return {"pk": _assigned(users).pk}


def _document(users):
    return {"pk": _assigned(users).documents.get(kind=DocumentKind.CV).pk}


def _reviewed_assignment(users):
    application = _assigned(users)
    criteria = list(application.intake.rubric.all())
    services.review_save(application=application, reviewer=users["reviewer"], scores=scores(criteria, 3),
                   recommendation="offer", by=users["reviewer"])
    return application, criteria


def _unremovable_assignment(users):
    application, _ = _reviewed_assignment(users)
    return {"pk": application.review_assignments.get().pk}


def _scored_criterion(users):
    _, criteria = _reviewed_assignment(users)
    return {"pk": criteria[0].pk}


def _criterion(users):
    return {"pk": rubric(submitted().intake)[0].pk}


def _intake(users):
    return {"slug": submitted().intake.slug}


def _condition(users):
    application = submitted()
    decision = services.decision_stage(application=application, outcome="offer", by=admin_user(),
                                 conditions=[("Degree awarded", None)])
    return {"pk": decision.offer.conditions.get().pk}


def _booked_slot(users):
    application = submitted()
    admin = admin_user()
    services.decision_stage(application=application, outcome="interview", by=admin)
    services.decisions_apply(intake=application.intake, by=admin)
    slot = services.slot_create(intake=application.intake, starts_at=timezone.now() + datetime.timedelta(days=2),
                          duration_minutes=30, place="Room 2.14", by=admin)
    services.slot_book(application=application, slot=slot, by=application.applicant)
    return {"pk": slot.pk}


def _interview(users):
    application = submitted(applicant=users["applicant"])
    admin = admin_user()
    services.decision_stage(application=application, outcome="interview", by=admin)
    services.decisions_apply(intake=application.intake, by=admin)
    return {"pk": application.pk}


STAFF_CASES = [
    UrlCase("admissions:review-queue", REVIEWER),
    UrlCase("admissions:review-queue-export", REVIEWER),
    UrlCase("admissions:review-conflicts", REVIEWER),
    UrlCase("admissions:review-application", ASSIGNED_REVIEWER, kwargs=_application),
    UrlCase("admissions:review-conflict-declare", ASSIGNED_REVIEWER, kwargs=_application),
    UrlCase(
        "admissions:staff-document",
        {"anonymous": 302, "reviewer": 200, "admissions_admin": 200, "superuser": 200, "*": 404},
        kwargs=_document,
    ),
    UrlCase("admissions:admin-list", ADMIN),
    UrlCase("admissions:admin-export", ADMIN),
    UrlCase("admissions:admin-dashboard", ADMIN),
    UrlCase("admissions:admin-bulk-stage", ADMIN_POST, method="post"),
    UrlCase("admissions:admin-application", ADMIN, kwargs=_application),
    UrlCase("admissions:admin-assign", ADMIN_POST, kwargs=_application, method="post"),
    UrlCase("admissions:admin-decision", ADMIN, kwargs=_application),
    UrlCase("admissions:admin-unassign", ADMIN_POST, kwargs=_unremovable_assignment, method="post"),
    UrlCase("admissions:admin-condition", ADMIN_POST, kwargs=_condition, method="post"),
    UrlCase("admissions:admin-setup", ADMIN, kwargs=_intake),
    UrlCase("admissions:admin-criterion-add", ADMIN_POST, kwargs=_intake, method="post"),
    UrlCase("admissions:admin-criterion-edit", ADMIN, kwargs=_criterion),
    UrlCase("admissions:admin-criterion-delete", ADMIN_POST, kwargs=_scored_criterion, method="post"),
    UrlCase("admissions:admin-assignment-run", ADMIN_POST, kwargs=_intake, method="post"),
    UrlCase("admissions:admin-digests", ADMIN_POST, kwargs=_intake, method="post"),
    UrlCase("admissions:admin-decisions", ADMIN, kwargs=_intake),
    UrlCase("admissions:admin-decisions-apply", ADMIN_POST, kwargs=_intake, method="post"),
    UrlCase("admissions:admin-decisions-send", ADMIN_POST, kwargs=_intake, method="post"),
    UrlCase("admissions:admin-waitlist-offer", ADMIN_POST, kwargs=_intake, method="post"),
    UrlCase("admissions:admin-interviews", ADMIN, kwargs=_intake),
    UrlCase("admissions:admin-slot-delete", ADMIN_POST, kwargs=_booked_slot, method="post"),
    UrlCase("admissions:interview-book", {"anonymous": 302, "applicant": 200, "*": 404}, kwargs=_interview),
]
