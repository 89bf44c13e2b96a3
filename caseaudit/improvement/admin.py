from django.contrib import admin

from .models import ImprovementPlan, PlanEvent, RemedialAction, Stage, Timescales


@admin.register(Timescales)
class TimescalesAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return not Timescales.objects.exists() and super().has_add_permission(request)


class StageInline(admin.TabularInline):
    model = Stage
    extra = 0
    fields = ["kind", "due_on", "completed_on", "completed_by", "decision"]
    readonly_fields = fields


class ActionInline(admin.TabularInline):
    model = RemedialAction
    extra = 0
    fields = ["description", "owner", "due_on", "completed_on"]
    readonly_fields = fields


class EventInline(admin.TabularInline):
    model = PlanEvent
    extra = 0
    fields = ["at", "by", "stage", "from_state", "to_state", "note"]
    readonly_fields = fields


@admin.register(ImprovementPlan)
class ImprovementPlanAdmin(admin.ModelAdmin):
    list_display = ["child", "team", "responsible", "opened_on", "status", "repeat_inadequate"]
    list_filter = ["status", "repeat_inadequate", "team__service_area"]
    search_fields = ["child__case_id"]
    readonly_fields = ["audit", "child", "team", "opened_on", "closed_on", "version"]
    inlines = [StageInline, ActionInline, EventInline]
