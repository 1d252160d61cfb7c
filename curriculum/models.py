"""The programme's structure: academic years and terms, programmes, modules,
where a module sits in a programme, its yearly offerings, and cohorts of students.

Other apps build on these: timetable sessions belong to a ModuleOffering and are
for Cohorts; admissions intakes admit into a Cohort; theses are for a Cohort's
students (its Enrolments).
"""

from django.conf import settings
from django.contrib.postgres.search import SearchVectorField
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse


class PublicationStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    PUBLISHED = "published", "Published"


class PublishedQuerySet(models.QuerySet):
    def published(self):
        return self.filter(status=PublicationStatus.PUBLISHED)


class Season(models.TextChoices):
    AUTUMN = "autumn", "Autumn term"
    SPRING = "spring", "Spring term"
    SUMMER = "summer", "Summer term"


class StudyMode(models.TextChoices):
    FULL_TIME = "full_time", "Full-time"
    PART_TIME = "part_time", "Part-time"


class AcademicYear(models.Model):
    """An academic year, e.g. 2026/27, running from starts_on to ends_on."""

    name = models.CharField(max_length=20, unique=True, help_text="For example 2026/27.")
    slug = models.SlugField(max_length=20, unique=True, help_text="For example 2026-27.")
    starts_on = models.DateField()
    ends_on = models.DateField()

    class Meta:
        ordering = ["starts_on"]
        constraints = [
            models.CheckConstraint(condition=Q(ends_on__gt=models.F("starts_on")),
                                   name="academic_year_ends_after_start"),
        ]

    def __str__(self):
        return self.name


class Term(models.Model):
    """A term of an academic year. Teaching week 1 starts on `starts_on` (a Monday)."""

    academic_year = models.ForeignKey(AcademicYear, on_delete=models.CASCADE, related_name="terms")
    season = models.CharField(max_length=10, choices=Season.choices)
    starts_on = models.DateField()
    ends_on = models.DateField()

    class Meta:
        ordering = ["starts_on"]
        constraints = [
            models.UniqueConstraint(fields=["academic_year", "season"], name="term_unique_per_year"),
            models.CheckConstraint(condition=Q(ends_on__gt=models.F("starts_on")), name="term_ends_after_start"),
        ]

    def __str__(self):
        return f"{self.get_season_display()} {self.academic_year.name}"


class Theme(models.Model):
    name = models.CharField(max_length=80, unique=True)
    slug = models.SlugField(max_length=80, unique=True)

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name


class Programme(models.Model):
    class Award(models.TextChoices):
        MSC = "msc", "MSc"
        PGDIP = "pgdip", "PGDip"
        PGCERT = "pgcert", "PGCert"
        SHORT_COURSE = "short", "Short course"
        CERTIFICATE = "certificate", "Certificate"

    title = models.CharField(max_length=200)
    slug = models.SlugField(max_length=200, unique=True)
    award = models.CharField(max_length=20, choices=Award.choices)
    total_credits = models.PositiveSmallIntegerField(validators=[MaxValueValidator(360)])
    duration = models.CharField(
        max_length=120, help_text="In plain words, e.g. “One year full-time, two years part-time”."
    )
    full_time = models.BooleanField(default=True)
    part_time = models.BooleanField(default=False)
    summary = models.TextField(help_text="One or two sentences for lists and search results.")
    who_it_is_for = models.TextField(blank=True)
    entry_requirements = models.TextField(blank=True)
    how_to_apply = models.TextField(blank=True)
    timezone = models.CharField(max_length=64, default="Europe/London")
    status = models.CharField(max_length=10, choices=PublicationStatus.choices, default=PublicationStatus.DRAFT)
    order = models.PositiveSmallIntegerField(default=0, help_text="Lower comes first in lists.")
    optional_credits = models.PositiveSmallIntegerField(
        default=0, help_text="Credits a student takes from the optional modules; core credits make up the rest."
    )
    modules = models.ManyToManyField("Module", through="ProgrammeModule", related_name="programmes")

    objects = PublishedQuerySet.as_manager()

    class Meta:
        ordering = ["order", "title"]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("curriculum:programme-detail", args=[self.slug])


class ExitAward(models.Model):
    """An award a student can leave with part-way, e.g. a PGCert within the MSc at 60 credits."""

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="exit_awards")
    name = models.CharField(max_length=120)
    credits_required = models.PositiveSmallIntegerField()

    class Meta:
        ordering = ["credits_required"]

    def __str__(self):
        return f"{self.name} ({self.credits_required} credits)"


class Module(models.Model):
    code = models.CharField(max_length=20, unique=True)
    title = models.CharField(max_length=200)
    slug = models.SlugField(max_length=200, unique=True)
    summary = models.TextField(help_text="One or two sentences shown in the catalogue.")
    description = models.TextField(blank=True, help_text="Markdown. Scripts and embeds are removed.")
    credits = models.PositiveSmallIntegerField(validators=[MinValueValidator(5), MaxValueValidator(120)])
    level = models.PositiveSmallIntegerField(
        default=7, validators=[MinValueValidator(3), MaxValueValidator(8)],
        help_text="FHEQ level: 7 is Masters.",
    )
    leader = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="led_modules"
    )
    themes = models.ManyToManyField(Theme, blank=True, related_name="modules")
    prerequisites = models.ManyToManyField(
        "self", symmetrical=False, blank=True, related_name="required_by"
    )
    status = models.CharField(max_length=10, choices=PublicationStatus.choices, default=PublicationStatus.DRAFT)
    updated_at = models.DateTimeField(auto_now=True)
    # Optimistic concurrency: the number of the latest content revision. An edit
    # names the version it started from; a save from an older one is refused.
    version = models.PositiveIntegerField(default=1, editable=False)
    # Edits to a published module wait here (a snapshot, see curriculum.snapshots)
    # until someone publishes them; the public pages show the columns above.
    pending = models.JSONField(null=True, blank=True, editable=False)
    # Postgres full-text search: title (A), summary (B), description (C), unaccented.
    # Kept up to date on save (curriculum.search); unused on SQLite.
    search_vector = SearchVectorField(null=True, editable=False)

    objects = PublishedQuerySet.as_manager()

    class Meta:
        ordering = ["code"]

    def __str__(self):
        return f"{self.code} {self.title}"

    def get_absolute_url(self):
        return reverse("curriculum:module-detail", args=[self.slug])

    @property
    def has_unpublished_changes(self):
        """Published, with staff edits waiting to be published (the public page shows the old text)."""
        return self.status == PublicationStatus.PUBLISHED and self.pending is not None


class ModuleSearchEntry(models.Model):
    """A module's row in the SQLite full-text index, an FTS5 table that
    migration 0004 creates on SQLite only (its rowid is the module's id).

    Unmanaged: Django never creates, alters or empties it. It exists so that a
    search can join modules to the index; on Postgres nothing reads it (the
    search uses `Module.search_vector` there). Kept in step by
    `curriculum.search.refresh_search_vectors`.
    """

    module = models.OneToOneField(
        Module, primary_key=True, db_column="rowid", db_constraint=False, on_delete=models.DO_NOTHING,
        related_name="search_entry",
    )
    # FTS5's hidden column named after the table: `<table> MATCH query` searches every column.
    document = models.TextField(db_column="curriculum_module_fts")
    # FTS5's hidden rank column: bm25 with the column weights set by the migration.
    rank = models.FloatField()

    class Meta:
        managed = False
        db_table = "curriculum_module_fts"

    def __str__(self):
        return f"Search entry of module {self.module_id}"


class SearchSynonym(models.Model):
    """A word people search with that the catalogue's text may not use (an
    abbreviation, a nickname), and what it stands for. A search for the term
    also finds modules that mention any of the expansions."""

    term = models.CharField(max_length=40, unique=True, help_text="Stored in lower case, without accents.")
    expansion = models.CharField(max_length=200, help_text="One or more words or phrases, separated by commas.")
    version = models.PositiveIntegerField(default=1, editable=False)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["term"]
        constraints = [
            models.CheckConstraint(condition=~Q(term=""), name="search_synonym_term_not_empty"),
            models.CheckConstraint(condition=~Q(expansion=""), name="search_synonym_expansion_not_empty"),
        ]

    def __str__(self):
        return f"{self.term} → {self.expansion}"

    @property
    def expansions(self):
        return [part.strip() for part in self.expansion.split(",") if part.strip()]


class ModuleRevision(models.Model):
    """One entry in a module's history: a saved draft, a publication, a restore.

    `snapshot` is the whole module as it stood after the change (fields, outcomes,
    assessments, prerequisites, themes), so any two entries can be compared and
    any one restored.
    """

    class Kind(models.TextChoices):
        CREATED = "created", "Created"
        DRAFT = "draft", "Draft saved"
        PUBLISHED = "published", "Published"
        UNPUBLISHED = "unpublished", "Unpublished"
        RESTORED = "restored", "Restored an earlier version"

    module = models.ForeignKey(Module, on_delete=models.CASCADE, related_name="revisions")
    number = models.PositiveIntegerField()
    kind = models.CharField(max_length=12, choices=Kind.choices)
    snapshot = models.JSONField()
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    note = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["-number"]
        constraints = [
            models.UniqueConstraint(fields=["module", "number"], name="module_revision_unique_number"),
        ]

    def __str__(self):
        return f"{self.module.code} version {self.number} ({self.get_kind_display()})"


class LearningOutcome(models.Model):
    module = models.ForeignKey(Module, on_delete=models.CASCADE, related_name="outcomes")
    order = models.PositiveSmallIntegerField(default=0)
    text = models.CharField(max_length=500)

    class Meta:
        ordering = ["order", "id"]

    def __str__(self):
        return self.text


class AssessmentComponent(models.Model):
    class Kind(models.TextChoices):
        ESSAY = "essay", "Essay"
        REPORT = "report", "Report"
        PROJECT = "project", "Project"
        PRESENTATION = "presentation", "Presentation"
        EXAM = "exam", "Exam"
        PORTFOLIO = "portfolio", "Portfolio"
        CODE = "code", "Software"

    module = models.ForeignKey(Module, on_delete=models.CASCADE, related_name="assessments")
    order = models.PositiveSmallIntegerField(default=0)
    title = models.CharField(max_length=200)
    kind = models.CharField(max_length=20, choices=Kind.choices)
    weight = models.PositiveSmallIntegerField(validators=[MinValueValidator(1), MaxValueValidator(100)])

    class Meta:
        ordering = ["order", "id"]

    def __str__(self):
        return f"{self.title} ({self.weight}%)"


class ProgrammeModule(models.Model):
    """Where a module sits in a programme: core or optional, year of study and term."""

    class Kind(models.TextChoices):
        CORE = "core", "Core"
        OPTIONAL = "optional", "Optional"

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="placements")
    module = models.ForeignKey(Module, on_delete=models.CASCADE, related_name="placements")
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.CORE)
    year_of_study = models.PositiveSmallIntegerField(default=1, validators=[MinValueValidator(1), MaxValueValidator(4)])
    season = models.CharField(max_length=10, choices=Season.choices)

    class Meta:
        ordering = ["year_of_study", "season", "kind", "module__code"]
        constraints = [
            models.UniqueConstraint(fields=["programme", "module"], name="module_once_per_programme"),
        ]

    def __str__(self):
        return f"{self.module.code} in {self.programme} ({self.get_kind_display()})"


class ModuleOffering(models.Model):
    """A module taught in one academic year and term."""

    class Status(models.TextChoices):
        PLANNED = "planned", "Planned"
        OPEN = "open", "Open"
        RUNNING = "running", "Running"
        FINISHED = "finished", "Finished"
        CANCELLED = "cancelled", "Cancelled"

    module = models.ForeignKey(Module, on_delete=models.CASCADE, related_name="offerings")
    academic_year = models.ForeignKey(AcademicYear, on_delete=models.PROTECT, related_name="offerings")
    term = models.ForeignKey(Term, on_delete=models.PROTECT, related_name="offerings")
    leader = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="led_offerings"
    )
    capacity = models.PositiveIntegerField(null=True, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PLANNED)

    class Meta:
        ordering = ["academic_year__starts_on", "term__starts_on", "module__code"]
        constraints = [
            models.UniqueConstraint(fields=["module", "academic_year", "term"], name="offering_unique_per_term"),
        ]

    def __str__(self):
        return f"{self.module.code} {self.term}"


class Cohort(models.Model):
    """The students who started a programme in one academic year, in one mode."""

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="cohorts")
    academic_year = models.ForeignKey(AcademicYear, on_delete=models.PROTECT, related_name="cohorts")
    mode = models.CharField(max_length=10, choices=StudyMode.choices, default=StudyMode.FULL_TIME)
    name = models.CharField(max_length=200, help_text="For example “MSc Public Technology 2027/28 full-time”.")
    slug = models.SlugField(max_length=200, unique=True)
    students = models.ManyToManyField(
        settings.AUTH_USER_MODEL, through="Enrolment", related_name="cohorts", blank=True
    )

    class Meta:
        ordering = ["-academic_year__starts_on", "programme__order", "mode"]
        constraints = [
            models.UniqueConstraint(fields=["programme", "academic_year", "mode"], name="cohort_unique"),
        ]

    def __str__(self):
        return self.name


class Enrolment(models.Model):
    """A student's place in a cohort. Admissions creates it when an offer is taken up."""

    class Status(models.TextChoices):
        ACTIVE = "active", "Studying"
        SUSPENDED = "suspended", "Suspended"
        WITHDRAWN = "withdrawn", "Withdrawn"
        COMPLETED = "completed", "Completed"

    cohort = models.ForeignKey(Cohort, on_delete=models.PROTECT, related_name="enrolments")
    student = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="enrolments")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.ACTIVE)
    enrolled_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["cohort", "student__full_name"]
        constraints = [
            models.UniqueConstraint(fields=["cohort", "student"], name="enrolment_unique"),
        ]

    def __str__(self):
        return f"{self.student} in {self.cohort}"
