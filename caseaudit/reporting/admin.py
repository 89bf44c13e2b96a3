from django.contrib import admin

from .models import Report, ReportDelivery, ReportSubscription


@admin.register(ReportSubscription)
class ReportSubscriptionAdmin(admin.ModelAdmin):
    list_display = ["__str__", "frequency", "service_area", "active"]
    filter_horizontal = ["recipients"]


@admin.register(ReportDelivery)
class ReportDeliveryAdmin(admin.ModelAdmin):
    list_display = ["subscription", "start", "end", "status", "sent_at", "attempts", "recipients"]
    list_filter = ["status"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Report)
class ReportAdmin(admin.ModelAdmin):
    list_display = ["title", "status", "published_at", "published_by"]
    readonly_fields = ["snapshot", "published_at", "published_by", "status"]
