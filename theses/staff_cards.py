"""Thesis projects' card on the staff area's front page (see core/staff_cards.py)."""

from django.db.models import Count, Max, Q
from django.urls import reverse

from core.staff_cards import Card, Line

from .models import Proposal, Submission
from .permissions import can_manage_theses

Status = Proposal.Status


def theses_card(user):
    """Proposals waiting for approval, and the supervisor's own queue. Two queries."""
    if not can_manage_theses(user):
        return None
    counts = Proposal.objects.aggregate(
        submitted=Count("pk", filter=Q(status=Status.SUBMITTED) & ~Q(source=Proposal.Source.STUDENT)),
        asking_me=Count("pk", filter=Q(status=Status.SUBMITTED, source=Proposal.Source.STUDENT, supervisor=user)),
        open=Count("pk", filter=Q(status=Status.OPEN)),
    )
    # The newest round with work waiting: its submissions page is where feedback is given.
    feedback = Submission.objects.filter(proposal__supervisor=user, feedback="").aggregate(
        n=Count("pk"), round_id=Max("milestone__round_id"))
    url = reverse("theses:staff-index")
    feedback_url = reverse("theses:staff-submissions", args=[feedback["round_id"]]) if feedback["n"] else url
    return Card(
        key="theses",
        title="Thesis projects",
        more_url=url,
        more_label="All thesis projects",
        lines=[
            Line(counts["submitted"], "proposal from a partner or colleague to approve",
                 "proposals from partners or colleagues to approve", f"{url}?status={Status.SUBMITTED}"),
            Line(counts["asking_me"], "student asks you to supervise their project",
                 "students ask you to supervise their projects", f"{url}?status={Status.SUBMITTED}"),
            Line(feedback["n"], "submission from your students awaiting feedback",
                 "submissions from your students awaiting feedback", feedback_url),
            Line(counts["open"], "project open for students to rank", "projects open for students to rank",
                 f"{url}?status={Status.OPEN}"),
        ],
    )
