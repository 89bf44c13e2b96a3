from django.contrib import admin

from .models import TrailEntry

# django-auditlog registers its own admin for the log model; ours is read-only.
if admin.site.is_registered(TrailEntry):
    admin.site.unregister(TrailEntry)


@admin.register(TrailEntry)
class TrailEntryAdmin(admin.ModelAdmin):
    """Read-only: QA administrators can see who read or changed what, never edit it."""

    list_display = ["sequence", "timestamp", "actor_email", "action", "content_type", "object_repr", "remote_addr"]
    list_filter = ["action", "content_type"]
    search_fields = ["object_repr", "actor_email", "object_pk"]
    date_hierarchy = "timestamp"
    list_select_related = ["content_type"]
    show_full_result_count = False

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
