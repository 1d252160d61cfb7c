"""Proposals from partners, staff and students, their approval and status; the showcase."""


from django.db import transaction
from django.utils import timezone

from core.access import acting_user, check
from core.links import absolute
from curriculum.models import Enrolment
from notifications.services import queue_email

from ..models import (
    Partner,
    Proposal,
    ShowcaseEntry,
)
from ..permissions import can_approve_proposal, can_manage_theses
from ._common import InvalidState, Status, _link, _require, _unique_slug
from .allocation_runs import published_assignment

# --- Proposals ----------------------------------------------------------------

PROPOSAL_FIELDS = ["title", "problem", "tool", "beneficiaries", "skills", "data_privacy",
                   "capacity", "capacity_unit", "team_min", "team_max"]


def partner_proposal_submit(*, partner: dict, proposal: dict) -> Proposal:
    """A partner organisation proposes a project through the public form (no account).

    Side effects: a Partner row (unapproved) unless one with that contact
    address exists; a Proposal in "submitted"; a confirmation mail to the contact.
    Nothing is public until staff approve.
    """
    with transaction.atomic():
        org = Partner.objects.filter(
            contact_email__iexact=partner["contact_email"], name__iexact=partner["name"]).first()
        if org is None:
            org = Partner.objects.create(slug=_unique_slug(Partner, partner["name"]), **partner)
        item = Proposal.objects.create(
            slug=_unique_slug(Proposal, proposal["title"]), source=Proposal.Source.PARTNER, partner=org,
            **{k: proposal[k] for k in PROPOSAL_FIELDS if k in proposal},
        )
        queue_email(
            purpose="theses.partner_proposal_received",
            to=[org.contact_email],
            context={"name": org.contact_name, "title": item.title, "organisation": org.name},
            idempotency_key=f"theses:proposal:{item.pk}:received",
            subject_objects=[item],
        )
    return item


def proposal_create(*, data: dict, by) -> Proposal:
    """Staff propose a project. Side effects: a Proposal, already approved."""
    check(by, can_manage_theses)
    with transaction.atomic():
        return Proposal.objects.create(
            slug=_unique_slug(Proposal, data["title"]), source=Proposal.Source.STAFF,
            status=Status.APPROVED, approved_at=timezone.now(), approved_by=acting_user(by),
            partner=data.get("partner"), cohort=data.get("cohort"),
            supervisor=data.get("supervisor") or acting_user(by),
            **{k: data[k] for k in PROPOSAL_FIELDS if k in data},
        )


def proposal_update(*, proposal: Proposal, data: dict, by) -> Proposal:
    """Staff edit a proposal's text, partner, cohort, supervisor or team sizes."""
    check(by, can_manage_theses)
    with transaction.atomic():
        for key in [*PROPOSAL_FIELDS, "partner", "cohort", "supervisor"]:
            if key in data:
                setattr(proposal, key, data[key])
        proposal.full_clean(exclude=["slug"])
        proposal.save()
    return proposal


def student_proposal_submit(*, data: dict, supervisor, cohort, by) -> Proposal:
    """A student proposes their own project; the named supervisor must approve it.

    Side effects: a Proposal in "submitted" that only this student may rank;
    a mail to the supervisor asking them to approve it.
    """
    _require(Enrolment.objects.filter(cohort=cohort, student=by, status=Enrolment.Status.ACTIVE).exists())
    with transaction.atomic():
        item = Proposal.objects.create(
            slug=_unique_slug(Proposal, data["title"]), source=Proposal.Source.STUDENT,
            proposed_by_student=by, supervisor=supervisor, cohort=cohort, capacity=1,
            team_min=1, team_max=1, **{k: data[k] for k in PROPOSAL_FIELDS if k in data and k not in (
                "capacity", "capacity_unit", "team_min", "team_max")},
        )
        queue_email(
            purpose="theses.student_proposal_to_approve",
            to=[supervisor],
            context={"name": supervisor.full_name, "student": by.full_name, "title": item.title,
                     "link": _link("theses:staff-proposal", item.pk)},
            idempotency_key=f"theses:proposal:{item.pk}:ask-supervisor",
            subject_objects=[item],
        )
    return item


def proposal_approve(*, proposal: Proposal, by, open_now: bool = False) -> Proposal:
    """Approve a submitted proposal (its partner too); optionally open it for preferences.

    A student's own proposal is approved by its named supervisor and opens at
    once, so its author can rank it. Side effects: status, approved_at/by, the
    partner becomes approved and public.
    """
    check(by, can_approve_proposal, proposal)
    with transaction.atomic():
        proposal = Proposal.objects.select_for_update().get(pk=proposal.pk)
        if proposal.status != Status.SUBMITTED:
            raise InvalidState("Only a submitted proposal can be approved.")
        proposal.status = Status.APPROVED
        proposal.approved_at = timezone.now()
        proposal.approved_by = acting_user(by)
        proposal.save()
        if proposal.partner_id:
            Partner.objects.filter(pk=proposal.partner_id).update(approved=True)
        if open_now or proposal.source == Proposal.Source.STUDENT:
            _open(proposal)
    return proposal


def _open(proposal):
    """Side effects: status open; the partner (if any) is told students can choose it."""
    if proposal.cohort_id is None or proposal.supervisor_id is None:
        raise InvalidState("Give the proposal a cohort and a supervisor before opening it.")
    proposal.status = Status.OPEN
    proposal.save(update_fields=["status"])
    if proposal.partner_id:
        partner = Partner.objects.get(pk=proposal.partner_id)
        queue_email(
            purpose="theses.partner_proposal_open", to=[partner.contact_email],
            context={"name": partner.contact_name, "title": proposal.title,
                     "link": absolute(proposal.get_absolute_url())},
            idempotency_key=f"theses:proposal:{proposal.pk}:open", subject_objects=[proposal],
        )


def proposal_open(*, proposal: Proposal, by) -> Proposal:
    """Open an approved proposal for students' preferences (public on /theses/)."""
    check(by, can_manage_theses)
    with transaction.atomic():
        proposal = Proposal.objects.select_for_update().get(pk=proposal.pk)
        if proposal.status != Status.APPROVED:
            raise InvalidState("Only an approved proposal can be opened.")
        _open(proposal)
    return proposal


NEXT_STATUS = {
    "withdraw": ({Status.SUBMITTED, Status.APPROVED, Status.OPEN, Status.ALLOCATED}, Status.WITHDRAWN),
    "start": ({Status.ALLOCATED}, Status.IN_PROGRESS),
    "complete": ({Status.IN_PROGRESS, Status.ALLOCATED}, Status.COMPLETED),
}


def proposal_transition(*, proposal: Proposal, action: str, by) -> Proposal:
    """Withdraw, start or complete a proposal. Side effects: its status."""
    _require(can_manage_theses(by) or (action == "withdraw" and can_approve_proposal(by, proposal)))
    allowed, target = NEXT_STATUS[action]
    with transaction.atomic():
        proposal = Proposal.objects.select_for_update().get(pk=proposal.pk)
        if proposal.status not in allowed:
            raise InvalidState(f"A proposal that is {proposal.get_status_display().lower()} cannot do that.")
        proposal.status = target
        proposal.save(update_fields=["status"])
    return proposal



# --- Showcase --------------------------------------------------------------------------


def showcase_save(*, proposal: Proposal, summary, repository_url="", demo_url="", published=False, by):
    """Staff write a completed project's showcase entry. Side effects: the entry; published ones show on /theses/."""
    check(by, can_manage_theses)
    with transaction.atomic():
        entry, _ = ShowcaseEntry.objects.get_or_create(proposal=proposal, defaults={"summary": summary})
        entry.summary, entry.repository_url, entry.demo_url = summary, repository_url, demo_url
        if published and not entry.published:
            entry.published_at = timezone.now()
        entry.published = published
        entry.save()
    return entry


def showcase_consent(*, proposal: Proposal, student, consent: bool, by) -> None:
    """A team member agrees (or not) to be named in the public showcase."""
    _require(by.pk == student.pk)
    assignment = published_assignment(student=student)
    _require(assignment is not None and assignment.proposal_id == proposal.pk)
    with transaction.atomic():
        entry, _ = ShowcaseEntry.objects.get_or_create(proposal=proposal, defaults={"summary": ""})
        if consent:
            entry.consenting_members.add(student)
        else:
            entry.consenting_members.remove(student)
