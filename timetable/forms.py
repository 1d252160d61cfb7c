"""Forms for staff: a session, a weekly series, changes to a series, cancelling, CSV import."""

import hashlib

import django_filters
from django import forms
from django.contrib.auth import get_user_model

from accounts.roles import Role
from core.forms import DateField, FilterForm, Form, TimeField
from curriculum.models import Cohort, Module, ModuleOffering, Programme, Term

from .models import Room, Session, SessionKind


def week_messages(which):
    """Messages for a teaching-week number, whose label ("From teaching week") reads badly inside a sentence."""
    number = "Enter the number of the teaching week, from 1 to 52"
    return {"required": f"Enter the {which} teaching week", "invalid": number, "min_value": number,
            "max_value": number}


WEEKDAYS = [(0, "Monday"), (1, "Tuesday"), (2, "Wednesday"), (3, "Thursday"), (4, "Friday"), (5, "Saturday"),
            (6, "Sunday")]


class OfferingChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.module.code} {obj.module.title} ({obj.term})"


class TeacherChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return obj.full_name or obj.email


def staff_users():
    return get_user_model().objects.filter(groups__name=str(Role.STAFF), is_active=True).order_by("full_name")


def offering_choices():
    return ModuleOffering.objects.select_related("module", "term__academic_year").order_by(
        "-academic_year__starts_on", "term__starts_on", "module__code"
    )


class WhereMixin(Form):
    """Where sessions take place (a room, or a link for an online one), who teaches them, and
    when they end: the fields and checks the session, series and series-change forms share."""

    room = forms.ModelChoiceField(queryset=Room.objects.filter(is_active=True), required=False)
    online_url = forms.URLField(required=False, assume_scheme="https", label="Online link",
                                 help_text="Instead of a room.")
    teachers = TeacherChoiceField(queryset=get_user_model().objects.none(), required=False, label="Taught by",
                                  widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["teachers"].queryset = staff_users()

    def clean(self):
        data = super().clean()
        if not data.get("room") and not data.get("online_url"):
            self.add_error("room", "Choose a room, or give the link of an online session.")
        start, end = data.get("start_time"), data.get("end_time")
        if start and end and end <= start:
            self.add_error("end_time", "The end time must be after the start time.")
        return data


def warnings_digest(warnings):
    return hashlib.sha256("\n".join(warnings).encode()).hexdigest()[:16]


class SaveAnywayMixin(Form):
    """A "Save anyway" box that counts only for the warnings the person was shown.

    The page carries a digest of the warnings it showed; if the details change
    so that the warnings differ (a new date outside the term, say), the box no
    longer counts and is shown unticked beside the new warnings.
    """

    save_anyway = forms.BooleanField(
        required=False, label="Save anyway",
        help_text="Tick to save even though the warnings above apply.",
    )
    warnings_seen = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, warnings=(), **kwargs):
        super().__init__(*args, **kwargs)
        if not warnings:
            self.fields["save_anyway"].widget = forms.HiddenInput()
        elif self.is_bound:
            digest = warnings_digest(warnings)
            data = self.data.copy()
            if data.get("warnings_seen") != digest:
                data.pop("save_anyway", None)
            data["warnings_seen"] = digest
            self.data = data

    def accepts(self, warnings):
        """True when there are no warnings, or the person ticked the box beside these very warnings."""
        if not warnings:
            return True
        return bool(self.cleaned_data.get("save_anyway")) and \
            self.cleaned_data.get("warnings_seen") == warnings_digest(warnings)


class BookingMixin(WhereMixin):
    """What a new session or series books: the offering, the kind, the cohorts, and whether
    the public timetable shows it."""

    offering = OfferingChoiceField(queryset=ModuleOffering.objects.none(), label="Module offering")
    kind = forms.ChoiceField(choices=SessionKind.choices, label="Kind of session")
    cohorts = forms.ModelMultipleChoiceField(queryset=Cohort.objects.none(), required=False,
                                             widget=forms.CheckboxSelectMultiple,
                                             help_text="Core modules book the whole cohort; optional ones do not.")
    expected_attendance = forms.IntegerField(min_value=1, required=False,
                                             help_text="Leave blank to count the students enrolled in its cohorts.")
    is_published = forms.BooleanField(required=False, initial=True, label="Show on the public timetable")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["offering"].queryset = offering_choices()
        self.fields["cohorts"].queryset = Cohort.objects.select_related("academic_year")


class SessionForm(BookingMixin, SaveAnywayMixin, Form):
    title = forms.CharField(max_length=200, required=False, label="Topic", help_text="For example “Week 3: Open data”.")
    date = DateField()
    start_time = TimeField(label="Start time")
    end_time = TimeField(label="End time")

    field_order = ["offering", "kind", "title", "date", "start_time", "end_time", "room", "online_url", "teachers",
                   "cohorts", "expected_attendance", "is_published", "save_anyway", "warnings_seen"]

    @staticmethod
    def initial_from(session, zone):
        start = session.starts_at.astimezone(zone)
        return {
            "offering": session.offering_id, "kind": session.kind, "title": session.title, "date": start.date(),
            "start_time": start.time(), "end_time": session.ends_at.astimezone(zone).time(),
            "room": session.room_id, "online_url": session.online_url,
            "teachers": [t.pk for t in session.teachers.all()], "cohorts": [c.pk for c in session.cohorts.all()],
            "expected_attendance": session.expected_attendance, "is_published": session.is_published,
        }


class SeriesForm(BookingMixin, SaveAnywayMixin, Form):
    title = forms.CharField(max_length=200, required=False, label="Topic")
    weekday = forms.TypedChoiceField(choices=WEEKDAYS[:5], coerce=int, label="Day of the week")
    start_time = TimeField(label="Start time")
    end_time = TimeField(label="End time")
    first_week = forms.IntegerField(min_value=1, max_value=52, initial=1, label="From teaching week",
                                    error_messages=week_messages("first"))
    last_week = forms.IntegerField(min_value=1, max_value=52, initial=10, label="To teaching week",
                                   error_messages=week_messages("last"),
                                   help_text="Reading week and closure dates are left out.")

    field_order = ["save_anyway", "warnings_seen", "offering", "kind", "title", "weekday", "start_time", "end_time",
                   "first_week", "last_week", "room", "online_url", "teachers", "cohorts", "expected_attendance",
                   "is_published"]

    def clean(self):
        data = super().clean()
        first, last = data.get("first_week"), data.get("last_week")
        if first and last and last < first:
            self.add_error("last_week", "The last week must not come before the first week.")
        return data


class SeriesEditForm(WhereMixin, SaveAnywayMixin, Form):
    from_week = forms.IntegerField(min_value=1, max_value=52, label="Change from teaching week",
                                   error_messages=week_messages("first changed"),
                                   help_text="Sessions in earlier weeks stay as they are.")
    weekday = forms.TypedChoiceField(choices=WEEKDAYS[:5], coerce=int, label="Day of the week")
    start_time = TimeField(label="Start time")
    end_time = TimeField(label="End time")
    title = forms.CharField(max_length=200, required=False, label="Topic")

    field_order = ["save_anyway", "warnings_seen", "from_week", "weekday", "start_time", "end_time", "room",
                   "online_url", "teachers", "title"]


class SeriesMoveForm(Form):
    weeks = forms.TypedChoiceField(
        choices=[(1, "One week later"), (2, "Two weeks later"), (-1, "One week earlier")], coerce=int,
        initial=1, label="Move by", error_messages={"required": "Select how far to move the sessions"},
    )
    from_week = forms.IntegerField(min_value=1, max_value=52, required=False, label="From teaching week",
                                   error_messages=week_messages("first"),
                                   help_text="Leave blank to move every session that is not cancelled.")


class CancelForm(Form):
    reason = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}), max_length=1000, label="Why is it cancelled?",
        help_text="Students and staff receive this in an email and see it on the timetable.",
        error_messages={"required": "Enter why the session is cancelled"},
    )


class ImportForm(Form):
    term = forms.ModelChoiceField(queryset=Term.objects.select_related("academic_year"),
                                  help_text="Module codes in the file are matched to their offering in this term.")
    file = forms.FileField(
        label="CSV file", required=False,
        help_text="Columns: module, kind, date, start, end, room, online_url, teachers, cohorts, title. "
                  "Separate several teachers (email addresses) or cohorts (short names) with “;”.",
    )
    csv_text = forms.CharField(widget=forms.HiddenInput, required=False)

    def clean(self):
        data = super().clean()
        upload = data.get("file")
        if upload:
            raw = upload.read()
            if len(raw) > 2_000_000:
                raise forms.ValidationError("The file is larger than 2 MB; split it into terms.")
            try:
                data["csv_text"] = raw.decode("utf-8-sig")
            except UnicodeDecodeError:
                self.add_error("file", "The file must be a CSV saved as UTF-8.")
        elif not data.get("csv_text"):
            self.add_error("file", "Choose a CSV file to check.")
        return data


class SessionFilter(django_filters.FilterSet):
    """Public filters; they live in the URL so a view can be bookmarked and shared."""

    programme = django_filters.ModelChoiceFilter(
        queryset=Programme.objects.published(), to_field_name="slug",
        field_name="offering__module__placements__programme", distinct=True, empty_label="All programmes",
        label="Programme",
    )
    module = django_filters.ModelChoiceFilter(
        queryset=Module.objects.published(), to_field_name="slug", field_name="offering__module",
        empty_label="All modules", label="Module",
    )
    room = django_filters.ModelChoiceFilter(
        queryset=Room.objects.filter(is_active=True), to_field_name="slug", field_name="room",
        empty_label="All rooms", label="Room",
    )

    class Meta:
        model = Session
        form = FilterForm
        fields = ["programme", "module", "room"]


class RoomForm(Form):
    name = forms.CharField(max_length=80, label="Name", help_text="As on the door, for example “B12” or "
                                                                 "“Lecture Theatre 1”.")
    building = forms.CharField(max_length=120, required=False)
    capacity = forms.IntegerField(min_value=1, label="Seats", help_text="How many people it seats.",
                                  error_messages={"required": "Enter how many people the room seats",
                                                  "min_value": "Enter how many people the room seats, 1 or more",
                                                  "invalid": "Enter how many people the room seats, as a number"})
    accessibility_notes = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), required=False,
                                          label="Accessibility",
                                          help_text="Step-free access, hearing loop, accessible toilets nearby…")
    equipment_notes = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), required=False, label="Equipment",
                                      help_text="Projector, lab machines, whiteboards…")
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    @staticmethod
    def initial_from(room):
        return {**{f: getattr(room, f) for f in ("name", "building", "capacity", "accessibility_notes",
                                                  "equipment_notes")}, "version": room.version}


class RoomListForm(FilterForm):
    status = forms.ChoiceField(choices=[("active", "In use"), ("inactive", "Out of use"), ("all", "All rooms")],
                               required=False, label="Show")
