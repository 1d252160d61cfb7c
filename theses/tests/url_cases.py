from django.utils import timezone

from accounts.roles import Role
from curriculum.tests.factories import EnrolmentFactory
from mpt.tests.url_permissions import PUBLIC, UrlCase, only
from theses.models import AllocationRun, Submission

from .factories import MilestoneFactory, ProposalFactory, ThesisRoundFactory

STAFF_ONLY = only(Role.STAFF)
STAFF_POST = only(Role.STAFF, status=302)


def _proposal(users):
    return {"slug": ProposalFactory().slug}


def _pk_of_proposal(users):
    return {"pk": ProposalFactory().pk}


def _round(users):
    return {"pk": ThesisRoundFactory().pk}


def _enrolled(users):
    """Enrol the student and the superuser in a round, so their pages have a cohort."""
    round_ = ThesisRoundFactory()
    for role in ("student", "superuser"):
        EnrolmentFactory(cohort=round_.cohort, student=users[role])
    return round_


def _milestone(users):
    round_ = _enrolled(users)
    return {"pk": MilestoneFactory(round=round_).pk}


def _run(users):
    round_ = ThesisRoundFactory()
    run = AllocationRun.objects.create(round=round_, objective="min_cost", state="done", created_by=users["staff"])
    return {"pk": run.pk}


def _submission(users):
    round_ = _enrolled(users)
    proposal = ProposalFactory(cohort=round_.cohort)
    submission = Submission.objects.create(milestone=MilestoneFactory(round=round_), student=users["student"],
                                           proposal=proposal, submitted_at=timezone.now(),
                                           repository_url="https://example.org/repo")
    return {"pk": submission.pk}


# The student who made a submission, staff and superusers may open it; anyone
# else gets 404, as if it did not exist.
SUBMISSION = {"anonymous": 302, "*": 404, "student": 200, "staff": 200, "superuser": 200}

CASES = [
    UrlCase("theses:index", PUBLIC),
    UrlCase("theses:proposal-detail", PUBLIC, kwargs=_proposal),
    UrlCase("theses:partner-propose", PUBLIC),
    UrlCase("theses:partner-propose-done", PUBLIC),
    UrlCase("theses:student-home", only(Role.STUDENT)),
    UrlCase("theses:preferences", only(Role.STUDENT), kwargs=lambda users: _enrolled(users) and {}),
    UrlCase("theses:student-propose", only(Role.STUDENT), kwargs=lambda users: _enrolled(users) and {}),
    UrlCase("theses:submission-create", only(Role.STUDENT), kwargs=_milestone),
    # Only someone with a published project can consent; these users have none.
    UrlCase("theses:showcase-consent", only(Role.STUDENT, status=404), method="post", data={"consent": "yes"}),
    UrlCase("theses:submission-detail", SUBMISSION, kwargs=_submission),
    # The submission has no report file: 404 even for those who may see it.
    UrlCase("theses:submission-report", {"anonymous": 302, "*": 404}, kwargs=_submission),
    UrlCase("theses:staff-index", STAFF_ONLY),
    UrlCase("theses:staff-proposal-create", STAFF_ONLY),
    UrlCase("theses:staff-proposal", STAFF_ONLY, kwargs=_pk_of_proposal),
    UrlCase("theses:staff-proposal-edit", STAFF_ONLY, kwargs=_pk_of_proposal),
    UrlCase("theses:staff-proposal-action", STAFF_POST, kwargs=_pk_of_proposal, method="post",
            data={"action": "withdraw"}),
    UrlCase("theses:staff-showcase", STAFF_ONLY, kwargs=_pk_of_proposal),
    UrlCase("theses:staff-round-create", STAFF_ONLY),
    UrlCase("theses:staff-round", STAFF_ONLY, kwargs=_round),
    UrlCase("theses:staff-milestones", STAFF_ONLY, kwargs=_round),
    UrlCase("theses:staff-ranking", STAFF_ONLY, kwargs=_round),
    UrlCase("theses:staff-supervisors", STAFF_ONLY, kwargs=_round),
    UrlCase("theses:staff-submissions", STAFF_ONLY, kwargs=_round),
    UrlCase("theses:run-create", STAFF_POST, kwargs=_round, method="post", data={"objective": "min_cost"}),
    UrlCase("theses:run-detail", STAFF_ONLY, kwargs=_run),
    UrlCase("theses:run-status", STAFF_ONLY, kwargs=_run),
    UrlCase("theses:run-assign", STAFF_POST, kwargs=_run, method="post", data={"student": 1, "proposal": ""}),
    UrlCase("theses:run-publish", STAFF_POST, kwargs=_run, method="post"),
    UrlCase("theses:run-compare", STAFF_ONLY, kwargs=_run),
]
