from django.urls import path

from .views import children

app_name = "organisation"

urlpatterns = [
    path("", children.index, name="child_index"),
    # The child's record (/children/<pk>/, organisation:child_show) lists the child's audits: audits serves it,
    # and caseaudit/urls.py adds it to these patterns (issue 36: organisation stands below audits).
]
