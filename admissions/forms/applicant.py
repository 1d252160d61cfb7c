"""Forms for the application's steps, the referee's upload and the applicant's answers
(to an offer, to an interview invitation).

Every step form takes `draft=`: "Save and come back later" validates formats and
limits but nothing is required; "Save and continue" requires what the step needs.
"""

from django import forms
from django.core.validators import URLValidator

from core.forms import Form

from ..models import (
    IntakeQuestion,
    InterviewSlot,
)
from ..pdf import TOO_LARGE, clean_pdf

LANGUAGE_ROWS = 5


LEVELS = [
    ("", "Choose a level"),
    ("learning", "Learning: I have written small programs"),
    ("working", "Working: I build things with it at work or in projects"),
    ("proficient", "Proficient: I would lead a project in it"),
    ("expert", "Expert: others come to me with problems in it"),
]


LEVEL_LABELS = dict(LEVELS)


class RadioChoices(forms.RadioSelect):
    template_name = "admissions/widgets/choices.html"


class CheckboxChoices(forms.CheckboxSelectMultiple):
    template_name = "admissions/widgets/choices.html"


def count_words(text):
    return len((text or "").split())


def word_limit_validator(limit):
    def check(value):
        words = count_words(value)
        if words > limit:
            raise forms.ValidationError(
                f"Use {limit} words or fewer: you have used {words}", code="too_many_words"
            )

    return check


class StepForm(Form):
    """A step of the application. `fields_to_save()` returns the Application fields it writes."""

    about_you = True

    def __init__(self, *args, application, draft=False, **kwargs):
        self.application = application
        self.draft = draft
        super().__init__(*args, **kwargs)
        if draft:
            for field in self.fields.values():
                field.required = False

    def fields_to_save(self):
        return {name: self.cleaned_data[name] for name in self.fields}


class PersonalForm(StepForm):
    legal_name = forms.CharField(
        label="Full name", max_length=200, help_text="As it appears on your passport or degree certificate."
    )
    preferred_name = forms.CharField(
        label="What should we call you?", max_length=100, required=False,
    )
    phone = forms.CharField(
        label="Phone number", max_length=40, help_text="Include the country code if outside the UK."
    )
    country_of_residence = forms.CharField(label="Country you live in", max_length=100,
                                           error_messages={"required": "Enter the country you live in"})
    accessibility_needs = forms.CharField(
        label="Accessibility needs or adjustments",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Only the admissions team sees this, never the people who review your application. "
        "It does not affect the decision.",
    )
    circumstances = forms.CharField(
        label="Anything else about your circumstances you want the admissions team to know",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="For example caring responsibilities or a gap in your education. Seen only by the admissions team.",
    )


class EducationForm(StepForm):
    highest_qualification = forms.CharField(
        label="Your highest qualification", max_length=200, help_text="For example BSc (Hons), 2:1."
    )
    qualification_subject = forms.CharField(label="Subject", max_length=200)
    institution = forms.CharField(label="University or college", max_length=200)
    qualification_year = forms.IntegerField(
        label="Year awarded (or expected)", min_value=1950, max_value=2100,
        error_messages=dict.fromkeys(
            ["required", "invalid", "min_value", "max_value"], "Enter the year awarded as 4 numbers, for example 2024"),
    )
    current_role = forms.CharField(label="Your current job title", max_length=200, required=False)
    employer = forms.CharField(label="Employer", max_length=200, required=False)
    work_history = forms.CharField(
        label="Your work so far",
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text="The jobs and projects that matter most, most recent first. 300 words at most.",
        validators=[word_limit_validator(300)],
    )


class CodingForm(StepForm):
    years_coding = forms.IntegerField(
        label="How many years have you been writing code?", min_value=0, max_value=70,
        error_messages={"required": "Enter how many years you have been writing code"},
    )
    code_links = forms.CharField(
        label="Links to your public code or portfolio",
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="One web address per line, for example a GitHub or GitLab profile, a repository or a site you built.",
    )
    built_something = forms.CharField(
        label="Something you built, and why",
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text="What did it do, who was it for, what would you do differently? 400 words at most.",
        validators=[word_limit_validator(400)],
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Languages come first on the page; insert them ahead of the other fields.
        language_fields = {}
        for row in range(1, LANGUAGE_ROWS + 1):
            language_fields[f"language_{row}"] = forms.CharField(
                label=f"Language {row}", max_length=60, required=False,
            )
            language_fields[f"level_{row}"] = forms.ChoiceField(
                label=f"Your level in language {row}", choices=LEVELS, required=False,
            )
        self.fields = {**language_fields, **self.fields}
        if not self.is_bound:
            for row, item in enumerate(self.application.languages[:LANGUAGE_ROWS], start=1):
                self.initial[f"language_{row}"] = item.get("language", "")
                self.initial[f"level_{row}"] = item.get("level", "")
            self.initial["code_links"] = "\n".join(self.application.code_links)

    def language_rows(self):
        return [(self[f"language_{row}"], self[f"level_{row}"]) for row in range(1, LANGUAGE_ROWS + 1)]

    def other_fields(self):
        return [self[name] for name in ("years_coding", "code_links", "built_something")]

    def clean_code_links(self):
        raw = self.cleaned_data.get("code_links") or ""
        links = [line.strip() for line in raw.splitlines() if line.strip()]
        validate = URLValidator(schemes=["http", "https"])
        for link in links:
            try:
                validate(link)
            except forms.ValidationError:
                raise forms.ValidationError(
                    f"Enter each web address on its own line, starting with https:// (“{link[:60]}” is not one)"
                ) from None
        if len(links) > 10:
            raise forms.ValidationError("Give at most 10 links")
        return links

    def clean(self):
        cleaned = super().clean()
        languages = []
        for row in range(1, LANGUAGE_ROWS + 1):
            language = (cleaned.get(f"language_{row}") or "").strip()
            level = cleaned.get(f"level_{row}") or ""
            if language and not level:
                self.add_error(f"level_{row}", f"Choose your level in {language}")
            elif level and not language:
                self.add_error(f"language_{row}", "Enter the language this level is for")
            elif language:
                languages.append({"language": language, "level": level})
        if not languages and not self.draft:
            self.add_error("language_1", "Enter at least one programming language and your level in it")
        cleaned["languages"] = languages
        return cleaned

    def fields_to_save(self):
        return {
            "languages": self.cleaned_data["languages"],
            "years_coding": self.cleaned_data.get("years_coding"),
            "code_links": self.cleaned_data.get("code_links") or [],
            "built_something": self.cleaned_data.get("built_something") or "",
        }


class StatementForm(StepForm):
    personal_statement = forms.CharField(
        label="Your personal statement",
        widget=forms.Textarea(attrs={"rows": 14}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        limit = self.application.intake.statement_word_limit
        field = self.fields["personal_statement"]
        field.help_text = (
            "Why this programme, why now, and what public-good problem you want to work on. "
            f"{limit} words at most."
        )
        field.validators.append(word_limit_validator(limit))
        field.widget.attrs["data-word-limit"] = limit


class QuestionsForm(StepForm):
    """The intake's extra questions. File questions are answered on the documents step."""

    def __init__(self, *args, questions, answers, **kwargs):
        self.questions = [q for q in questions if q.kind != IntakeQuestion.Kind.FILE]
        super().__init__(*args, **kwargs)
        for question in self.questions:
            self.fields[f"q{question.pk}"] = self._field_for(question)
            answer = answers.get(question.pk)
            if answer is not None and not self.is_bound:
                multiple = question.kind == IntakeQuestion.Kind.MULTIPLE_CHOICE
                self.initial[f"q{question.pk}"] = answer.selected if multiple else answer.text
        if self.draft:
            for field in self.fields.values():
                field.required = False

    def _field_for(self, question):
        Kind = IntakeQuestion.Kind
        common = {"label": question.label, "help_text": question.help_text, "required": question.required}
        if question.kind == Kind.LONG_TEXT:
            validators = [word_limit_validator(question.word_limit)] if question.word_limit else []
            if question.word_limit:
                common["help_text"] = f"{question.help_text} {question.word_limit} words at most.".strip()
            return forms.CharField(widget=forms.Textarea(attrs={"rows": 6}), validators=validators, **common)
        if question.kind == Kind.SINGLE_CHOICE:
            return forms.ChoiceField(
                choices=[(c, c) for c in question.choices], widget=RadioChoices, **common
            )
        if question.kind == Kind.MULTIPLE_CHOICE:
            return forms.MultipleChoiceField(
                choices=[(c, c) for c in question.choices], widget=CheckboxChoices, **common
            )
        if question.kind == Kind.URL:
            return forms.URLField(max_length=500, assume_scheme="https", **common)
        return forms.CharField(max_length=500, **common)

    def answers(self):
        """{question: (text, selected)} for the service to store."""
        result = {}
        for question in self.questions:
            value = self.cleaned_data.get(f"q{question.pk}")
            if question.kind == IntakeQuestion.Kind.MULTIPLE_CHOICE:
                result[question] = ("", list(value or []))
            else:
                result[question] = (value or "", [])
        return result

    def fields_to_save(self):
        return {}


class RefereesForm(StepForm):
    def __init__(self, *args, referees, **kwargs):
        super().__init__(*args, **kwargs)
        by_order = {r.order: r for r in referees}
        for order in (1, 2):
            # The labels sit under "Referee 1" and "Referee 2"; the messages name which one.
            self.fields[f"referee_{order}_name"] = forms.CharField(
                label="Full name", max_length=200,
                error_messages={"required": f"Enter the full name of referee {order}",
                                "max_length": f"Referee {order}'s name must be 200 characters or fewer"},
            )
            self.fields[f"referee_{order}_relationship"] = forms.CharField(
                label="How they know you", max_length=200,
                help_text="For example “My manager at Hackney Council since 2022”.",
                error_messages={"required": f"Enter how referee {order} knows you",
                                "max_length": f"How referee {order} knows you must be 200 characters or fewer"},
            )
            self.fields[f"referee_{order}_email"] = forms.EmailField(
                label="Email address",
                error_messages={"required": f"Enter the email address of referee {order}",
                                "invalid": f"Enter referee {order}'s email address in the correct format, "
                                           "like name@example.org"},
            )
            referee = by_order.get(order)
            if referee is not None and not self.is_bound:
                self.initial[f"referee_{order}_name"] = referee.name
                self.initial[f"referee_{order}_relationship"] = referee.relationship
                self.initial[f"referee_{order}_email"] = referee.email
        if self.draft:
            for field in self.fields.values():
                field.required = False

    def referee_groups(self):
        return [
            (order, [self[f"referee_{order}_{part}"] for part in ("name", "relationship", "email")])
            for order in (1, 2)
        ]

    def clean(self):
        cleaned = super().clean()
        own = self.application.applicant.email.lower()
        emails = []
        for order in (1, 2):
            email = (cleaned.get(f"referee_{order}_email") or "").lower()
            if email and email == own:
                self.add_error(f"referee_{order}_email", "A referee must be someone other than you")
            if email:
                emails.append(email)
        if len(emails) == 2 and emails[0] == emails[1]:
            self.add_error("referee_2_email", "Give two different referees, with different email addresses")
        return cleaned

    def referees(self):
        return [
            {
                "order": order,
                "name": self.cleaned_data.get(f"referee_{order}_name") or "",
                "relationship": self.cleaned_data.get(f"referee_{order}_relationship") or "",
                "email": (self.cleaned_data.get(f"referee_{order}_email") or "").lower(),
            }
            for order in (1, 2)
        ]

    def fields_to_save(self):
        return {}


class PdfField(forms.FileField):
    """A file checked by content: a real PDF of at most 10 MB."""

    def __init__(self, **kwargs):
        kwargs.setdefault("help_text", "A PDF file, 10 MB at most.")
        super().__init__(**kwargs)
        self.widget.attrs.setdefault("accept", "application/pdf,.pdf")

    def clean(self, data, initial=None):
        data = super().clean(data, initial)
        if data and data is not initial:
            # What the service stores: the checked copy without metadata.
            return clean_pdf(data)
        return data


class UploadTooLargeMixin:
    """Shows "too large" for a file the upload handler refused to store."""

    def __init__(self, *args, request=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.too_large = getattr(request, "upload_too_large", set()) if request is not None else set()

    def clean(self):
        cleaned = super().clean()
        for name in self.too_large:
            if name in self.fields:
                self.errors.pop(name, None)
                self.add_error(name, TOO_LARGE)
        return cleaned


class DocumentUploadForm(UploadTooLargeMixin, Form):
    kind = forms.ChoiceField(widget=forms.HiddenInput)
    file = PdfField(label="Choose a PDF file")

    def __init__(self, *args, kinds, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [(k.value, k.label) for k in kinds]


class DeclarationForm(Form):
    declaration = forms.BooleanField(
        label="I confirm that the information in this application is true and complete, "
        "and that the work I point to is my own.",
        error_messages={"required": "Confirm that the information is true and complete"},
    )
    privacy = forms.BooleanField(
        label="I have read the privacy notice and agree to my application being used as it describes.",
        error_messages={"required": "Confirm that you have read the privacy notice"},
    )
    notice_version = forms.CharField(widget=forms.HiddenInput)


class ReferenceForm(UploadTooLargeMixin, Form):
    reference_text = forms.CharField(
        label="Type your reference",
        required=False,
        widget=forms.Textarea(attrs={"rows": 12}),
        help_text="Type it here, upload a PDF below, or both. 1,500 words at most.",
        validators=[word_limit_validator(1500)],
    )
    file = PdfField(label="Upload your reference as a PDF", required=False)

    def clean(self):
        cleaned = super().clean()
        if not self.errors and not (cleaned.get("reference_text") or "").strip() and not cleaned.get("file"):
            raise forms.ValidationError("Type your reference or upload it as a PDF")
        return cleaned


class EvidenceForm(UploadTooLargeMixin, Form):
    file = PdfField(label="Upload evidence (PDF)")


class OfferResponseForm(Form):
    answer = forms.ChoiceField(
        label="Do you accept this offer?",
        choices=[("accept", "I accept the offer"), ("decline", "I decline the offer")],
        widget=RadioChoices,
        error_messages={"required": "Choose whether you accept or decline the offer"},
    )


class WithdrawForm(Form):
    reason = forms.CharField(
        label="Why are you withdrawing?",
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="It helps us improve. It does not affect anything.",
    )


class BookSlotForm(Form):
    slot = forms.ModelChoiceField(queryset=InterviewSlot.objects.none(), widget=RadioChoices,
                                  label="Choose a time", empty_label=None)

    def __init__(self, *args, slots, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["slot"].queryset = slots
        self.fields["slot"].label_from_instance = lambda s: (
            f"{s.starts_words} ({s.duration_minutes} minutes), {s.place}"
        )
