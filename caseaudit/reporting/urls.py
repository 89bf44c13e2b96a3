from django.urls import path

from .views import feedback, grading, reports, themes

app_name = "reporting"

urlpatterns = [
    path("", reports.index, name="index"),
    path("prepare", reports.prepare, name="prepare"),
    path("how-the-figures-are-counted", reports.definitions, name="definitions"),
    path("grading-consistency", grading.grading, name="grading"),
    path("themes", themes.themes, name="themes"),
    path("themes/name", themes.theme_name, name="theme_name"),
    path("published/", reports.published_index, name="published_index"),
    path("published/<int:pk>/", reports.published_show, name="published_show"),
    path("family-feedback/answers", feedback.feedback_answers, name="feedback_answers"),
    path("family-feedback/answers/<int:pk>/quote", feedback.quote_new, name="quote_new"),
    path("family-feedback/quotes/<int:pk>/remove", feedback.quote_delete, name="quote_remove"),
]
