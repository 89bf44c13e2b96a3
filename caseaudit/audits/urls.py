from django.urls import path

from .views import acknowledgements, activities, audits, mine, programmes, reassign, tools

app_name = "audits"

urlpatterns = [
    path("mine/", mine.index, name="mine"),
    path("mine/acknowledge", acknowledgements.acknowledge_many, name="acknowledge_many"),
    path("<int:pk>/", audits.show, name="audit_show"),
    path("<int:pk>/edit", audits.edit, name="audit_edit"),
    path("<int:pk>/moderate", audits.moderate, name="audit_moderate"),
    path("<int:pk>/share", audits.share, name="audit_share"),
    path("<int:pk>/acknowledge", audits.acknowledge, name="audit_acknowledge"),
    path("<int:pk>/critical-action", audits.critical_action, name="audit_critical_action"),
    path("<int:pk>/activities/new", activities.new, name="activity_new"),
    path("programmes/", programmes.index, name="programme_index"),
    path("programmes/new", programmes.new, name="programme_new"),
    path("programmes/new-themed", programmes.new_themed, name="programme_new_themed"),
    path("programmes/<int:pk>/", programmes.show, name="programme_show"),
    path("programmes/<int:pk>/quotas", programmes.quotas, name="programme_quotas"),
    path("programmes/<int:pk>/propose", programmes.propose, name="programme_propose"),
    path("programmes/<int:pk>/sample/add", programmes.sample_add, name="sample_add"),
    path("programmes/<int:pk>/sample/<int:entry_pk>/remove", programmes.sample_remove, name="sample_remove"),
    path("programmes/<int:pk>/sample/auditors", programmes.sample_assign, name="sample_assign"),
    path("programmes/<int:pk>/confirm", programmes.confirm, name="programme_confirm"),
    path("tools/", tools.index, name="tool_index"),
    path("tools/<int:pk>/", tools.show, name="tool_show"),
    path("tools/<int:pk>/edit", tools.edit, name="tool_edit"),
    path("reassign", reassign.reassign, name="reassign"),
]
