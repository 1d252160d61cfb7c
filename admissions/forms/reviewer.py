"""Forms reviewers fill in: their review and their conflicts of interest."""

from django import forms
from django.utils.html import escape

from core.forms import Form

from ..models import (
    Intake,
    Review,
)
from .applicant import RadioChoices


class ReviewForm(Form):
    """The rubric: one 1-to-max choice per criterion, a recommendation and a panel comment."""

    recommendation = forms.ChoiceField(
        choices=Review.Recommendation.choices, widget=RadioChoices, label="Your recommendation"
    )
    comment = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 6}), required=False, max_length=5000,
        label="Comment for the panel",
        help_text="Only admissions staff and the other reviewers see this; the applicant never does.",
    )

    def __init__(self, *args, criteria, **kwargs):
        self.criteria = criteria
        super().__init__(*args, **kwargs)
        fields = {}
        for criterion in criteria:
            hint = escape(criterion.guidance)
            if criterion.weight != 1:
                hint = f"{hint} (weight {criterion.weight.normalize()})".strip()
            fields[self.key(criterion)] = forms.TypedChoiceField(
                label=f"{criterion.name}: score from 1 to {criterion.scale_max}",
                choices=[(str(i), str(i)) for i in criterion.scale],
                coerce=int,
                widget=ScoreChoices,
                help_text=hint,
                error_messages={
                    "required": f"Select a score for {criterion.name}",
                    "invalid_choice": f"Select a score between 1 and {criterion.scale_max} for {criterion.name}",
                },
            )
        self.fields = {**fields, **self.fields}

    @staticmethod
    def key(criterion):
        return f"c{criterion.pk}"

    def scores(self):
        return {c.pk: self.cleaned_data[self.key(c)] for c in self.criteria}

    def score_fields(self):
        return [self[self.key(c)] for c in self.criteria]


class ScoreChoices(forms.RadioSelect):
    template_name = "admissions/review/score_widget.html"


class ConflictForm(Form):
    email = forms.EmailField(
        label="Their email address", help_text="If they apply with this address, you will not be asked to review them."
    )
    intake = forms.ModelChoiceField(queryset=Intake.objects.none(), label="Intake", empty_label=None)
    reason = forms.CharField(max_length=300, required=False, label="Why (for the admissions team)")

    def __init__(self, *args, intakes, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["intake"].queryset = intakes


class ApplicationConflictForm(Form):
    reason = forms.CharField(
        max_length=300, required=False, label="Why (for the admissions team)",
        help_text="For example: “a former colleague” or “I am their referee”.",
    )
