"""Forms and list filters of admissions admins: review set-up, rubric, assignment,
decisions, conditions, interview slots and the list of applications."""

import django_filters
from django import forms
from django.contrib.auth import get_user_model

from accounts.roles import Role
from core.forms import DateField, FilterForm, Form, ModelForm

from ..models import (
    Application,
    Decision,
    Intake,
    InterviewSlot,
    OfferCondition,
    ReviewSetup,
    RubricCriterion,
)
from .applicant import CheckboxChoices, RadioChoices

User = get_user_model()


def reviewer_queryset():
    return User.objects.filter(is_active=True, groups__name=Role.REVIEWER).distinct().order_by("full_name")


class ReviewerChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.full_name} ({obj.email})"


class ReviewerMultipleField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.full_name} ({obj.email})"


class ReviewSetupForm(ModelForm):
    panel = ReviewerMultipleField(
        queryset=reviewer_queryset(), required=False, widget=CheckboxChoices,
        label="Reviewers for this intake",
        help_text="Leave every box empty to use everyone with the reviewer role.",
    )

    class Meta:
        model = ReviewSetup
        fields = ["reviewers_per_application", "due_on", "is_open", "blind", "co_reviews", "disagreement_threshold",
                  "panel"]
        labels = {
            "reviewers_per_application": "Reviewers per application",
            "due_on": "Date reviews are due",
            "is_open": "The review phase is open",
            "blind": "Blind review",
            "co_reviews": "Other reviewers' scores are shown",
            "disagreement_threshold": "Flag disagreement at a score spread of",
        }
        widgets = {"co_reviews": RadioChoices}
        error_messages = {
            "co_reviews": {"required": "Select when other reviewers' scores are shown"},
            "disagreement_threshold": {"required": "Enter the score spread at which to flag disagreement"},
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["panel"].queryset = reviewer_queryset()
        self.fields["reviewers_per_application"].widget.attrs.update({"class": "input-narrow"})


class CriterionForm(ModelForm):
    class Meta:
        model = RubricCriterion
        fields = ["name", "guidance", "scale_max", "weight", "order"]
        labels = {"scale_max": "Highest score", "order": "Position"}
        widgets = {"guidance": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, intake=None, **kwargs):
        super().__init__(*args, **kwargs)
        if intake is not None:
            self.instance.intake = intake


class AssignForm(Form):
    reviewer = ReviewerChoiceField(queryset=User.objects.none(), label="Add a reviewer",
                                  empty_label="Choose a reviewer",
                                  error_messages={"required": "Select a reviewer to add"})

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reviewer"].queryset = reviewer_queryset()


CONDITION_ROWS = 3


class DecisionForm(Form):
    outcome = forms.ChoiceField(choices=Decision.Outcome.choices, widget=RadioChoices, label="Decision")
    respond_by = DateField(
        required=False, label="Deadline to answer the offer",
        help_text="Offers only. Four weeks from today if left empty.",
    )
    waitlist_rank = forms.IntegerField(
        required=False, min_value=1, label="Place on the waiting list",
        help_text="Waiting list only. The next free place if left empty.",
    )
    message = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}), required=False, max_length=2000, label="A note to the applicant",
        help_text="Shown with the decision on their status page and in the decision email.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for i in range(1, CONDITION_ROWS + 1):
            self.fields[f"condition_{i}"] = forms.CharField(
                required=False, max_length=500, label=f"Condition {i} of a conditional offer",
                help_text="Leave empty for an unconditional offer." if i == 1 else "",
            )
            self.fields[f"condition_{i}_due"] = DateField(required=False, label=f"Condition {i} due date")

    @staticmethod
    def initial_from(decision, tz):
        """The form's starting values when changing `decision`: what it says now (dates in `tz`)."""
        if decision is None:
            return {}
        initial = {"outcome": decision.outcome, "message": decision.message, "waitlist_rank": decision.waitlist_rank}
        offer = getattr(decision, "offer", None)
        if offer is not None:
            initial["respond_by"] = offer.respond_by.astimezone(tz).date() if offer.respond_by else None
            for i, condition in enumerate(offer.conditions.all()[:CONDITION_ROWS], start=1):
                initial[f"condition_{i}"] = condition.text
                initial[f"condition_{i}_due"] = condition.due_on
        return initial

    def conditions(self):
        rows = []
        for i in range(1, CONDITION_ROWS + 1):
            text = (self.cleaned_data.get(f"condition_{i}") or "").strip()
            if text:
                rows.append((text, self.cleaned_data.get(f"condition_{i}_due")))
        return rows

    def condition_rows(self):
        return [(self[f"condition_{i}"], self[f"condition_{i}_due"]) for i in range(1, CONDITION_ROWS + 1)]

    def clean(self):
        data = super().clean()
        if data.get("outcome") != Decision.Outcome.OFFER and self.conditions():
            raise forms.ValidationError("Only an offer can have conditions.")
        return data


class ConditionStatusForm(Form):
    status = forms.ChoiceField(choices=OfferCondition.Status.choices, label="Status")


class BulkStageForm(Form):
    OUTCOMES = [
        (Decision.Outcome.REJECT, "Unsuccessful"),
        (Decision.Outcome.WAITLIST, "Waiting list (in the order selected)"),
        (Decision.Outcome.INTERVIEW, "Invite to interview"),
        (Decision.Outcome.OFFER, "Unconditional offer"),
    ]
    outcome = forms.ChoiceField(choices=OUTCOMES, label="Stage this decision for the selected applications",
                                error_messages={"required": "Select the decision to stage"})
    ids = forms.ModelMultipleChoiceField(queryset=Application.objects.submitted(), label="Applications")


class SlotForm(ModelForm):
    class Meta:
        model = InterviewSlot
        fields = ["starts_at", "duration_minutes", "place"]
        labels = {"starts_at": "Start (UK time)", "duration_minutes": "Length in minutes"}


FLAG_CHOICES = [
    ("disagreement", "Reviewers disagree"),
    ("missing_reviews", "Reviews missing"),
    ("unassigned", "Not enough reviewers assigned"),
    ("references_outstanding", "References outstanding"),
    ("conflict", "A reviewer declared a conflict"),
    ("no_decision", "No decision yet"),
    ("staged", "Decision staged, not applied"),
    ("unsent", "Decision applied, mail not sent"),
    ("adjustments", "Told us about accessibility needs"),
]


SORTS = [
    ("-mean", "Weighted mean score, highest first"),
    ("mean", "Weighted mean score, lowest first"),
    ("-median", "Median score, highest first"),
    ("median", "Median score, lowest first"),
    ("-spread", "Disagreement (score spread), largest first"),
    ("submitted", "Submitted, oldest first"),
    ("-submitted", "Submitted, newest first"),
]


SORT_FIELDS = {
    "mean": "review_summary__mean",
    "median": "review_summary__median",
    "spread": "review_summary__spread",
    "submitted": "submitted_at",
}


class ApplicationFilter(django_filters.FilterSet):
    """The admin list's filters. They combine (AND) and live in the URL."""

    intake = django_filters.ModelChoiceFilter(
        queryset=Intake.objects.select_related("programme").order_by("-closes_at"), empty_label="All intakes",
        label="Intake",
    )
    state = django_filters.MultipleChoiceFilter(
        choices=[c for c in Application.State.choices if c[0] != Application.State.DRAFT], label="State",
        widget=CheckboxChoices,
    )
    score_min = django_filters.NumberFilter(
        field_name="review_summary__mean", lookup_expr="gte", label="Mean score from",
    )
    score_max = django_filters.NumberFilter(
        field_name="review_summary__mean", lookup_expr="lte", label="Mean score up to",
    )
    reviewer = django_filters.ModelChoiceFilter(
        queryset=User.objects.none(), method="filter_reviewer", empty_label="Any reviewer", label="Reviewer",
    )
    flags = django_filters.MultipleChoiceFilter(
        choices=FLAG_CHOICES, method="filter_flags", label="Flags", widget=CheckboxChoices,
    )
    q = django_filters.CharFilter(method="filter_search", label="Name or email")
    sort = django_filters.ChoiceFilter(choices=SORTS, method="apply_sort", empty_label="Newest application first",
                                       label="Sort by")

    class Meta:
        model = Application
        form = FilterForm
        fields = ["intake", "state", "score_min", "score_max", "reviewer", "flags", "q", "sort"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["reviewer"].queryset = reviewer_queryset()
        for name in ("score_min", "score_max"):
            self.form.fields[name].widget.attrs.update({"min": 0, "max": 10, "step": "0.1", "class": "input-narrow"})

    def filter_reviewer(self, queryset, name, value):
        return queryset.filter(pk__in=value.review_assignments.values("application_id"))

    def filter_search(self, queryset, name, value):
        from django.db.models import Q

        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(applicant__email__icontains=value) | Q(applicant__full_name__icontains=value)
            | Q(legal_name__icontains=value)
        )

    def filter_flags(self, queryset, name, values):
        from django.db.models import Exists, F, OuterRef, Q

        from ..models import Referee, ReviewerConflict

        for flag in values:
            if flag == "disagreement":
                queryset = queryset.filter(disagrees=True)
            elif flag == "missing_reviews":
                queryset = queryset.filter(reviews_in__lt=F("reviewers_wanted"))
            elif flag == "unassigned":
                queryset = queryset.filter(assigned_count__lt=F("reviewers_wanted"))
            elif flag == "references_outstanding":
                queryset = queryset.filter(
                    Exists(Referee.objects.filter(application=OuterRef("pk"), received_at=None))
                )
            elif flag == "conflict":
                queryset = queryset.filter(Exists(ReviewerConflict.objects.filter(application=OuterRef("pk"))))
            elif flag == "no_decision":
                queryset = queryset.filter(decision_outcome__isnull=True)
            elif flag == "staged":
                queryset = queryset.filter(decision_outcome__isnull=False, decision_released_at__isnull=True)
            elif flag == "unsent":
                from notifications.models import OutboundEmail

                staged = Decision.objects.filter(mail__state=OutboundEmail.State.STAGED).values("pk")
                queryset = queryset.filter(decision_released_at__isnull=False, decision_id__in=staged)
            elif flag == "adjustments":
                queryset = queryset.exclude(Q(accessibility_needs="") & Q(circumstances=""))
        return queryset

    def apply_sort(self, queryset, name, value):
        return queryset  # applied by the view after every filter (see sorted_queryset)

    def sorted_queryset(self):
        qs = self.qs
        value = self.form.cleaned_data.get("sort") if self.form.is_valid() else None
        if value:
            field = SORT_FIELDS[value.lstrip("-")]
            from django.db.models import F

            expression = F(field).desc(nulls_last=True) if value.startswith("-") else F(field).asc(nulls_last=True)
            return qs.order_by(expression, "pk")
        return qs.order_by("-submitted_at", "-pk")

