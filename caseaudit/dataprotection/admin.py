from django.contrib import admin

from .models import Anonymisation, RetentionPeriod, RetentionRun


@admin.register(RetentionPeriod)
class RetentionPeriodAdmin(admin.ModelAdmin):
    """QA administrators set the council's periods; the privacy notice and apply_retention read them."""

    list_display = ["legal_status", "keep_until_age", "years_after_closure", "basis"]

    def has_delete_permission(self, request, obj=None):
        return False  # every legal status must keep a period


@admin.register(RetentionRun)
class RetentionRunAdmin(admin.ModelAdmin):
    list_display = ["ran_at", "as_of", "by", "os_user", "children_anonymised"]

    def has_add_permission(self, request):
        return False  # runs are made by `caseaudit apply_retention`

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Anonymisation)
class AnonymisationAdmin(admin.ModelAdmin):
    list_display = ["child", "anonymised_at", "run", "reason"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
