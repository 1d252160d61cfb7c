from django import forms
from django.contrib.auth import get_user_model

from accounts.roles import Role
from core.forms import DateTimeField, Form, ModelForm
from curriculum.models import Cohort

from .models import AllocationRun, Milestone, Partner, Proposal, ThesisRound


def ordinal(n):
    """1st, 2nd, 3rd, 4th, … 11th, 12th, 13th, … 21st."""
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


class Radios(forms.RadioSelect):
    template_name = "theses/widgets/choices.html"


class Checkboxes(forms.CheckboxSelectMultiple):
    template_name = "theses/widgets/choices.html"


def staff_users():
    return get_user_model().objects.filter(groups__name=str(Role.STAFF), is_active=True).order_by("full_name")


class StaffChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.full_name or obj.email


class TeamSizeMixin:
    def clean(self):
        data = super().clean()
        tmin, tmax = data.get("team_min"), data.get("team_max")
        if tmin and tmax and tmax < tmin:
            self.add_error("team_max", "The largest team must be at least as big as the smallest.")
        return data


PROPOSAL_HELP = {
    "title": "A short name for the tool, for example “Food bank stock tracker”.",
    "problem": "What goes wrong today, and for whom.",
    "tool": "What the students would build.",
    "beneficiaries": "The people who would use it or be better off because of it.",
    "skills": "For example web development, data analysis, user research.",
    "data_privacy": "What personal data it would touch, who holds it now, and how it would be kept safe.",
    "capacity": "How many students (or teams) you could work with.",
    "team_min": "1 for a project done alone.",
    "team_max": "1 for a project done alone.",
}


# "How many" and "Smallest team" read badly inside a sentence.
CAPACITY_MESSAGES = {
    "required": "Enter how many students or teams you could work with",
    **dict.fromkeys(["invalid", "min_value", "max_value"], "Enter how many students or teams, from 1 to 30"),
}


def team_messages(which):
    return {
        "required": f"Enter the size of the {which} team",
        **dict.fromkeys(["invalid", "min_value", "max_value"], f"Enter a {which} team size from 1 to 10"),
    }


class PartnerProposalForm(TeamSizeMixin, Form):
    """The public form: the organisation and its project, no account needed."""

    name = forms.CharField(label="Organisation name", max_length=200)
    kind = forms.ChoiceField(label="Kind of organisation", choices=Partner.Kind.choices,
                             widget=Radios)
    contact_name = forms.CharField(label="Your name", max_length=200)
    contact_email = forms.EmailField(label="Your email address",
                                     help_text="We send a confirmation here, and write to you about the project.")
    website = forms.URLField(label="Organisation website", required=False, assume_scheme="https")
    public_profile = forms.CharField(
        label="About your organisation", widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Two or three sentences we may show publicly beside the project.",
        error_messages={"required": "Enter two or three sentences about your organisation"},
    )
    title = forms.CharField(label="Project title", max_length=200, help_text=PROPOSAL_HELP["title"])
    problem = forms.CharField(label="The problem", widget=forms.Textarea(attrs={"rows": 4}),
                              help_text=PROPOSAL_HELP["problem"])
    tool = forms.CharField(label="The tool to build", widget=forms.Textarea(attrs={"rows": 4}),
                           help_text=PROPOSAL_HELP["tool"])
    beneficiaries = forms.CharField(label="Who benefits", widget=forms.Textarea(attrs={"rows": 2}),
                                    help_text=PROPOSAL_HELP["beneficiaries"])
    skills = forms.CharField(label="Skills needed", required=False, help_text=PROPOSAL_HELP["skills"])
    data_privacy = forms.CharField(label="Data and privacy", widget=forms.Textarea(attrs={"rows": 3}),
                                   help_text=PROPOSAL_HELP["data_privacy"])
    capacity = forms.IntegerField(label="How many", min_value=1, max_value=30, initial=1,
                                  help_text=PROPOSAL_HELP["capacity"], error_messages=CAPACITY_MESSAGES)
    capacity_unit = forms.ChoiceField(label="Counted in", choices=Proposal.CapacityUnit.choices,
                                      initial="students", widget=Radios,
                                      error_messages={"required": "Select whether you count students or teams"})
    team_min = forms.IntegerField(label="Smallest team", min_value=1, max_value=10, initial=1,
                                  help_text=PROPOSAL_HELP["team_min"], error_messages=team_messages("smallest"))
    team_max = forms.IntegerField(label="Largest team", min_value=1, max_value=10, initial=1,
                                  help_text=PROPOSAL_HELP["team_max"], error_messages=team_messages("largest"))

    PARTNER_FIELDS = ["name", "kind", "contact_name", "contact_email", "website", "public_profile"]


class ProposalForm(TeamSizeMixin, ModelForm):
    supervisor = StaffChoiceField(queryset=None, required=False)

    class Meta:
        model = Proposal
        fields = ["title", "problem", "tool", "beneficiaries", "skills", "data_privacy", "partner", "cohort",
                  "supervisor", "capacity", "capacity_unit", "team_min", "team_max"]
        widgets = {f: forms.Textarea(attrs={"rows": 3})
                   for f in ["problem", "tool", "beneficiaries", "data_privacy"]}
        help_texts = PROPOSAL_HELP

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["supervisor"].queryset = staff_users()
        self.fields["partner"].queryset = Partner.objects.order_by("name")
        self.fields["cohort"].queryset = Cohort.objects.select_related("academic_year")


class StudentProposalForm(ModelForm):
    supervisor = StaffChoiceField(queryset=None, help_text="The member of staff you would like to supervise it. "
                                  "They approve the project before you can rank it.")

    class Meta(ProposalForm.Meta):
        fields = ["title", "problem", "tool", "beneficiaries", "skills", "data_privacy", "supervisor"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["supervisor"].queryset = staff_users()


class PreferencesForm(Form):
    """One select per project the student may rank, 1st to last: ordering without a mouse or script."""

    def __init__(self, *args, proposals, classmates, **kwargs):
        super().__init__(*args, **kwargs)
        options = [("", "No choice")] + [(str(p.pk), p.title) for p in proposals]
        self.choice_count = len(proposals)
        for n in range(1, self.choice_count + 1):
            self.fields[f"choice_{n}"] = forms.CharField(
                label=f"{ordinal(n)} choice", required=False,
                widget=forms.Select(choices=options, attrs={"data-choice": n}),
            )
        self.fields["teammates"] = forms.MultipleChoiceField(
            label="Teammates you would like to work with", required=False,
            choices=[(str(u.pk), u.full_name or u.email) for u in classmates],
            widget=Checkboxes,
            help_text="Only wishes that are mutual count: if you and a classmate name each other, the "
                      "allocation puts you on the same project when it can without lowering anyone else's "
                      "choice or the overall result. It is not a promise.",
        )

    def choice_fields(self):
        return [self[f"choice_{n}"] for n in range(1, self.choice_count + 1)]

    def ranked_ids(self, data):
        """The chosen project ids in order, including any extra choice_N a tampered form sent."""
        keys = sorted((k for k in data if k.startswith("choice_") and k[7:].isdigit()), key=lambda k: int(k[7:]))
        return [data[k] for k in keys if data[k]]


class RoundForm(ModelForm):
    class Meta:
        model = ThesisRound
        fields = ["cohort", "preferences_close_at", "default_supervisor_capacity"]
        labels = {"preferences_close_at": "Preferences close (UK time)",
                  "default_supervisor_capacity": "Students per supervisor"}
        error_messages = {
            "preferences_close_at": {
                "required": "Enter the date and time preferences close",
                "incomplete": "The date preferences close must include a %(parts)s",
                "invalid": "The date preferences close must be a real date",
                "invalid_time": "Enter the time preferences close on the 24-hour clock, for example 17:00",
            },
            "default_supervisor_capacity": {"required": "Enter how many students each supervisor takes"},
        }


class RoundSettingsForm(RoundForm):
    class Meta(RoundForm.Meta):
        fields = ["preferences_close_at", "default_supervisor_capacity"]


class SupervisorCapacitiesForm(Form):
    """One number per supervisor: how many students they take; blank uses the round's default."""

    def __init__(self, *args, rows=(), default=4, **kwargs):
        super().__init__(*args, **kwargs)
        self.rows = rows
        for row in rows:
            self.fields[f"cap_{row.supervisor.pk}"] = forms.IntegerField(
                label=f"Students for {row.supervisor.full_name or row.supervisor.email}", required=False,
                min_value=0, max_value=50, initial=row.capacity,
                widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
                help_text=f"Leave blank for the round's default ({default}).",
                error_messages={"min_value": "Give a number from 0 to 50, or leave it blank.",
                                "max_value": "Give a number from 0 to 50, or leave it blank.",
                                "invalid": "Give a whole number, or leave it blank."},
            )

    def capacities(self):
        return {row.supervisor.pk: self.cleaned_data[f"cap_{row.supervisor.pk}"] for row in self.rows}

    def bound_rows(self):
        return [(row, self[f"cap_{row.supervisor.pk}"]) for row in self.rows]


class MilestonesForm(Form):
    def __init__(self, *args, milestones=(), **kwargs):
        super().__init__(*args, **kwargs)
        existing = {m.kind: m for m in milestones}
        for kind, label in Milestone.Kind.choices:
            self.fields[kind] = DateTimeField(
                label=f"{label} due (UK time)", required=False,
                initial=existing[kind].due_at if kind in existing else None,
            )


class RunForm(Form):
    objective = forms.ChoiceField(
        label="Objective", widget=Radios, choices=AllocationRun.Objective.choices,
        initial=AllocationRun.Objective.MIN_COST,
    )


class AssignForm(Form):
    student = forms.IntegerField(widget=forms.HiddenInput)
    proposal = forms.CharField(required=False)


class SubmissionForm(Form):
    repository_url = forms.URLField(label="Repository link", required=False, assume_scheme="https",
                                    help_text="For example https://github.com/you/your-tool")
    report = forms.FileField(label="Report (PDF)", required=False,
                             widget=forms.ClearableFileInput(attrs={"accept": "application/pdf"}),
                             help_text="A PDF file, at most 20 MB.")
    demo_url = forms.URLField(label="Demo link", required=False, assume_scheme="https")


class FeedbackForm(Form):
    feedback = forms.CharField(label="Feedback for the student", widget=forms.Textarea(attrs={"rows": 6}))


class ShowcaseForm(Form):
    summary = forms.CharField(widget=forms.Textarea(attrs={"rows": 5}),
                              help_text="What the tool does and what changed for the partner. Markdown.")
    repository_url = forms.URLField(label="Repository link", required=False, assume_scheme="https")
    demo_url = forms.URLField(label="Demo link", required=False, assume_scheme="https")
    published = forms.BooleanField(label="Show it on the public showcase", required=False)
