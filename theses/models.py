"""Thesis projects: partner organisations, proposals, preferences, allocation
runs, milestones, submissions and the public showcase.

A cohort's thesis year is a `ThesisRound` (its preference closing date and
supervisor capacity). Students of the cohort rank open proposals; staff run
allocations (`AllocationRun`, a draft of `Assignment`s they may adjust) and
publish one. Milestones carry due dates; students submit against them.
"""

import os

from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from simple_history.models import HistoricalRecords


def private_storage():
    """Uploaded reports live outside MEDIA: only permission-checked views read them."""
    return FileSystemStorage(location=os.path.join(str(settings.PRIVATE_STORAGE_ROOT), "theses"))


class Partner(models.Model):
    class Kind(models.TextChoices):
        CHARITY = "charity", "Charity"
        COUNCIL = "council", "Council"
        NGO = "ngo", "NGO"
        GOVERNMENT = "government", "Government body"
        COMPANY = "company", "Company"
        UNIVERSITY = "university", "University group"

    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=200, unique=True)
    kind = models.CharField(max_length=20, choices=Kind.choices)
    contact_name = models.CharField(max_length=200)
    contact_email = models.EmailField()
    website = models.URLField(blank=True)
    public_profile = models.TextField(
        blank=True, help_text="What the organisation does, in two or three sentences, shown publicly."
    )
    approved = models.BooleanField(default=False, help_text="Staff checked it; only approved partners are shown.")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name


class ThesisRound(models.Model):
    """A cohort's thesis year: when preferences close and how many students a supervisor takes."""

    cohort = models.OneToOneField("curriculum.Cohort", on_delete=models.CASCADE, related_name="thesis_round")
    preferences_close_at = models.DateTimeField(help_text="Students can rank projects until this moment.")
    default_supervisor_capacity = models.PositiveSmallIntegerField(
        default=4, validators=[MaxValueValidator(50)],
        help_text="Most students one supervisor takes, unless set for that person.",
    )

    class Meta:
        ordering = ["-cohort__academic_year__starts_on"]

    def __str__(self):
        return f"Thesis round for {self.cohort}"


class SupervisorCapacity(models.Model):
    round = models.ForeignKey(ThesisRound, on_delete=models.CASCADE, related_name="supervisor_capacities")
    supervisor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    capacity = models.PositiveSmallIntegerField(validators=[MaxValueValidator(50)])

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["round", "supervisor"], name="supervisor_capacity_once_per_round"),
        ]

    def __str__(self):
        return f"{self.supervisor}: {self.capacity}"


class ProposalQuerySet(models.QuerySet):
    def public(self):
        """What anyone may see: partner or staff proposals once open, never a student's own."""
        return self.filter(
            status__in=Proposal.PUBLIC_STATUSES, proposed_by_student__isnull=True
        )

    def open(self):
        return self.filter(status=Proposal.Status.OPEN)


class Proposal(models.Model):
    class Status(models.TextChoices):
        SUBMITTED = "submitted", "Submitted"
        APPROVED = "approved", "Approved"
        OPEN = "open", "Open for preferences"
        ALLOCATED = "allocated", "Allocated"
        IN_PROGRESS = "in_progress", "In progress"
        COMPLETED = "completed", "Completed"
        WITHDRAWN = "withdrawn", "Withdrawn"

    class Source(models.TextChoices):
        PARTNER = "partner", "Partner organisation"
        STAFF = "staff", "Staff"
        STUDENT = "student", "Student"

    class CapacityUnit(models.TextChoices):
        STUDENTS = "students", "students"
        TEAMS = "teams", "teams"

    PUBLIC_STATUSES = [Status.OPEN, Status.ALLOCATED, Status.IN_PROGRESS, Status.COMPLETED]

    title = models.CharField(max_length=200)
    slug = models.SlugField(max_length=220, unique=True)
    problem = models.TextField("The problem", help_text="What goes wrong today, and for whom.")
    tool = models.TextField("The tool to build", help_text="What the students would make.")
    beneficiaries = models.TextField("Who benefits")
    skills = models.TextField("Skills needed", blank=True)
    data_privacy = models.TextField(
        "Data and privacy",
        help_text="What personal data the tool would touch, and how it would be kept safe.",
    )
    source = models.CharField(max_length=10, choices=Source.choices)
    partner = models.ForeignKey(Partner, on_delete=models.PROTECT, null=True, blank=True, related_name="proposals")
    cohort = models.ForeignKey(
        "curriculum.Cohort", on_delete=models.PROTECT, null=True, blank=True, related_name="thesis_proposals"
    )
    supervisor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="supervised_proposals"
    )
    proposed_by_student = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="own_proposals",
        help_text="Set when a student proposes their own project; only they can rank it.",
    )
    capacity = models.PositiveSmallIntegerField(default=1, validators=[MinValueValidator(1), MaxValueValidator(30)])
    capacity_unit = models.CharField(max_length=10, choices=CapacityUnit.choices, default=CapacityUnit.STUDENTS)
    team_min = models.PositiveSmallIntegerField("Smallest team", default=1, validators=[MinValueValidator(1)])
    team_max = models.PositiveSmallIntegerField("Largest team", default=1, validators=[MinValueValidator(1)])
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.SUBMITTED)
    created_at = models.DateTimeField(auto_now_add=True)
    approved_at = models.DateTimeField(null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    history = HistoricalRecords()

    objects = ProposalQuerySet.as_manager()

    class Meta:
        ordering = ["title", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(team_max__gte=F("team_min")), name="proposal_team_max_at_least_min"),
            models.CheckConstraint(
                condition=~Q(status="open") | (Q(cohort__isnull=False) & Q(supervisor__isnull=False)),
                name="proposal_open_needs_cohort_and_supervisor",
            ),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("theses:proposal-detail", args=[self.slug])

    @property
    def is_solo(self):
        return self.team_max == 1

    @property
    def student_capacity(self):
        return self.capacity * self.team_max if self.capacity_unit == self.CapacityUnit.TEAMS else self.capacity

    @property
    def max_teams(self):
        if self.capacity_unit == self.CapacityUnit.TEAMS:
            return self.capacity
        return max(1, self.capacity // self.team_min)

    @property
    def team_description(self):
        if self.is_solo:
            if self.capacity == 1:
                return "One student, working alone"
            return f"Up to {self.capacity} students, each working alone"
        size = f"{self.team_min} to {self.team_max}" if self.team_min != self.team_max else f"{self.team_max}"
        if self.capacity_unit == self.CapacityUnit.TEAMS:
            return f"Up to {self.capacity} team{'s' if self.capacity != 1 else ''} of {size} students"
        return f"Teams of {size}, up to {self.capacity} students in all"


class PreferenceList(models.Model):
    """A student's ranking for their cohort, with teammates they would like."""

    cohort = models.ForeignKey("curriculum.Cohort", on_delete=models.CASCADE, related_name="thesis_preference_lists")
    student = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="thesis_preferences")
    teammates = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="+")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["cohort", "student"], name="preference_list_once_per_student"),
        ]

    def __str__(self):
        return f"Preferences of {self.student} in {self.cohort}"


class Preference(models.Model):
    preference_list = models.ForeignKey(PreferenceList, on_delete=models.CASCADE, related_name="choices")
    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="preferences")
    # As many ranks as the student has projects to rank: they are placed only on a
    # project they ranked, so no cap is put on how many.
    rank = models.PositiveSmallIntegerField(validators=[MinValueValidator(1)])

    class Meta:
        ordering = ["preference_list", "rank"]
        constraints = [
            models.UniqueConstraint(fields=["preference_list", "rank"], name="preference_rank_once"),
            models.UniqueConstraint(fields=["preference_list", "proposal"], name="preference_project_once"),
            models.CheckConstraint(condition=Q(rank__gte=1), name="preference_rank_from_1"),
        ]

    def __str__(self):
        return f"{self.rank}: {self.proposal_id}"


class SupervisorRanking(models.Model):
    """A supervisor's order of the students who chose their projects (for the stable objective)."""

    round = models.ForeignKey(ThesisRound, on_delete=models.CASCADE, related_name="supervisor_rankings")
    supervisor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    student = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    rank = models.PositiveIntegerField()

    class Meta:
        ordering = ["supervisor", "rank"]
        constraints = [
            models.UniqueConstraint(fields=["round", "supervisor", "student"], name="supervisor_ranks_student_once"),
        ]

    def __str__(self):
        return f"{self.rank}: {self.student_id}"


class AllocationRun(models.Model):
    class Objective(models.TextChoices):
        MIN_COST = "min_cost", "Fewest and best-ranked disappointments"
        STABLE = "stable", "Stable: supervisors' rankings respected"

    class State(models.TextChoices):
        QUEUED = "queued", "Waiting for a worker"
        RUNNING = "running", "Running"
        DONE = "done", "Done"
        FAILED = "failed", "Failed"

    round = models.ForeignKey(ThesisRound, on_delete=models.CASCADE, related_name="runs")
    objective = models.CharField(max_length=10, choices=Objective.choices)
    state = models.CharField(max_length=10, choices=State.choices, default=State.QUEUED)
    progress = models.PositiveSmallIntegerField(default=0, validators=[MaxValueValidator(100)])
    message = models.CharField(max_length=200, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    seconds = models.FloatField(null=True, blank=True)
    rank_profile = models.JSONField(default=list, blank=True)
    # [{"student": id, "reason": text}]
    unplaced = models.JSONField(default=list, blank=True)
    closed_projects = models.JSONField(default=list, blank=True)
    students_count = models.PositiveIntegerField(default=0)
    # Mutual teammate wishes (two students who named each other): how many
    # pairs, how many ended on one project, how many the teammate pass moved.
    teammate_pairs = models.PositiveIntegerField(default=0)
    teammate_pairs_together = models.PositiveIntegerField(default=0)
    teammate_pairs_moved = models.PositiveIntegerField(default=0)
    published_at = models.DateTimeField(null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["round"], condition=Q(published_at__isnull=False), name="one_published_run_per_round"
            ),
        ]

    def __str__(self):
        return f"Run {self.pk} ({self.get_objective_display()})"

    def get_absolute_url(self):
        return reverse("theses:run-detail", args=[self.pk])

    @property
    def is_finished(self):
        return self.state in (self.State.DONE, self.State.FAILED)


class Assignment(models.Model):
    run = models.ForeignKey(AllocationRun, on_delete=models.CASCADE, related_name="assignments")
    student = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="thesis_assignments")
    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="assignments")
    rank = models.PositiveSmallIntegerField(null=True, blank=True, help_text="Empty when not among their choices.")
    manual = models.BooleanField(default=False)

    class Meta:
        ordering = ["proposal__title", "student__full_name"]
        constraints = [
            models.UniqueConstraint(fields=["run", "student"], name="assignment_once_per_run"),
        ]

    def __str__(self):
        return f"{self.student} on {self.proposal}"


class Milestone(models.Model):
    class Kind(models.TextChoices):
        PROPOSAL = "proposal", "Project proposal"
        ETHICS = "ethics", "Ethics and privacy check"
        INTERIM = "interim", "Interim demo"
        FINAL = "final", "Final submission"
        SHOWCASE = "showcase", "Showcase"

    round = models.ForeignKey(ThesisRound, on_delete=models.CASCADE, related_name="milestones")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    due_at = models.DateTimeField()
    description = models.TextField(blank=True)

    class Meta:
        ordering = ["due_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["round", "kind"], name="milestone_kind_once_per_round"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} ({self.round.cohort})"


class Submission(models.Model):
    milestone = models.ForeignKey(Milestone, on_delete=models.CASCADE, related_name="submissions")
    student = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="thesis_submissions")
    proposal = models.ForeignKey(Proposal, on_delete=models.PROTECT, related_name="submissions")
    repository_url = models.URLField("Repository link", blank=True)
    report = models.FileField(upload_to="reports/%Y/", storage=private_storage, blank=True)
    demo_url = models.URLField("Demo link", blank=True)
    submitted_at = models.DateTimeField()
    late = models.BooleanField(default=False)
    feedback = models.TextField(blank=True)
    feedback_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    feedback_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["milestone__due_at", "student__full_name"]
        constraints = [
            models.UniqueConstraint(fields=["milestone", "student"], name="submission_once_per_milestone"),
        ]

    def __str__(self):
        return f"{self.milestone}: {self.student}"

    def get_absolute_url(self):
        return reverse("theses:submission-detail", args=[self.pk])


class ShowcaseEntry(models.Model):
    """A completed tool shown on /theses/; team members appear only if they consented."""

    proposal = models.OneToOneField(Proposal, on_delete=models.CASCADE, related_name="showcase")
    summary = models.TextField(help_text="What the tool does and what changed for the partner. Markdown.")
    repository_url = models.URLField(blank=True)
    demo_url = models.URLField(blank=True)
    consenting_members = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="+")
    published = models.BooleanField(default=False)
    published_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-published_at", "id"]

    def __str__(self):
        return f"Showcase: {self.proposal}"
