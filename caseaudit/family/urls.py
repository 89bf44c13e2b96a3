from django.urls import path

from .views import answer, contacts, invitations, questionnaires

app_name = "family"

urlpatterns = [
    # Public: the family's link (no account). "thanks" is not a token: tokens are 22 characters.
    path("feedback/", answer.start, name="start"),
    path("feedback/thanks", answer.thanks, name="thanks"),
    path("feedback/<str:token>", answer.answer, name="answer"),
    # Staff: inviting from the audit page.
    path("audits/<int:pk>/family/invite", invitations.new, name="invitation_new"),
    path("audits/<int:pk>/family/letter", invitations.letter, name="invitation_letter"),
    path("family/invitations/<int:pk>/cancel", invitations.revoke, name="invitation_revoke"),
    # QA administrators: the questions families are asked, changed as new versions.
    path("family/questionnaires/", questionnaires.index, name="questionnaires"),
    path("family/questionnaires/<int:pk>/change", questionnaires.edit, name="questionnaire_edit"),
    # Staff: a family asked to be contacted; their child's team manager records the contact.
    path("family/contact-requests/<int:pk>", contacts.record, name="contact_record"),
]
