from django.contrib import admin

from .models import Activity, Audit, AuditTool, Programme, SectionJudgement, ToolVersion


class ToolVersionInline(admin.TabularInline):
    model = ToolVersion
    extra = 0
    fields = ["number", "scale", "created_at", "created_by", "note"]
    readonly_fields = fields


@admin.register(AuditTool)
class AuditToolAdmin(admin.ModelAdmin):
    list_display = ["name", "kind"]
    inlines = [ToolVersionInline]


@admin.register(Programme)
class ProgrammeAdmin(admin.ModelAdmin):
    list_display = ["title", "kind", "month", "due_on", "status"]
    list_filter = ["kind", "status", "service_area"]
    search_fields = ["title"]


class JudgementInline(admin.TabularInline):
    model = SectionJudgement
    extra = 0
    fields = ["section", "grade", "moderated_grade", "moderation_reason"]
    readonly_fields = ["section"]


class ActivityInline(admin.TabularInline):
    model = Activity
    extra = 0
    autocomplete_fields = ["carried_out_by"]


@admin.register(Audit)
class AuditAdmin(admin.ModelAdmin):
    """For corrections by QA administrators; day-to-day work happens on the audit pages."""

    list_display = ["child", "kind", "status", "auditor", "due_on", "audit_date", "final_grade", "imported"]
    list_filter = ["status", "kind", "final_grade", "imported", "team__service_area"]
    search_fields = ["child__case_id", "import_ref"]
    autocomplete_fields = ["child", "auditor", "moderator", "worker", "follows", "critical_action_by"]
    readonly_fields = ["version", "tool_version", "team", "programme", "created_at", "updated_at"]
    list_select_related = ["child", "auditor"]
    inlines = [JudgementInline, ActivityInline]
    date_hierarchy = "audit_date"
