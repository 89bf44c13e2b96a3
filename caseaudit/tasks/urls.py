from django.urls import path

from . import views

app_name = "tasks"

urlpatterns = [
    path("", views.index, name="index"),
    # A string, not <uuid:pk>: the view answers 404 to a malformed id, after the method and the role.
    path("<str:pk>/run-again", views.run_again, name="run_again"),
]
