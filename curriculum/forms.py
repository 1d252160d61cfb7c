"""Forms for the catalogue: the public filters and the staff module editor."""

from crispy_forms.layout import Field, Layout
from django import forms
from django.contrib.auth import get_user_model
from django.utils.text import slugify

from accounts.roles import Role
from core.forms import BaseFormSet, Form, ModelForm

from . import rules
from .models import AcademicYear, AssessmentComponent, Module, ProgrammeModule, PublicationStatus, Season
from .search import MAX_QUERY_LENGTH, synonym_problems


class CatalogueFilterForm(Form):
    """The public catalogue's search and filters (GET; every choice stays in the URL)."""

    says_optional = False

    q = forms.CharField(label="Search modules", required=False, help_text="For example privacy, statistics or design.")
    programme = forms.ChoiceField(label="Programme", required=False)
    term = forms.ChoiceField(label="Term", required=False, choices=[("", "Any term"), *Season.choices])
    kind = forms.ChoiceField(
        label="Core or optional", required=False, choices=[("", "Either"), *ProgrammeModule.Kind.choices]
    )
    level = forms.ChoiceField(label="Level", required=False)
    credits = forms.ChoiceField(label="Credits", required=False)
    theme = forms.ChoiceField(label="Theme", required=False)

    def __init__(self, *args, choices, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["programme"].choices = [("", "Any programme"), *choices["programmes"]]
        self.fields["theme"].choices = [("", "Any theme"), *choices["themes"]]
        self.fields["credits"].choices = [("", "Any"), *((str(c), f"{c} credits") for c in choices["credits"])]
        self.fields["level"].choices = [("", "Any"), *((str(lv), f"Level {lv}") for lv in choices["levels"])]
        self.fields["q"].widget.attrs.update({"type": "search", "maxlength": MAX_QUERY_LENGTH * 4})
        for field in self.fields.values():
            # Every filter is optional; saying so on each one is noise.
            field.template_name = "curriculum/partials/filter_field.html"

    def filters(self):
        """The valid filters; an unknown choice in the URL is ignored, not an error."""
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        values = {name: data.get(name) for name in self.fields if name not in self.errors}
        # The query is kept even when invalid for length: the selector cleans and caps it.
        values["q"] = (self.data.get("q") or "")[: MAX_QUERY_LENGTH * 4]
        return {k: v for k, v in values.items() if v}


class StaffModuleFilterForm(Form):
    says_optional = False

    q = forms.CharField(label="Code or title", required=False)
    status = forms.ChoiceField(
        label="Status", required=False,
        choices=[("", "Any"), *PublicationStatus.choices, ("changes", "Published, with unpublished changes")],
    )
    programme = forms.ChoiceField(label="Programme", required=False)
    mine = forms.BooleanField(label="Only modules I lead", required=False)

    def __init__(self, *args, programmes, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["programme"].choices = [("", "Any programme"), *programmes]
        for name in ("q", "status", "programme"):
            self.fields[name].template_name = "curriculum/partials/filter_field.html"


def staff_users():
    return get_user_model().objects.filter(groups__name=str(Role.STAFF), is_active=True).order_by("full_name")


class ModuleForm(ModelForm):
    """A module's own fields. Outcomes and assessments are formsets beside it."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Module
        fields = ["code", "title", "slug", "summary", "description", "credits", "level", "leader", "themes",
                  "prerequisites"]
        labels = {"slug": "Web address", "leader": "Module leader"}
        help_texts = {
            "code": "For example MPT7004. Unique across the catalogue.",
            "slug": "The end of the page's address, /modules/…/. Leave empty to make one from the title.",
            "summary": "One or two sentences, shown in the catalogue and search results.",
            "description": "Markdown: **bold**, lists, [links](https://example.org). Scripts and embeds are removed.",
            "prerequisites": "Modules a student must have taken first.",
        }
        widgets = {
            "summary": forms.Textarea(attrs={"rows": 3}),
            "description": forms.Textarea(attrs={"rows": 10}),
            "themes": forms.CheckboxSelectMultiple,
            "prerequisites": forms.CheckboxSelectMultiple,
        }
        error_messages = {
            "code": {"unique": "Another module already has this code. Choose a different one."},
            "slug": {"unique": "Another module already uses this web address. Choose a different one."},
        }

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["slug"].required = False
        leaders = staff_users()
        if self.instance.leader_id:
            leaders = leaders | get_user_model().objects.filter(pk=self.instance.leader_id)
        self.fields["leader"].queryset = leaders.distinct()
        self.fields["leader"].label_from_instance = lambda u: u.full_name or u.email
        self.fields["prerequisites"].queryset = Module.objects.exclude(pk=self.instance.pk).only("code", "title")
        if not self._user_can_reassign(user):
            self.fields["leader"].disabled = True
            self.fields["leader"].help_text = "Only staff who edit every module can change the leader."
        # Each list of checkboxes in two columns on a wide screen (curriculum.css).
        self.helper.layout = Layout(
            "code", "title", "slug", "summary", "description", "credits", "level", "leader",
            Field("themes", wrapper_class="choice-columns"),
            Field("prerequisites", wrapper_class="choice-columns"),
            "version",
        )

    @staticmethod
    def _user_can_reassign(user):
        from .permissions import can_reassign_leader

        return can_reassign_leader(user)

    def _clean_text(self, name):
        # Browsers send textarea line breaks as CRLF; store them as LF so that an
        # untouched field never shows up as changed in the history.
        return (self.cleaned_data.get(name) or "").replace("\r\n", "\n").replace("\r", "\n")

    def clean_summary(self):
        return self._clean_text("summary")

    def clean_description(self):
        return self._clean_text("description")

    def clean_code(self):
        return self.cleaned_data["code"].strip().upper()

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("slug") and cleaned.get("title"):
            cleaned["slug"] = slugify(cleaned["title"])[:200]
            self.instance.slug = cleaned["slug"]
        prerequisites = cleaned.get("prerequisites")
        if prerequisites is not None and self.instance.pk:
            cycle = rules.prerequisite_cycle(self.instance.pk, [m.pk for m in prerequisites])
            if cycle:
                self.add_error("prerequisites", rules.cycle_message(cycle))
        return cleaned

    def validate_unique(self):
        # The slug may have been made from the title in clean(): check it too.
        super().validate_unique()
        slug = self.cleaned_data.get("slug")
        taken = slug and Module.objects.exclude(pk=self.instance.pk).filter(slug=slug).exists()
        if taken and "slug" not in self.errors:
            self.add_error("slug", "Another module already uses this web address. Choose a different one.")


class OutcomeForm(Form):
    text = forms.CharField(label="Learning outcome", max_length=500, widget=forms.Textarea(attrs={"rows": 2}))

    def clean_text(self):
        return " ".join(self.cleaned_data["text"].split())


class AssessmentForm(Form):
    title = forms.CharField(label="Component", max_length=200)
    # An empty first choice, so that an untouched extra row counts as empty and is ignored.
    kind = forms.ChoiceField(label="Kind", choices=[("", "Choose a kind"), *AssessmentComponent.Kind.choices])
    weight = forms.IntegerField(label="Weight (%)", min_value=1, max_value=100)


class BaseOutcomeFormSet(BaseFormSet):
    def clean(self):
        if any(self.errors):
            return
        if not self.texts():
            raise forms.ValidationError("Add at least one learning outcome.")

    def texts(self):
        return [f.cleaned_data["text"] for f in self.forms if f.cleaned_data and not f.cleaned_data.get("DELETE")]


class BaseAssessmentFormSet(BaseFormSet):
    def clean(self):
        if any(self.errors):
            return
        problem = rules.weights_problem(item["weight"] for item in self.items())
        if problem:
            raise forms.ValidationError(problem)

    def items(self):
        return [
            {"title": f.cleaned_data["title"], "kind": f.cleaned_data["kind"], "weight": f.cleaned_data["weight"]}
            for f in self.forms
            if f.cleaned_data and not f.cleaned_data.get("DELETE")
        ]


OutcomeFormSet = forms.formset_factory(OutcomeForm, formset=BaseOutcomeFormSet, extra=1, can_delete=True,
                                       max_num=30, validate_max=True)
AssessmentFormSet = forms.formset_factory(AssessmentForm, formset=BaseAssessmentFormSet, extra=1,
                                          can_delete=True, max_num=10, validate_max=True)


class RollForwardForm(Form):
    from_year = forms.ModelChoiceField(label="Copy the offerings of", queryset=AcademicYear.objects.all(),
                                       error_messages={"required": "Select the academic year to copy from"})
    to_year = forms.ModelChoiceField(
        label="Into the academic year", queryset=AcademicYear.objects.all(),
        error_messages={"required": "Select the academic year to copy into"},
        help_text="Offerings already planned there are left as they are.",
    )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("from_year") and cleaned.get("from_year") == cleaned.get("to_year"):
            self.add_error("to_year", "Choose a different year from the one you copy.")
        return cleaned


class SearchSynonymForm(Form):
    term = forms.CharField(
        label="Term", max_length=40,
        help_text="One word people search for that the module pages may not use, for example ux or a11y.",
        error_messages={"required": "Enter the word people search for, for example ux",
                        "max_length": "Enter a term of 40 characters or fewer"},
    )
    expansion = forms.CharField(
        label="Stands for", max_length=200,
        help_text="The words the module pages use. Separate alternatives with commas, "
                  "for example: data protection, privacy.",
        error_messages={"required": "Enter what the term stands for, for example user experience",
                        "max_length": "Enter 200 characters or fewer"},
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def clean(self):
        cleaned = super().clean()
        if "term" in cleaned and "expansion" in cleaned:
            for name, message in synonym_problems(cleaned["term"], cleaned["expansion"]).items():
                self.add_error(name, message)
        return cleaned
