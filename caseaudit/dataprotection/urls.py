from django.urls import path

from .views import children, pages

app_name = "dataprotection"

urlpatterns = [
    path("children/<int:pk>/subject-access", children.subject_access, name="subject_access"),
    path("children/<int:pk>/history", children.history, name="child_history"),
    path("processing", pages.processing, name="processing"),
]
