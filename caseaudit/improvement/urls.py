from django.urls import path

from .views import dashboard, plans

app_name = "improvement"

urlpatterns = [
    path("", dashboard.index, name="dashboard"),
    path("<int:pk>/", plans.show, name="plan_show"),
    path("<int:pk>/meeting", plans.meeting, name="meeting"),
    path("<int:pk>/review", plans.review, name="review"),
    path("<int:pk>/caseload-review", plans.caseload, name="caseload"),
    path("<int:pk>/responsible", plans.responsible, name="responsible"),
    path("actions/<int:pk>/complete", plans.action_complete, name="action_complete"),
]
