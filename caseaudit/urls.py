from django.contrib import admin
from django.urls import include, path

from caseaudit.audits.views import children as child_record
from caseaudit.organisation.urls import app_name as children_namespace
from caseaudit.organisation.urls import urlpatterns as children_urls

admin.site.site_header = "CaseAudit administration"
admin.site.site_title = "CaseAudit administration"

urlpatterns = [
    path("", include("caseaudit.home.urls")),
    path("account/", include("caseaudit.accounts.urls")),
    # The children's list is organisation's; a child's record lists their audits, so audits serves it (issue 36).
    path(
        "children/",
        include(
            (
                [*children_urls, path("<int:pk>/", child_record.show, name="child_show")],
                children_namespace,
            )
        ),
    ),
    path("audits/", include("caseaudit.audits.urls")),
    path("improvement/", include("caseaudit.improvement.urls")),
    path("reports/", include("caseaudit.reporting.urls")),
    path("evidence-packs/", include("caseaudit.evidence.urls")),
    path("learning/", include("caseaudit.learning.urls")),
    path("imports/", include("caseaudit.imports.urls")),
    path("data-protection/", include("caseaudit.dataprotection.urls")),
    path("", include("caseaudit.family.urls")),
    path("tasks/", include("caseaudit.tasks.urls")),
    path("admin/", admin.site.urls),
    path("api/v1/", include("caseaudit.api.urls")),
    path("account/api-tokens/", include("caseaudit.api.account_urls")),
]

handler403 = "caseaudit.web.views.errors.permission_denied"
handler404 = "caseaudit.web.views.errors.page_not_found"
handler500 = "caseaudit.web.views.errors.server_error"
