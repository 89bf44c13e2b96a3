"""QA administrators read and change the questionnaires families answer (issue 31, point 1). Everyone else gets
"Page not found"."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render

from caseaudit.organisation.roles import Role

from ..errors import FamilyRuleError
from ..forms import QuestionnaireForm
from ..models import Questionnaire
from ..questionnaires import QuestionnaireChanged, questionnaire_publish, questions_as_lines, questions_from_lines
from ..services import questionnaires_ensure


def _qa_only(request) -> None:
    if not request.user.has_role(Role.QA_ADMIN):
        raise Http404("No such page")


def index(request):
    _qa_only(request)
    questionnaires_ensure()  # the defaults, if a reset emptied the table
    rows = [(q, q.current_version) for q in Questionnaire.objects.prefetch_related("versions__questions")]
    return render(request, "family/questionnaires.html", {"rows": rows})


def edit(request, pk: int):
    _qa_only(request)
    questionnaire = get_object_or_404(Questionnaire, pk=pk)
    current = questionnaire.current_version
    if current is None:
        raise Http404("No such questionnaire")
    form = QuestionnaireForm(
        request.POST or None, initial={"questions": questions_as_lines(current), "based_on": current.number}
    )
    if request.method == "POST" and form.is_valid():
        try:
            version = questionnaire_publish(
                questionnaire_id=questionnaire.pk,
                questions=questions_from_lines(form.cleaned_data["questions"]),
                based_on=form.cleaned_data["based_on"],
                by=request.user,
            )
        except QuestionnaireChanged as changed:
            form.add_error(None, changed.message)
            form.data = form.data.copy()
            form.data["based_on"] = str(questionnaire.current_version.number)
        except FamilyRuleError as refused:
            form.add_error("questions", refused.message)
        else:
            if version.number == current.number:
                messages.info(request, "Nothing changed: the questions are as they were")
            else:
                messages.success(
                    request, f"Version {version.number} published: invitations from now on ask these questions"
                )
            return redirect("family:questionnaires")
    return render(request, "family/questionnaire_edit.html", {"questionnaire": questionnaire, "form": form})
