from django.urls import path

from .views import errors, home, pages

app_name = "web"

urlpatterns = [
    path("", home.home, name="home"),
    path("healthz", pages.health, name="health"),
    path("accessibility", pages.accessibility, name="accessibility"),
    path("privacy", pages.privacy, name="privacy"),
    path("help", pages.help_page, name="help"),
    path("errors/preview/<int:status>", errors.preview, name="error_preview"),
]
