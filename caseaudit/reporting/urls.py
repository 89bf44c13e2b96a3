from django.urls import path

from .views import grading, reports

app_name = "reporting"

urlpatterns = [
    path("", reports.index, name="index"),
    path("prepare", reports.prepare, name="prepare"),
    path("how-the-figures-are-counted", reports.definitions, name="definitions"),
    path("grading-consistency", grading.grading, name="grading"),
    path("published/", reports.published_index, name="published_index"),
    path("published/<int:pk>/", reports.published_show, name="published_show"),
]
