"""A year of learning (source 004's kinds of activity) and source 000's follow-up: 2 Fully,
1 Substantially, 4 Partially and 4 Not implemented."""

from __future__ import annotations

import datetime

from dateutil.relativedelta import relativedelta
from django.db import transaction

from caseaudit.learning.models import LearningEntry, Recommendation, RecommendationSource, SourceKind
from caseaudit.learning.services import follow_up_record
from caseaudit.organisation.models import Person
from caseaudit.organisation.roles import Role

LEARNING = [
    ("newsletter", "Principal Social Worker newsletter", ["Voice of the Child"]),
    ("briefing", "Learning from complaints, feedback, disruptions and voice of the child", ["Voice of the Child"]),
    ("briefing", "QAPP progress update (multi-agency practice)", ["Partnership Working"]),
    ("briefing", "Learning from audits briefing", ["Quality of Plans", "Management Oversight"]),
    ("briefing", "Assessment and analysis briefing", ["Assessment and Analysis"]),
    ("briefing", "CPD and training briefing", []),
    ("presentation", "Learning from practice: leadership event", ["Voice of the Child", "Strengths-based Practice"]),
    ("guidance", "Guidance on managing emails and data breaches", []),
    ("guidance", "What good looks like for social care contributions to EHCPs", ["Partnership Working"]),
    ("guidance", "Updated transfer protocol for care leavers", ["Quality of Plans"]),
    ("guidance", "Step-up and step-down procedure reviewed", ["Management Oversight"]),
    (
        "form_change",
        "Strategy discussion record captures every agency's view of the child",
        ["Partnership Working", "Voice of the Child"],
    ),
    ("form_change", "Section 47 record: rationale for a repeat child protection plan", ["Management Oversight"]),
    ("form_change", "New case note type for distributing strategy discussion records", ["Partnership Working"]),
    ("form_change", "Practitioner supervision record: learning and reflection from QA", ["Management Oversight"]),
    ("training", "Writing SMART plans with families", ["Quality of Plans"]),
    ("training", "Identity and culture in assessments", ["Embracing Diversity"]),
    ("newsletter", "Principal Social Worker newsletter", ["Strengths-based Practice"]),
]

# Source 000's agreed actions, with the statuses its follow-up found.
RECOMMENDATIONS = [
    ("Keep the Departmental Response to Audits process up to date", "fully"),
    ("Record where a full caseload review is not required, with the reason", "fully"),
    ("Keep a monitoring spreadsheet of every stage of the process", "substantially"),
    ("Follow cover arrangements when the Practice Lead is away for a day-three meeting", "partially"),
    ("Make clear how managers proactively monitor cases found inadequate", "partially"),
    ("Check the monitoring against the case management system regularly", "partially"),
    ("Escalate deviations from or delays in the process quickly", "partially"),
    ("Extend the process to Team Managers and Independent Reviewing Officers", "not_implemented"),
    ("Reinstate monthly reporting of audit results to the Director", "not_implemented"),
    ("Report adherence to the process so the Director can challenge", "not_implemented"),
    ("Report inadequate cases formally each quarter", "not_implemented"),
]


def build_demo_learning(today: datetime.date) -> None:
    if LearningEntry.objects.exists() or RecommendationSource.objects.exists():
        return
    qa_admin = Person.objects.get(email__startswith="qa-admin@")
    head = Person.objects.filter(role_assignments__role=Role.HEAD_OF_SERVICE).order_by("pk").first()
    owners = list(Person.objects.filter(role_assignments__role=Role.SERVICE_MANAGER).order_by("pk")) or [qa_admin]
    with transaction.atomic():
        for n, (kind, title, themes) in enumerate(LEARNING):
            LearningEntry.objects.create(
                kind=kind,
                title=title,
                happened_on=today - relativedelta(days=20 * n + 3),
                themes=themes,
                audience="Social care and safeguarding staff",
                created_by=qa_admin,
                summary=f"{title}. Shared with teams and discussed in team meetings and supervision.",
            )
        source = RecommendationSource.objects.create(
            kind=SourceKind.INTERNAL_AUDIT,
            title="Management response to quality assurance audits: follow-up",
            reported_on=today - relativedelta(months=6),
        )
        for n, (text, status) in enumerate(RECOMMENDATIONS):
            recommendation = Recommendation.objects.create(
                source=source,
                text=text,
                agreed_action=text,
                owner=owners[n % len(owners)],
                raised_on=source.reported_on,
                due_on=source.reported_on + relativedelta(months=3 + n % 4),
            )
            follow_up_record(
                recommendation_id=recommendation.pk,
                by=head or qa_admin,
                status=status,
                evidence="Seen at the follow-up review with the service.",
                reviewed_on=today - relativedelta(months=1),
            )
        _calibration_session(today, qa_admin)


def _calibration_session(today: datetime.date, qa_admin: Person) -> None:
    """A finished calibration session (issue 32): four auditors graded one vignette; their grades spread most on
    the plan, which the learning points take up."""
    from caseaudit.learning import calibration

    session = calibration.calibration_session_create(
        by=qa_admin,
        title="A child in need plan without dates",
        held_on=today - relativedelta(weeks=3),
        vignette="Sam is 9 and lives with his mother and sister. The child in need plan lists six actions; none "
        "has a date or a named person. Sam was seen alone twice in four months and said he is worried about "
        "his mother. The school's concerns are recorded but not answered in the plan.",
    )
    sections = list(session.tool_version.sections.order_by("position"))
    auditors = list(Person.objects.filter(role_assignments__role=Role.AUDITOR, is_active=True).order_by("pk")[:4])
    for n, auditor in enumerate(auditors):
        # Most agree the child's voice is heard; the plan splits them between Good and Inadequate.
        grades = {s.pk: ("requires_improvement" if i % 2 else "good") for i, s in enumerate(sections)}
        grades[sections[-1].pk] = ["good", "requires_improvement", "inadequate", "requires_improvement"][n % 4]
        calibration.calibration_grade_submit(
            session_id=session.pk, by=auditor, overall=["good", "requires_improvement"][n % 2], sections=grades
        )
    calibration.calibration_close(
        session_id=session.pk,
        by=qa_admin,
        agreed_overall="requires_improvement",
        agreed_sections={s.pk: ("requires_improvement" if i % 2 else "good") for i, s in enumerate(sections)},
        learning_points="A plan without dates or named people cannot be Good, however warm the work. Auditors "
        "agreed to grade the plan on whether a parent could tell who does what by when.",
    )
