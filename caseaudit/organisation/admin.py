from auditlog.signals import accessed
from django.contrib import admin

from .models import Absence, Child, Person, PersonRole, ServiceArea, Team


class TeamInline(admin.TabularInline):
    model = Team
    extra = 0
    autocomplete_fields = ["manager"]


@admin.register(ServiceArea)
class ServiceAreaAdmin(admin.ModelAdmin):
    search_fields = ["name"]
    inlines = [TeamInline]


@admin.register(Team)
class TeamAdmin(admin.ModelAdmin):
    list_display = ["name", "service_area", "manager"]
    list_filter = ["service_area"]
    search_fields = ["name"]
    autocomplete_fields = ["manager"]
    list_select_related = ["service_area", "manager"]


class PersonRoleInline(admin.TabularInline):
    model = PersonRole
    extra = 1


class AbsenceInline(admin.TabularInline):
    model = Absence
    fk_name = "person"
    extra = 0
    autocomplete_fields = ["cover"]


@admin.register(Person)
class PersonAdmin(admin.ModelAdmin):
    list_display = ["full_name", "email", "job_title", "team", "line_manager", "is_active"]
    list_filter = ["is_active", "role_assignments__role", "team__service_area"]
    search_fields = ["full_name", "email"]
    autocomplete_fields = ["team", "line_manager"]
    exclude = ["password", "last_login"]
    inlines = [PersonRoleInline, AbsenceInline]
    list_select_related = ["team", "line_manager"]


@admin.register(Absence)
class AbsenceAdmin(admin.ModelAdmin):
    list_display = ["person", "starts_on", "ends_on", "cover", "reason"]
    autocomplete_fields = ["person", "cover"]
    date_hierarchy = "starts_on"


@admin.register(Child)
class ChildAdmin(admin.ModelAdmin):
    list_display = ["case_id", "name", "legal_status", "team", "allocated_worker", "opened_on", "closed_on"]
    list_filter = ["legal_status", "team__service_area"]
    search_fields = ["case_id", "name"]
    autocomplete_fields = ["team", "allocated_worker", "independent_reviewing_officer"]
    list_select_related = ["team", "allocated_worker"]

    def change_view(self, request, object_id, form_url="", extra_context=None):
        # A read through the admin is still a read of a child's record.
        child = self.get_object(request, object_id)
        if child is not None:
            accessed.send(sender=Child, instance=child)
        return super().change_view(request, object_id, form_url, extra_context)
