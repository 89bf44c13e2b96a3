"""Calibration sessions (issue 32, point 3): QA administrators run them; auditors and moderators take part. Anyone
else gets "Page not found"."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from ..calibration import (
    calibration_close,
    calibration_grade_submit,
    calibration_session_create,
    calibration_spread,
    may_run,
    may_take_part,
)
from ..forms import CalibrationGradesForm, CalibrationSessionForm
from ..models import CalibrationSession
from ..services import LearningRuleError


def _allowed(request) -> None:
    if not (may_run(request.user) or may_take_part(request.user)):
        raise Http404("No such page")


def index(request):
    _allowed(request)
    sessions = CalibrationSession.objects.prefetch_related("grades")
    return render(request, "learning/calibration_index.html", {"sessions": sessions, "can_run": may_run(request.user)})


def new(request):
    if not may_run(request.user):
        raise Http404("No such page")
    form = CalibrationSessionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        session = calibration_session_create(
            by=request.user, title=data["title"], held_on=data["held_on"], case_id=data["case_id"],
            vignette=data["vignette"],
        )  # fmt: skip
        messages.success(request, "Session set up: auditors and moderators can now give their grades")
        return redirect("learning:calibration_show", pk=session.pk)
    return render(request, "learning/calibration_new.html", {"form": form})


def show(request, pk: int):
    _allowed(request)
    session = get_object_or_404(CalibrationSession.objects.select_related("tool_version__tool"), pk=pk)
    sections = session.tool_version.sections.order_by("position")
    scale = session.tool_version.grading_scale
    mine = session.grades.filter(auditor=request.user).first()
    can_grade = session.is_open and may_take_part(request.user) and mine is None
    form = CalibrationGradesForm(request.POST or None, sections=sections, scale=scale) if can_grade else None
    if request.method == "POST":
        if form is None:
            raise Http404("No such page")
        if form.is_valid():
            try:
                calibration_grade_submit(
                    session_id=session.pk, by=request.user, overall=form.cleaned_data["overall"],
                    sections=form.section_grades(),
                )  # fmt: skip
            except LearningRuleError as refused:
                form.add_error(None, refused.message)
            else:
                messages.success(request, "Your grades are in: the spread of everyone's grades is below")
                return redirect("learning:calibration_show", pk=session.pk)
    # Blind: the others' grades only once yours are in (QA administrators run the session and see them).
    sees_spread = may_run(request.user) or mine is not None or not session.is_open
    close_form = (
        CalibrationGradesForm(sections=sections, scale=scale, learning_points=True, prefix="agreed")
        if session.is_open and may_run(request.user)
        else None
    )
    return render(
        request,
        "learning/calibration_show.html",
        {
            "session": session,
            "form": form,
            "mine": mine,
            "spread": calibration_spread(session) if sees_spread else None,
            "gradings": session.grades.count(),
            "grade_labels": scale.labels.values(),
            "close_form": close_form,
        },
    )


@require_POST
def close(request, pk: int):
    if not may_run(request.user):
        raise Http404("No such page")
    session = get_object_or_404(CalibrationSession, pk=pk)
    if not session.is_open:
        raise Http404("No such page")
    sections = session.tool_version.sections.order_by("position")
    scale = session.tool_version.grading_scale
    form = CalibrationGradesForm(request.POST, sections=sections, scale=scale, learning_points=True, prefix="agreed")
    if form.is_valid():
        try:
            calibration_close(
                session_id=session.pk, by=request.user, agreed_overall=form.cleaned_data["overall"],
                agreed_sections=form.section_grades(), learning_points=form.cleaned_data["learning_points"],
            )  # fmt: skip
        except LearningRuleError as refused:
            form.add_error(None, refused.message)
        else:
            messages.success(request, "Session closed: the agreed grades are kept and the learning is in the log")
            return redirect("learning:calibration_show", pk=session.pk)
    return render(
        request,
        "learning/calibration_show.html",
        {
            "session": session,
            "form": None,
            "mine": None,
            "spread": calibration_spread(session),
            "gradings": session.grades.count(),
            "grade_labels": scale.labels.values(),
            "close_form": form,
        },
    )
