from django.urls import path

from .views import profiles, reconciliation, runs

app_name = "imports"

urlpatterns = [
    path("", runs.index, name="index"),
    path("cases/new", runs.cases_new, name="cases_new"),
    path("audits/new", runs.audits_new, name="audits_new"),
    path("audits/template", runs.audits_template, name="audits_template"),
    path("runs/<int:pk>/", runs.run_show, name="run_show"),
    path("runs/<int:pk>/commit", runs.run_commit, name="run_commit"),
    path("runs/<int:pk>/cancel", runs.run_cancel, name="run_cancel"),
    path("runs/<int:pk>/problems.csv", runs.run_problems, name="run_problems"),
    path("profiles/", profiles.index, name="profile_index"),
    path("profiles/new", profiles.edit, name="profile_new"),
    path("profiles/<int:pk>/", profiles.edit, name="profile_edit"),
    path("reconciliation/", reconciliation.index, name="deviation_index"),
    path("reconciliation/run", reconciliation.run_now, name="reconcile_now"),
    path("reconciliation/<int:pk>/", reconciliation.show, name="deviation_show"),
]
