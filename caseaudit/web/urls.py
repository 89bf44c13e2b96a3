from django.urls import path

from .views import errors, home, messages, pages

app_name = "web"

urlpatterns = [
    path("", home.home, name="home"),
    path("healthz", pages.health, name="health"),
    path("accessibility", pages.accessibility, name="accessibility"),
    path("privacy", pages.privacy, name="privacy"),
    path("help", pages.help_page, name="help"),
    path("errors/preview/<int:status>", errors.preview, name="error_preview"),
    path("messages/", messages.index, name="messages"),
    path("messages/<int:pk>/resend", messages.message_resend_view, name="message_resend"),
    path("messages/reports/<int:pk>/resend", messages.report_resend_view, name="report_resend"),
]
