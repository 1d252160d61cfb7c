"""Admin for operators. Staff work on the /staff/theses/ pages; per-supervisor
capacities are set here, on the thesis round."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from core.admin_fallback import register_fallback

from .models import AllocationRun, Milestone, Partner, Proposal, ShowcaseEntry, SupervisorCapacity, ThesisRound


class SupervisorCapacityInline(admin.TabularInline):
    model = SupervisorCapacity
    extra = 1
    autocomplete_fields = ["supervisor"]


class MilestoneInline(admin.TabularInline):
    model = Milestone
    extra = 0


@admin.register(ThesisRound)
class ThesisRoundAdmin(admin.ModelAdmin):
    list_display = ["cohort", "preferences_close_at", "default_supervisor_capacity"]
    inlines = [SupervisorCapacityInline, MilestoneInline]


@admin.register(Partner)
class PartnerAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "contact_email", "approved"]
    list_filter = ["kind", "approved"]
    search_fields = ["name", "contact_email"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Proposal)
class ProposalAdmin(SimpleHistoryAdmin):
    list_display = ["title", "source", "partner", "supervisor", "cohort", "status"]
    list_select_related = ["partner", "supervisor", "cohort__programme", "cohort__academic_year"]
    list_filter = ["status", "source"]
    search_fields = ["title"]
    raw_id_fields = ["partner", "supervisor", "proposed_by_student", "approved_by", "cohort"]


@admin.register(AllocationRun)
class AllocationRunAdmin(admin.ModelAdmin):
    list_display = ["pk", "round", "objective", "state", "created_at", "published_at"]
    list_filter = ["objective", "state"]


@admin.register(ShowcaseEntry)
class ShowcaseEntryAdmin(admin.ModelAdmin):
    list_display = ["proposal", "published", "published_at"]


# Every other model, read-mostly, as a fallback (see core/admin_fallback.py).
register_fallback("theses")
