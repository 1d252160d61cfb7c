"""The CSV exports: a reviewer's own queue and the admins' filtered list of
applications. Rows stream, so an export of any size holds little in memory;
no cell can run as a spreadsheet formula; sensitive answers and referees are
never exported, and a blind review's export names nobody."""

import csv

from django.http import StreamingHttpResponse

from . import selectors
from .models import Decision

REVIEWER_QUEUE_HEADER = ["reference", "name", "intake", "due", "state", "my score", "my recommendation"]
APPLICATIONS_HEADER = [
    "reference", "name", "email", "intake", "state", "submitted", "reviewers", "reviews", "mean", "median",
    "spread", "disagreement", "decision", "decision state",
]


def _csv_safe(value):
    """Keep spreadsheet programs from running a cell as a formula."""
    text = "" if value is None else str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


class _Echo:
    def write(self, value):
        return value


def csv_response(filename, header, rows):
    writer = csv.writer(_Echo())

    def stream():
        yield writer.writerow(header)
        for row in rows:
            yield writer.writerow([_csv_safe(v) for v in row])

    response = StreamingHttpResponse(stream(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    return response


def reviewer_queue_rows(user):
    """One row per application in `user`'s queue; in blind mode without names."""
    for assignment in selectors.reviewer_queue(user, "all").iterator(chunk_size=1000):
        application = assignment.application
        setup = getattr(application.intake, "review_setup", None)
        blind = bool(setup and setup.blind)
        yield [
            selectors.reference_code(application.pk),
            "" if blind else application.display_name,
            application.intake.title,
            setup.due_on.isoformat() if setup and setup.due_on else "",
            "reviewed" if assignment.reviewed_at else "to review",
            assignment.my_score if assignment.my_score is not None else "",
            assignment.my_recommendation or "",
        ]


def application_rows(applications):
    """One row per application of the admins' list (`selectors.admin_applications`, filtered and sorted)."""
    for a in applications.iterator(chunk_size=1000):
        summary = getattr(a, "review_summary", None)
        yield [
            selectors.reference_code(a.pk), a.display_name, a.applicant.email, a.intake.title,
            a.get_state_display(), a.submitted_at.date().isoformat() if a.submitted_at else "",
            a.assigned_count, a.reviews_in,
            summary.mean if summary else "", summary.median if summary else "",
            summary.spread if summary else "", "yes" if a.disagrees else "",
            Decision.Outcome(a.decision_outcome).label if a.decision_outcome else "",
            ("applied" if a.decision_released_at else "staged") if a.decision_outcome else "",
        ]
