from django.contrib import admin

from .models import SentMessage


@admin.register(SentMessage)
class SentMessageAdmin(admin.ModelAdmin):
    """The ledger: read-only evidence of every message, reminder and escalation."""

    list_display = ["claimed_at", "recipient", "subject", "reason", "status", "sent_at", "attempts"]
    list_filter = ["status", "reason"]
    search_fields = ["subject", "recipient__full_name", "key"]
    date_hierarchy = "claimed_at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
