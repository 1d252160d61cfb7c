from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from core.admin_fallback import register_fallback

from .models import Application, Decision, Intake, IntakeQuestion, Offer, OfferCondition, PrivacyNotice, Referee


class IntakeQuestionInline(admin.TabularInline):
    model = IntakeQuestion
    extra = 0


@admin.register(Intake)
class IntakeAdmin(SimpleHistoryAdmin):
    list_display = ["title", "programme", "academic_year", "mode", "opens_at", "closes_at", "capacity", "is_published"]
    list_filter = ["programme", "academic_year", "mode", "is_published"]
    prepopulated_fields = {"slug": ["title"]}
    inlines = [IntakeQuestionInline]


@admin.register(PrivacyNotice)
class PrivacyNoticeAdmin(admin.ModelAdmin):
    list_display = ["version", "title", "published_at"]


class RefereeInline(admin.TabularInline):
    model = Referee
    extra = 0
    fields = ["order", "name", "relationship", "email", "requested_at", "received_at"]
    readonly_fields = ["requested_at", "received_at"]


@admin.register(Application)
class ApplicationAdmin(SimpleHistoryAdmin):
    list_display = ["applicant", "intake", "state", "submitted_at"]
    list_filter = ["intake", "state"]
    search_fields = ["applicant__email", "applicant__full_name", "legal_name"]
    raw_id_fields = ["applicant"]
    inlines = [RefereeInline]


class OfferConditionInline(admin.TabularInline):
    model = OfferCondition
    extra = 0


@admin.register(Offer)
class OfferAdmin(SimpleHistoryAdmin):
    list_display = ["application", "state", "conditional", "respond_by"]
    inlines = [OfferConditionInline]


@admin.register(Decision)
class DecisionAdmin(SimpleHistoryAdmin):
    list_display = ["application", "outcome", "released_at", "superseded_at"]


# Every other model, read-mostly, as a fallback (see core/admin_fallback.py).
register_fallback("admissions", audit={"DocumentAccess"})
