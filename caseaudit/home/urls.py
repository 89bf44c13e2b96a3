"""The pages that gather every app: home, help, the static pages, "Emails not sent" (issue 36: the top layer).

The URL names keep the "web" namespace they had when these pages lived in caseaudit.web, so every link, test and
row of the authorisation matrix stands as before; the error preview is caseaudit.web's own view."""

from django.urls import path

from caseaudit.web.views import errors

from .views import home, messages, pages

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
