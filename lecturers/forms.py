"""Forms for staff (profiles, invitations, actions) and for the lecturer's link page."""

import datetime

from crispy_forms.layout import Column, Fieldset, Layout, Row
from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db.models.fields.files import FieldFile
from django.urls import reverse
from django.utils.functional import cached_property

from accounts.models import User
from accounts.roles import Role
from core.forms import DateField, Form, FormHelper, ModelForm, TimeField
from curriculum.models import ModuleOffering
from timetable.models import Room
from timetable.timezones import aware, default_zone

from .models import Discipline, GuestLecturer, Invitation
from .photos import clean_photo
from .services import MAX_SLOTS, SlotSpec

PHOTO_HINT = "A JPEG, PNG or WebP image smaller than 5 MB. We resize it and remove its metadata (such as location)."


class PhotoInput(forms.FileInput):
    """A file input that shows the current photo through a permission-checked view.

    Django's ClearableFileInput links the stored file by its storage URL, and
    the private photo store has none (that is the point of it). Keeping,
    replacing and removing are the empty input, a new file, and the form's own
    "Remove" checkbox.
    """

    template_name = "lecturers/widgets/photo_input.html"

    def __init__(self, attrs=None, *, current_url=None, current_alt=""):
        super().__init__(attrs)
        self.current_url = current_url
        self.current_alt = current_alt

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        context["widget"].update(current_url=self.current_url, current_alt=self.current_alt)
        return context


class PhotoField(forms.FileField):
    widget = PhotoInput(attrs={"accept": "image/jpeg,image/png,image/webp"})

    def show_current(self, *, url, alt):
        self.widget.current_url = url
        self.widget.current_alt = alt

    def clean(self, data, initial=None):
        data = super().clean(data, initial)
        if data is None or data is False or data is initial:
            return data
        return clean_photo(data)


def _clean_links(text):
    validate = URLValidator(schemes=["http", "https"])
    lines = [line.strip() for line in (text or "").splitlines() if line.strip()]
    for line in lines:
        try:
            validate(line)
        except ValidationError:
            raise ValidationError(f"“{line}” is not a web address. Give one full address a line, "
                                  "starting https://") from None
    return "\n".join(lines)


class LecturerForm(ModelForm):
    photo = PhotoField(required=False, help_text=PHOTO_HINT)
    remove_photo = forms.BooleanField(required=False, label="Remove the current photo")

    class Meta:
        model = GuestLecturer
        fields = [
            "full_name", "organisation", "role", "disciplines", "topics", "bio", "photo", "links", "email", "phone",
            "access_needs", "staff_notes", "public_profile_consent",
        ]
        labels = {
            "full_name": "Name", "role": "Role", "bio": "Biography", "links": "Links",
            "email": "Email address", "phone": "Phone number", "access_needs": "Access needs",
            "staff_notes": "Notes for staff",
            "public_profile_consent": "They agreed to a public profile on this site",
        }
        widgets = {
            "disciplines": forms.CheckboxSelectMultiple,
            "bio": forms.Textarea(attrs={"rows": 8}),
            "links": forms.Textarea(attrs={"rows": 3}),
            "access_needs": forms.Textarea(attrs={"rows": 3}),
            "staff_notes": forms.Textarea(attrs={"rows": 3}),
            "email": forms.EmailInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["disciplines"].queryset = Discipline.objects.order_by("name")
        if not (self.instance.pk and self.instance.photo):
            del self.fields["remove_photo"]
        else:
            self.fields["photo"].show_current(url=reverse("lecturers:person-photo", args=[self.instance.pk]),
                                              alt=f"Current photo of {self.instance.full_name}")

    def clean_links(self):
        return _clean_links(self.cleaned_data.get("links"))

    def clean_email(self):
        email = self.cleaned_data["email"].strip()
        clash = GuestLecturer.objects.filter(email__iexact=email).exclude(pk=self.instance.pk).first()
        if clash is not None:
            raise ValidationError(f"{clash.full_name} already has a profile with this address: one person, "
                                  "one profile.")
        return email

    def service_fields(self):
        data = dict(self.cleaned_data)
        photo = data.pop("photo", None)
        remove = data.pop("remove_photo", False)
        disciplines = data.pop("disciplines", [])
        # With no new file the field gives back the stored photo itself (a FieldFile): that is "keep".
        new_photo = photo if hasattr(photo, "read") and not isinstance(photo, FieldFile) else None
        return {"photo": new_photo, "remove_photo": remove,
                "disciplines": disciplines, **data}


def staff_users():
    return User.objects.filter(groups__name=str(Role.STAFF), is_active=True).distinct().order_by("full_name")


class StaffChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.full_name or obj.email} ({obj.email})"


class OfferingChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.module.code} {obj.module.title} — {obj.term}"


class LecturerChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.full_name}{' — ' + obj.organisation if obj.organisation else ''}"


class SlotFieldsMixin:
    """Three optional slot rows: date, start, end, room or online link. At least one is needed."""

    slot_numbers = range(1, MAX_SLOTS + 1)

    def add_slot_fields(self):
        rooms = Room.objects.filter(is_active=True).order_by("name")
        for n in self.slot_numbers:
            first = n == 1
            self.fields[f"slot{n}_date"] = DateField(required=first, label="Date")
            self.fields[f"slot{n}_start"] = TimeField(required=first, label="Start time")
            self.fields[f"slot{n}_end"] = TimeField(required=first, label="End time")
            self.fields[f"slot{n}_room"] = forms.ModelChoiceField(
                rooms, required=False, label="Room", empty_label="Online (no room)")
            self.fields[f"slot{n}_online_url"] = forms.URLField(
                required=False, label="Online link", assume_scheme="https",
                help_text="Only for an online lecture.")

    @cached_property
    def slot_helper(self):
        """The times as a grid, one box each: the date, start and end on a line, then where.

        On a phone the date takes the whole width and the two times share a line. The page
        shows the error summary for the whole form, so this part leaves it out.
        """
        helper = FormHelper()
        helper.form_show_errors = False
        helper.layout = Layout(*(
            Fieldset(
                f"Time {n}" if n == 1 else f'Time {n} <span class="optional">(optional)</span>',
                Row(Column(f"slot{n}_date", css_class="col-12 col-lg-6"),
                    Column(f"slot{n}_start", css_class="col-6 col-lg-3"),
                    Column(f"slot{n}_end", css_class="col-6 col-lg-3")),
                Row(Column(f"slot{n}_room", css_class="col-12 col-md-6"),
                    Column(f"slot{n}_online_url", css_class="col-12 col-md-6")),
                template="lecturers/partials/slot_fieldset.html",
            )
            for n in self.slot_numbers
        ))
        return helper

    def clean_slots(self, cleaned):
        zone = default_zone()
        slots = []
        for n in self.slot_numbers:
            date, start, end = (cleaned.get(f"slot{n}_{p}") for p in ("date", "start", "end"))
            room, url = cleaned.get(f"slot{n}_room"), cleaned.get(f"slot{n}_online_url") or ""
            if not any([date, start, end, room, url]):
                continue
            if not (date and start and end):
                self.add_error(f"slot{n}_date", f"Time {n}: give the date, the start and the end.")
                continue
            if end <= start:
                self.add_error(f"slot{n}_end", f"Time {n}: the lecture must end after it starts.")
                continue
            if room is None and not url:
                self.add_error(f"slot{n}_room", f"Time {n}: choose a room, or give the link of an online lecture.")
                continue
            starts_at = aware(date, start, zone)
            if starts_at <= datetime.datetime.now(tz=zone):
                self.add_error(f"slot{n}_date", f"Time {n}: choose a date in the future.")
                continue
            slots.append(SlotSpec(starts_at, aware(date, end, zone), room, url if room is None else ""))
        return slots


class InvitationForm(SlotFieldsMixin, Form):
    lecturer = LecturerChoiceField(
        GuestLecturer.objects.none(), required=False, label="A lecturer we know",
        empty_label="Someone new (fill in below)",
    )
    new_name = forms.CharField(required=False, max_length=200, label="Name of someone new",
                               help_text="As it should appear in print, e.g. “Dr Amara Osei”.")
    new_email = forms.EmailField(required=False, label="Their email address",
                                 help_text="If they already have a profile, we use it.")
    new_organisation = forms.CharField(required=False, max_length=200, label="Their organisation")
    offering = OfferingChoiceField(ModuleOffering.objects.none(), label="Module")
    topic = forms.CharField(max_length=200, label="Topic", help_text="What we would like them to speak about.")
    host = StaffChoiceField(User.objects.none(), label="Host",
                            help_text="Meets them on the day and answers their questions.")
    message = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 4}), label="Personal note",
                              help_text="Opens the invitation mail.")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["lecturer"].queryset = GuestLecturer.objects.order_by("full_name")
        self.fields["offering"].queryset = ModuleOffering.objects.select_related("module", "term__academic_year") \
            .order_by("-term__starts_on", "module__code")
        self.fields["host"].queryset = staff_users()
        self.add_slot_fields()

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("lecturer") is None:
            if not cleaned.get("new_name"):
                self.add_error("new_name", "Choose a lecturer we know, or give the name of someone new.")
            if not cleaned.get("new_email"):
                self.add_error("new_email", "Give the new lecturer's email address.")
        slots = self.clean_slots(cleaned)
        if not slots and not any(k.startswith("slot") for k in self.errors):
            self.add_error("slot1_date", "Offer at least one time.")
        cleaned["slots"] = slots
        return cleaned


class NewTimesForm(SlotFieldsMixin, Form):
    message = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 3}),
                              label="A note with the new times")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.add_slot_fields()

    def clean(self):
        cleaned = super().clean()
        slots = self.clean_slots(cleaned)
        if not slots and not any(k.startswith("slot") for k in self.errors):
            self.add_error("slot1_date", "Offer at least one time.")
        cleaned["slots"] = slots
        return cleaned


class ReasonForm(Form):
    reason = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), label="Why is it cancelled?",
                             error_messages={"required": "Enter why the lecture is cancelled"},
                             help_text="The lecturer reads this, and so do the students if the lecture was in "
                                       "the timetable.")


# The lecturer's link page ----------------------------------------------------------


class ChooseSlotForm(Form):
    slot = forms.ModelChoiceField(queryset=None, widget=forms.RadioSelect, label="Which time suits you?",
                                  empty_label=None, error_messages={"required": "Select the time that suits you"})

    def __init__(self, *args, invitation, **kwargs):
        super().__init__(*args, **kwargs)
        slots = [s for s in invitation.slots.all() if not s.withdrawn]
        self.fields["slot"].queryset = invitation.slots.filter(withdrawn=False)
        self.fields["slot"].label_from_instance = lambda s: f"{s} (UK time), {s.where}"
        self.slot_list = slots


class DeclineForm(Form):
    reason = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 3}),
                             label="Would you like to tell us why?")


class AlternativeForm(Form):
    note = forms.CharField(widget=forms.Textarea(attrs={"rows": 4}), label="Which days or times would suit you?",
                           error_messages={"required": "Enter the days or times that would suit you"},
                           help_text="For example “Any Thursday afternoon in February”. We will send new times.")


class WithdrawForm(Form):
    reason = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), label="Why can you no longer come?",
                             error_messages={"required": "Enter why you can no longer come"},
                             help_text="Your host and the students are told that the lecture is cancelled.")


class ConfirmDetailsForm(Form):
    about_you = True

    bio = forms.CharField(
        required=False, widget=forms.Textarea(attrs={"rows": 8}), label="Your biography",
        help_text="A few sentences in the third person. You may use Markdown (**bold**, [links](https://…)).")
    photo = PhotoField(required=False, label="Your photo", help_text=PHOTO_HINT)
    remove_photo = forms.BooleanField(required=False, label="Remove my current photo")
    public_profile_consent = forms.BooleanField(
        required=False, label="Show my name, role, biography and photo on this site's public list of guest lecturers",
        help_text="You can change your mind at any time by writing to your host.")
    recording_consent = forms.TypedChoiceField(
        choices=[("yes", "Yes, you may record the lecture for the module's students"),
                 ("no", "No, please do not record it")],
        coerce=lambda v: v == "yes", widget=forms.RadioSelect, label="May we record the lecture?",
        error_messages={"required": "Select whether we may record the lecture"})
    av_needs = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 3}),
                               label="Equipment you need",
                               help_text="Slides from your laptop, sound, a clicker, a video link…")
    access_needs = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 3}),
                                   label="Access needs", help_text="Anything that would make the day easier for you. "
                                   "Only your host and the programme staff see this.")
    travel = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 3}), label="Travel",
                             help_text="How you will travel, and anything we should book or refund.")
    phone = forms.CharField(required=False, max_length=40, label="Phone number for the day",
                            widget=forms.TextInput(attrs={"autocomplete": "tel", "type": "tel"}))

    def __init__(self, *args, lecturer, **kwargs):
        super().__init__(*args, **kwargs)
        if not lecturer.photo:
            del self.fields["remove_photo"]


def confirm_initial(invitation):
    lecturer = invitation.lecturer
    initial = {
        "bio": lecturer.bio, "public_profile_consent": lecturer.public_profile_consent,
        "av_needs": invitation.av_needs, "access_needs": lecturer.access_needs, "travel": invitation.travel,
        "phone": lecturer.phone,
    }
    if invitation.recording_consent is not None:
        initial["recording_consent"] = "yes" if invitation.recording_consent else "no"
    return initial


class InvitationFilterForm(Form):
    """The staff index's filters, kept in the URL."""

    says_optional = False

    state = forms.ChoiceField(choices=[("", "Any state"), *Invitation.State.choices], required=False, label="State")
    year = forms.ChoiceField(required=False, label="Academic year")

    def __init__(self, *args, years=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].choices = [(y.slug, y.name) for y in years]
