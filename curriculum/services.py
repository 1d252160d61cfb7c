"""Use cases that change the catalogue and its cohorts. Each is atomic, re-checks
permission and state, writes the module's history and invalidates the public
cache when what the public sees changes."""

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.text import slugify

from accounts.roles import Role
from accounts.services import user_add_role
from core.access import acting_user, check

from . import cache, permissions, rules
from .models import (
    AcademicYear,
    Cohort,
    Enrolment,
    Module,
    ModuleOffering,
    ModuleRevision,
    Programme,
    PublicationStatus,
    SearchSynonym,
    StudyMode,
    Term,
)
from .search import normalise_expansion, normalise_term, synonym_problems
from .snapshots import apply_snapshot, snapshot_of, working_snapshot


class EditConflict(Exception):
    """Someone else saved the module since this editor opened it."""

    def __init__(self, *, base, current, latest):
        super().__init__("The module changed since you opened it.")
        self.base = base  # the snapshot the editor started from
        self.current = current  # the snapshot now stored
        self.latest = latest  # the revision that is now current


def _lock(module):
    return Module.objects.select_for_update().get(pk=module.pk)


def _next_number(module):
    last = module.revisions.order_by("-number").values_list("number", flat=True).first()
    return (last or 0) + 1


def _record(module, *, kind, snapshot, by, note=""):
    return ModuleRevision.objects.create(
        module=module, number=_next_number(module), kind=kind, snapshot=snapshot, author=acting_user(by), note=note
    )


def _check_snapshot(module, data):
    """Re-check the rules the form checked, against the database as it is now."""
    problem = rules.weights_problem(a["weight"] for a in data["assessments"])
    if problem:
        raise ValidationError(problem)
    cycle = rules.prerequisite_cycle(module.pk, data["prerequisite_ids"]) if module.pk else None
    if cycle:
        raise ValidationError(rules.cycle_message(cycle))
    others = Module.objects.exclude(pk=module.pk)
    if others.filter(code__iexact=data["code"]).exists():
        raise ValidationError(f"Another module already has the code {data['code']}.")
    if others.filter(slug=data["slug"]).exists():
        raise ValidationError(f"Another module already has the web address /modules/{data['slug']}/.")


def _normalised(data):
    return {**data, "code": data["code"].strip().upper()}


def _ensure_can_edit(module, by):
    check(by, permissions.can_edit_module, module, message="You may not edit this module.")


@transaction.atomic
def module_create(*, data, by):
    """Create a module as a draft from a snapshot. Side effects: history entry 1."""
    check(by, permissions.can_create_module, message="You may not create modules.")
    data = _normalised(data)
    module = Module(status=PublicationStatus.DRAFT, version=1)
    _check_snapshot(module, data)
    apply_snapshot(module, data)
    module.version = _record(module, kind=ModuleRevision.Kind.CREATED, snapshot=data, by=by).number
    Module.objects.filter(pk=module.pk).update(version=module.version)
    return module


@transaction.atomic
def module_save_draft(*, module, data, expected_version, by, note="", kind=ModuleRevision.Kind.DRAFT):
    """Save an edit. A published module keeps showing its published text until
    someone publishes; the edit waits in `pending`. A draft module is edited in place.

    Refuses (EditConflict) if the module was saved by someone else since
    `expected_version`. Side effects: a history entry; nothing public changes.
    """
    _ensure_can_edit(module, by)
    data = _normalised(data)
    module = _lock(module)
    if module.version != expected_version:
        base = ModuleRevision.objects.filter(module=module, number=expected_version).first()
        latest = module.revisions.select_related("author").order_by("-number").first()
        raise EditConflict(
            base=base.snapshot if base else None, current=working_snapshot(module), latest=latest
        )
    if data["leader_id"] != working_snapshot(module)["leader_id"]:
        check(by, permissions.can_reassign_leader, message="Only staff who edit every module may change its leader.")
    _check_snapshot(module, data)
    if module.status == PublicationStatus.PUBLISHED:
        module.pending = data
        module.save(update_fields=["pending", "updated_at"])
    else:
        apply_snapshot(module, data)
    revision = _record(module, kind=kind, snapshot=data, by=by, note=note)
    module.version = revision.number
    Module.objects.filter(pk=module.pk).update(version=module.version)
    return module


def _set_status(module, *, status, kind, by, check):
    """Fold pending edits into the module, give it `status` and record `kind`.

    Publishing re-checks the text (`check`): what goes public must pass the
    rules as the database is now. Both directions change what the public sees,
    so the catalogue cache is invalidated.
    """
    _ensure_can_edit(module, by)
    module = _lock(module)
    data = working_snapshot(module)
    if check:
        _check_snapshot(module, data)
    if module.pending is not None:
        apply_snapshot(module, data)
    module.pending = None
    module.status = status
    module.save(update_fields=["pending", "status", "updated_at"])
    _record(module, kind=kind, snapshot=data, by=by)
    cache.bump_generation()
    return module


@transaction.atomic
def module_publish(*, module, by):
    """Make the module and its pending edits public. Side effects: a history entry;
    the public catalogue cache is invalidated."""
    return _set_status(module, status=PublicationStatus.PUBLISHED, kind=ModuleRevision.Kind.PUBLISHED, by=by,
                       check=True)


@transaction.atomic
def module_unpublish(*, module, by):
    """Take the module off the public site. Pending edits become the draft.
    Side effects: a history entry; the public catalogue cache is invalidated."""
    return _set_status(module, status=PublicationStatus.DRAFT, kind=ModuleRevision.Kind.UNPUBLISHED, by=by,
                       check=False)


def module_discard_draft(*, module, by):
    """Throw away a published module's pending edits (restores the published text)."""
    with transaction.atomic():
        _ensure_can_edit(module, by)
        locked = _lock(module)
        if locked.pending is None:
            return locked
        return module_save_draft(
            module=locked, data=snapshot_of(locked), expected_version=locked.version, by=by,
            note="Discarded unpublished changes",
        )


def module_restore(*, module, revision, by):
    """Make an older version the working draft (publishing it is a separate step).
    Side effects: a history entry saying which version was restored."""
    with transaction.atomic():
        _ensure_can_edit(module, by)
        locked = _lock(module)
        module_save_draft(
            module=locked, data=revision.snapshot, expected_version=locked.version, by=by,
            note=f"Restored version {revision.number}", kind=ModuleRevision.Kind.RESTORED,
        )
        locked.refresh_from_db()
        return locked


@dataclass
class RollForwardResult:
    created: list
    skipped: list
    missing_terms: list


@transaction.atomic
def offerings_roll_forward(*, from_year, to_year, by):
    """Copy every offering of `from_year` into `to_year` (same module, term season,
    leader and capacity; status planned), skipping those already there and
    cancelled ones. Side effects: creates ModuleOffering rows; cache invalidated."""
    check(by, permissions.can_roll_offerings_forward, message="You may not plan offerings.")
    if from_year.pk == to_year.pk:
        raise ValidationError("Choose two different academic years.")
    target_terms = {term.season: term for term in Term.objects.filter(academic_year=to_year)}
    existing = set(
        ModuleOffering.objects.filter(academic_year=to_year).values_list("module_id", "term__season")
    )
    result = RollForwardResult(created=[], skipped=[], missing_terms=[])
    sources = (
        ModuleOffering.objects.filter(academic_year=from_year)
        .exclude(status=ModuleOffering.Status.CANCELLED)
        .select_related("module", "term")
    )
    new = []
    for offering in sources:
        term = target_terms.get(offering.term.season)
        if term is None:
            result.missing_terms.append(offering)
            continue
        if (offering.module_id, term.season) in existing:
            result.skipped.append(offering)
            continue
        new.append(
            ModuleOffering(
                module=offering.module, academic_year=to_year, term=term, leader_id=offering.leader_id,
                capacity=offering.capacity, status=ModuleOffering.Status.PLANNED,
            )
        )
    result.created = ModuleOffering.objects.bulk_create(new)
    if result.created:
        cache.bump_generation()
    return result


@transaction.atomic
def programme_set_status(*, programme, status, by):
    """Publish or unpublish a programme. Publishing refuses a programme whose
    credits do not add up. Side effects: the public cache is invalidated."""
    check(by, permissions.can_edit_programmes, message="You may not edit programmes.")
    if status == PublicationStatus.PUBLISHED:
        problems = rules.programme_credit_problems(programme)
        if problems:
            raise ValidationError(problems)
    programme.status = status
    programme.save(update_fields=["status"])
    cache.bump_generation()
    return programme


# --- Search synonyms -------------------------------------------------------------

class SynonymConflict(Exception):
    """Someone else changed the synonym since this editor opened it."""

    def __init__(self, *, current):
        super().__init__("The synonym changed since you opened it.")
        self.current = current


def _ensure_can_edit_synonyms(by):
    check(by, permissions.can_edit_search_synonyms, message="You may not edit the search's synonyms.")


def _checked_synonym(*, term, expansion, exclude_pk=None):
    problems = synonym_problems(term, expansion)
    term = normalise_term(term.strip())
    if not problems and SearchSynonym.objects.exclude(pk=exclude_pk).filter(term=term).exists():
        problems["term"] = f"There is already a synonym for “{term}”: change that one instead"
    if problems:
        raise ValidationError(problems)
    return term, normalise_expansion(expansion)


@transaction.atomic
def search_synonym_create(*, term, expansion, by):
    """Add a synonym: searches for `term` also find `expansion`.
    Side effects: every cached catalogue page and search is invalidated."""
    _ensure_can_edit_synonyms(by)
    term, expansion = _checked_synonym(term=term, expansion=expansion)
    synonym = SearchSynonym.objects.create(term=term, expansion=expansion, updated_by=acting_user(by))
    cache.bump_generation()
    return synonym


@transaction.atomic
def search_synonym_update(*, synonym, term, expansion, expected_version, by):
    """Change a synonym. Refuses (SynonymConflict) if someone changed it since
    `expected_version`. Side effects: the version goes up; every cached
    catalogue page and search is invalidated."""
    _ensure_can_edit_synonyms(by)
    synonym = SearchSynonym.objects.select_for_update().get(pk=synonym.pk)
    if synonym.version != expected_version:
        raise SynonymConflict(current=synonym)
    synonym.term, synonym.expansion = _checked_synonym(term=term, expansion=expansion, exclude_pk=synonym.pk)
    synonym.version += 1
    synonym.updated_by = acting_user(by)
    synonym.save()
    cache.bump_generation()
    return synonym


@transaction.atomic
def search_synonym_delete(*, synonym, by):
    """Remove a synonym. Side effects: every cached catalogue page and search is invalidated."""
    _ensure_can_edit_synonyms(by)
    SearchSynonym.objects.filter(pk=synonym.pk).delete()
    cache.bump_generation()


# --- Cohorts and enrolment ---------------------------------------------------------


def _unique_cohort_slug(programme, academic_year, mode):
    base = slugify(f"{programme.slug}-{academic_year.slug}-{mode}")[:190]
    slug, n = base, 1
    while Cohort.objects.filter(slug=slug).exists():
        n += 1
        slug = f"{base}-{n}"
    return slug


def _cohort_for(programme, academic_year, mode):
    cohort = Cohort.objects.filter(programme=programme, academic_year=academic_year, mode=mode).first()
    if cohort is not None:
        return cohort
    cohort, _ = Cohort.objects.get_or_create(
        programme=programme, academic_year=academic_year, mode=mode,
        defaults={
            "name": f"{programme.title} {academic_year.name} {StudyMode(mode).label.lower()}",
            "slug": _unique_cohort_slug(programme, academic_year, mode),
        },
    )
    return cohort


def student_enrol(
    *,
    student,
    by,
    cohort: Cohort | None = None,
    programme: Programme | None = None,
    academic_year: AcademicYear | None = None,
    mode: str | None = None,
) -> Enrolment:
    """Place `student` in `cohort`, or, when none is given, in the cohort that
    starts `programme` in `academic_year` in `mode`. Returns the Enrolment.

    Permission: `permissions.can_enrol(by, student)` (SYSTEM may), else
    PermissionDenied and nothing changes. Side effects, in one transaction:
    the cohort is created if missing (named "<programme> <year> <mode>", with
    a free slug); an active Enrolment of the student in it unless they have one
    there already (enrolling twice changes nothing); the student role, through
    `accounts.services.user_add_role` (recorded with `by`).
    """
    if cohort is None and None in (programme, academic_year, mode):
        raise ValueError("Name the cohort, or its programme, academic year and mode.")
    check(by, permissions.can_enrol, student, message="You may not enrol this person.")
    with transaction.atomic():
        if cohort is None:
            cohort = _cohort_for(programme, academic_year, mode)
        enrolment, _ = Enrolment.objects.get_or_create(cohort=cohort, student=student)
        user_add_role(user=student, role=Role.STUDENT, by=by, note=f"Enrolled in {cohort}.")
    return enrolment
