from django.contrib import admin

from core.admin_fallback import register_fallback

from .models import EmailTemplate, OutboundEmail, SentReminder


@admin.register(EmailTemplate)
class EmailTemplateAdmin(admin.ModelAdmin):
    list_display = ["purpose", "subject", "updated_at", "updated_by"]


@admin.register(OutboundEmail)
class OutboundEmailAdmin(admin.ModelAdmin):
    # Read-only: state changes go through notifications.services (the staff outbox).
    list_display = ["subject", "purpose", "state", "created_at", "sent_at", "attempts"]
    list_filter = ["state", "purpose"]
    search_fields = ["subject", "idempotency_key", "message_id"]
    list_select_related = ["recipient"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(SentReminder)
class SentReminderAdmin(admin.ModelAdmin):
    list_display = ["source", "object_key", "offset_seconds", "created_at"]


# Every other model, read-mostly, as a fallback (see core/admin_fallback.py).
register_fallback("notifications", audit={"OutboundEmailObject"})
