"""Forms for admissions admins setting up an intake and its extra questions.

Opening and closing moments are typed as local times of the programme's time
zone (the one applicants read on every page), whatever the server's zone.
"""

from zoneinfo import ZoneInfo

from django import forms
from django.conf import settings
from django.utils import timezone
from django.utils.text import slugify

from core.forms import BaseInlineFormSet, ModelForm
from curriculum.models import AcademicYear, Cohort, Programme

from ..models import DocumentKind, Intake, IntakeQuestion, PrivacyNotice
from .applicant import CheckboxChoices

UPLOADED_BY_EVERYONE = [DocumentKind.CV, DocumentKind.TRANSCRIPT, DocumentKind.PORTFOLIO]


CHOICE_KINDS = {IntakeQuestion.Kind.SINGLE_CHOICE, IntakeQuestion.Kind.MULTIPLE_CHOICE}


def local_input(moment, zone):
    """An aware moment as the wall-clock date and time the form shows in `zone`."""
    return timezone.localtime(moment, zone).replace(tzinfo=None) if moment else None


def in_zone(value, zone):
    """The wall-clock time typed in a form (read as the current zone's), as that time in `zone`."""
    return timezone.make_aware(timezone.make_naive(value), zone)


class IntakeForm(ModelForm):
    slug = forms.SlugField(
        required=False, max_length=200, label="Web address name",
        help_text="Part of the intake's address, e.g. msc-full-time-2027. Left empty, it is made from the title.",
    )
    required_documents = forms.MultipleChoiceField(
        choices=[(kind.value, kind.label) for kind in UPLOADED_BY_EVERYONE], required=False,
        widget=CheckboxChoices, label="Documents every applicant uploads",
        help_text="PDF only, up to 10 MB each, checked by their content.",
    )

    class Meta:
        model = Intake
        fields = [
            "programme", "academic_year", "mode", "title", "slug", "cohort", "opens_at", "closes_at", "capacity",
            "statement_word_limit", "selection_criteria", "required_documents", "is_published",
        ]
        labels = {
            "opens_at": "Applications open",
            "closes_at": "Deadline",
            "capacity": "Places",
            "statement_word_limit": "Word limit of the personal statement",
            "selection_criteria": "Selection criteria",
            "is_published": "Show this intake on /apply/",
            "cohort": "Cohort",
        }
        help_texts = {
            "opens_at": "In the programme's time zone.",
            "closes_at": "The last moment an application can be submitted, in the programme's time zone.",
            "selection_criteria": "Shown to applicants and reviewers. Markdown: **bold**, lists, links.",
            "is_published": "Untick to prepare an intake before anyone can see it.",
            "capacity": "How many offers may be accepted. The waiting list moves when a place frees up.",
        }
        widgets = {"selection_criteria": forms.Textarea(attrs={"rows": 5})}
        error_messages = {
            "opens_at": {
                "required": "Enter the date and time applications open",
                "incomplete": "The date applications open must include a %(parts)s",
                "invalid": "The date applications open must be a real date",
                "invalid_time": "Enter the time applications open on the 24-hour clock, for example 09:00",
            },
            "capacity": {"required": "Enter the number of places"},
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["programme"].queryset = Programme.objects.order_by("order", "title")
        self.fields["academic_year"].queryset = AcademicYear.objects.order_by("-starts_on")
        self.fields["cohort"].queryset = Cohort.objects.select_related("programme", "academic_year").order_by(
            "-academic_year__starts_on", "programme__title"
        )
        self.fields["cohort"].required = False
        if self.instance.pk:
            zone = self.instance.tz
            self.initial["opens_at"] = local_input(self.instance.opens_at, zone)
            self.initial["closes_at"] = local_input(self.instance.closes_at, zone)
        else:
            self.initial["required_documents"] = [DocumentKind.CV.value, DocumentKind.TRANSCRIPT.value]

    def clean(self):
        data = super().clean()
        programme, year, mode = data.get("programme"), data.get("academic_year"), data.get("mode")
        if programme is not None:
            zone = ZoneInfo(programme.timezone or settings.TIME_ZONE)
            for name in ("opens_at", "closes_at"):
                if data.get(name):
                    data[name] = in_zone(data[name], zone)
        opens, closes = data.get("opens_at"), data.get("closes_at")
        if opens and closes and closes <= opens:
            self.add_error("closes_at", "The deadline must be after applications open.")
        if programme is not None and year is not None and mode:
            other = Intake.objects.filter(programme=programme, academic_year=year, mode=mode)
            other = other.exclude(pk=self.instance.pk).first()
            if other is not None:
                self.add_error(
                    "mode",
                    f"There is already a {other.get_mode_display().lower()} intake of {programme.title} for "
                    f"{year}: “{other.title}”. Edit that one, or choose another year or mode.",
                )
        cohort = data.get("cohort")
        if cohort is not None and programme is not None and year is not None and (
            cohort.programme_id != programme.pk or cohort.academic_year_id != year.pk
        ):
            self.add_error("cohort", f"That cohort is not of {programme.title} in {year}.")
        if data.get("title") and not data.get("slug"):
            data["slug"] = slugify(data["title"])[:200]
        slug = data.get("slug")
        if slug and Intake.objects.filter(slug=slug).exclude(pk=self.instance.pk).exists():
            self.add_error("slug", "Another intake already uses this web address name: choose another.")
        return data


class QuestionForm(ModelForm):
    options = forms.CharField(
        required=False, label="Options, one per line", widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Choice questions only.",
    )

    class Meta:
        model = IntakeQuestion
        fields = ["order", "kind", "label", "help_text", "required", "word_limit", "sensitive"]
        labels = {
            "order": "Position",
            "label": "Question",
            "help_text": "Hint",
            "required": "Applicants must answer it",
            "word_limit": "Word limit",
            "sensitive": "Sensitive answer",
        }
        help_texts = {"word_limit": "Long text only.", "order": "Empty puts it last."}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["order"].required = False
        self.fields["kind"].label = "Kind of answer"
        if self.instance.pk:
            self.initial["options"] = "\n".join(self.instance.choices or [])
        else:
            self.initial["order"] = None

    def clean(self):
        data = super().clean()
        kind = data.get("kind")
        options = [line.strip() for line in (data.get("options") or "").splitlines() if line.strip()]
        if kind in CHOICE_KINDS:
            if len(options) < 2:
                self.add_error("options", "A choice question needs at least two options, one per line.")
            elif len(set(options)) != len(options):
                self.add_error("options", "Each option must be different.")
        elif options:
            self.add_error("options", "Only a choice question has options: remove them, or change its kind.")
        if data.get("word_limit") and kind != IntakeQuestion.Kind.LONG_TEXT:
            self.add_error("word_limit", "Only a long-text question has a word limit.")
        self.instance.choices = options if kind in CHOICE_KINDS else []
        return data


class BaseQuestionFormSet(BaseInlineFormSet):
    def clean(self):
        super().clean()
        answered = set()
        if self.instance.pk:
            answered = set(
                IntakeQuestion.objects.filter(intake=self.instance, answers__isnull=False).values_list("pk", flat=True)
            )
        for form in self.forms:
            question = form.instance
            if question.pk not in answered or not hasattr(form, "cleaned_data"):
                continue
            if form.cleaned_data.get("DELETE"):
                form.add_error(None, f"Applicants have answered “{question.label}”: it cannot be removed. "
                                     "Reword it instead, or untick “Applicants must answer it”.")
            elif "kind" in form.changed_data:
                form.add_error("kind", "Applicants have answered this question: its kind cannot change.")


QuestionFormSet = forms.inlineformset_factory(
    Intake, IntakeQuestion, form=QuestionForm, formset=BaseQuestionFormSet, extra=1, can_delete=True,
)


class PrivacyNoticeForm(ModelForm):
    """A new version of the privacy notice; published versions never change."""

    class Meta:
        model = PrivacyNotice
        fields = ["version", "title", "body"]
        labels = {"version": "Version", "title": "Title", "body": "The notice"}
        help_texts = {
            "version": "A new name for this version, for example 2027-1. Each application records the version "
                       "its applicant agreed to.",
            "body": "Markdown: headings, lists, links.",
        }
        widgets = {"body": forms.Textarea(attrs={"rows": 14})}

    def clean_version(self):
        version = self.cleaned_data["version"].strip()
        if PrivacyNotice.objects.filter(version__iexact=version).exists():
            raise forms.ValidationError(f"Version {version} already exists: give this one a new name.")
        return version
