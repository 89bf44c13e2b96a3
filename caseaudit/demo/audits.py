"""Two years of audit history for the demo council, and work in flight in every state.

History is bulk-inserted (it is not anyone's action, so it is not written to
the change history); the work in flight goes through the services, as a user's
would. Built once: a second run finds audits and adds nothing.
"""

from __future__ import annotations

import datetime
import random

from dateutil.relativedelta import relativedelta
from django.db import transaction
from django.utils import timezone

from caseaudit.audits import scales
from caseaudit.audits.grades import Grade
from caseaudit.audits.models import (
    Acknowledgement,
    Activity,
    ActivityKind,
    Audit,
    AuditKind,
    AuditStatus,
    Programme,
    ProgrammeKind,
    ProgrammeStatus,
    SectionJudgement,
)
from caseaudit.audits.services import lifecycle, sampling
from caseaudit.audits.services.tools import SectionSpec, standard_tools_ensure, tool_create
from caseaudit.demo import findings
from caseaudit.organisation.models import Child, Person, ServiceArea
from caseaudit.organisation.roles import Role

SEED = 2026
ORDER = [Grade.OUTSTANDING, Grade.GOOD, Grade.REQUIRES_IMPROVEMENT, Grade.INADEQUATE]
# Issue 3's mix: about 2% Outstanding, 42% Good, 48% Requires Improvement, 8% Inadequate.
WEIGHTS = [2, 42, 48, 8]
AUDITS_PER_AREA_PER_MONTH = 6
THEMES = [
    "Strategy discussions capture every agency's view",
    "Children's voice in child protection conferences",
    "Management oversight of pre-proceedings",
    "Life story work for children in care",
]


def _neighbour(rng: random.Random, grade: str) -> str:
    i = ORDER.index(grade)
    return ORDER[max(0, min(3, i + rng.choice([-1, 1])))]


class _History:
    def __init__(self, today: datetime.date) -> None:
        self.today = today
        self.rng = random.Random(SEED)  # noqa: S311 - demo data
        # What auditors write, drawn apart so the grades and everything else are as they were.
        self.text_rng = random.Random(SEED + 35)  # noqa: S311 - demo data
        self.case_tool, self.themed_tool = standard_tools_ensure()
        self.auditors = list(Person.objects.filter(role_assignments__role=Role.AUDITOR).select_related("team"))
        self.moderators = list(Person.objects.filter(role_assignments__role=Role.MODERATOR))
        self.used: set[int] = set()
        self.audits: list[Audit] = []
        self.grades: dict[int, list[str]] = {}  # id(audit) -> section grades

    def pick_auditor(self, child: Child) -> Person:
        choices = [a for a in self.auditors if a.pk != child.allocated_worker_id and a.pk != child.team.manager_id]
        return self.rng.choice(choices)

    def add(
        self,
        child: Child,
        when: datetime.date,
        kind: str,
        tool,
        follows: Audit | None = None,
        programme: Programme | None = None,
        weights=WEIGHTS,
    ) -> Audit:
        auditor = self.pick_auditor(child)
        moderator = self.rng.choice([m for m in self.moderators if m.pk != auditor.pk])
        # Draw the final grade from the mix; in about 12% of audits the
        # auditor's grade was one step away and moderation changed it.
        moderated = self.rng.choices(ORDER, weights=weights)[0]
        grade = _neighbour(self.rng, moderated) if self.rng.random() < 0.12 else moderated
        critical = moderated == Grade.INADEQUATE and self.rng.random() < 0.15
        submitted = timezone.make_aware(datetime.datetime.combine(when, datetime.time(15)))
        audit = Audit(
            kind=kind,
            child=child,
            team_id=child.team_id,
            worker_id=child.allocated_worker_id,
            tool_version=tool.current_version,
            programme=programme,
            follows=follows,
            auditor=auditor,
            moderator=moderator,
            due_on=when + datetime.timedelta(days=10),
            status=AuditStatus.SHARED,
            overall_grade=grade,
            moderated_overall_grade=moderated,
            final_grade=moderated,
            moderation_reason="" if moderated == grade else "The evidence on file supports a different judgement.",
            is_critical=critical,
            critical_action="Manager visited the child the same day; safety plan agreed." if critical else "",
            critical_action_by_id=child.team.manager_id if critical else None,
            critical_action_at=submitted if critical else None,
            strengths="The child is seen regularly and their views are recorded.",
            areas_for_development="Plans need clearer timescales and outcomes.",
            recommended_actions="Review the plan with the family within four weeks.",
            audit_date=when,
            submitted_at=submitted,
            finalised_at=submitted + datetime.timedelta(days=5),
            shared_at=submitted + datetime.timedelta(days=6),
        )
        self.audits.append(audit)
        self.grades[id(audit)] = [
            moderated if self.rng.random() < 0.6 else _neighbour(self.rng, moderated)
            for _ in tool.current_version.sections.all()
        ]
        self.used.add(child.pk)
        return audit

    def save(self) -> None:
        """Write what was added since the last save (re-audits need their earlier audit saved first)."""
        for audit in self.audits:
            audit.strengths, audit.areas_for_development = findings.overall(audit.final_grade, self.text_rng)
        Audit.objects.bulk_create(self.audits, batch_size=500)
        sections = {}
        judgements, activities, acks = [], [], []
        for audit in self.audits:
            version_id = audit.tool_version_id
            if version_id not in sections:
                sections[version_id] = list(audit.tool_version.sections.all())
            for section, grade in zip(sections[version_id], self.grades[id(audit)], strict=True):
                judgements.append(
                    SectionJudgement(
                        audit=audit,
                        section=section,
                        grade=grade,
                        moderated_grade=grade,
                        evidence=findings.finding(section.title, grade, self.text_rng),
                    )
                )
            activities.append(
                Activity(
                    audit=audit,
                    kind=ActivityKind.FILE_REVIEW,
                    carried_out_by_id=audit.auditor_id,
                    happened_on=audit.audit_date,
                )
            )
            if audit.kind != AuditKind.THEMED:
                activities.append(
                    Activity(
                        audit=audit,
                        kind=ActivityKind.PRACTITIONER,
                        carried_out_by_id=audit.auditor_id,
                        happened_on=audit.audit_date,
                        notes="Discussed the findings with the worker.",
                    )
                )
                if self.rng.random() < 0.3:
                    activities.append(
                        Activity(
                            audit=audit,
                            kind=ActivityKind.FAMILY,
                            carried_out_by_id=audit.auditor_id,
                            happened_on=audit.audit_date,
                            family_words=self.rng.choice(
                                [
                                    "She always calls back when she says she will.",
                                    "We didn't know what the plan was for.",
                                    "They listen to what the kids want.",
                                ]
                            ),
                        )
                    )
                activities.append(
                    Activity(
                        audit=audit,
                        kind=ActivityKind.MODERATION,
                        carried_out_by_id=audit.moderator_id,
                        happened_on=audit.audit_date + datetime.timedelta(days=5),
                    )
                )
            if audit.worker_id:
                acks.append(Acknowledgement(audit=audit, person_id=audit.worker_id, response=""))
        SectionJudgement.objects.bulk_create(judgements, batch_size=1000)
        Activity.objects.bulk_create(activities, batch_size=1000)
        Acknowledgement.objects.bulk_create(acks, batch_size=1000, ignore_conflicts=True)
        self.audits, self.grades = [], {}


def build_demo_audits(today: datetime.date) -> int:
    if Audit.objects.exists():
        return 0
    with transaction.atomic():
        history = _History(today)
        _history(history)
        history.save()
        _blind_pairs(history)
        _in_flight(history, today)
        _scaling_audits(history)
    return Audit.objects.count()


def _history(h: _History) -> None:
    children_by_area = {
        area.pk: list(
            Child.objects.filter(team__service_area=area, closed_on__isnull=True, allocated_worker__isnull=False)
            .select_related("team__manager", "allocated_worker")
            .order_by("pk")
        )
        for area in ServiceArea.objects.all()
    }
    start = h.today.replace(day=1) - relativedelta(months=24)
    inadequate: list[Audit] = []
    for m in range(24):
        month = start + relativedelta(months=m)
        for children in children_by_area.values():
            fresh = [c for c in children if c.pk not in h.used]
            for child in h.rng.sample(fresh, AUDITS_PER_AREA_PER_MONTH):
                when = month + datetime.timedelta(days=h.rng.randint(0, 26))
                audit = h.add(child, when, AuditKind.CASE_FILE, h.case_tool)
                if audit.final_grade == Grade.INADEQUATE:
                    inadequate.append(audit)
    h.save()
    for earlier in inadequate:
        when = earlier.audit_date + relativedelta(months=3)
        if when < h.today.replace(day=1):
            # Re-audits improve more often than not; a few are inadequate again.
            h.add(earlier.child, when, AuditKind.RE_AUDIT, h.case_tool, follows=earlier, weights=[2, 40, 48, 10])
    all_children = [c for cs in children_by_area.values() for c in cs]
    for n, theme in enumerate(THEMES):
        month = start + relativedelta(months=5 + n * 5)
        programme = Programme.objects.create(
            kind=ProgrammeKind.THEMED,
            title=theme,
            month=month,
            tool_version=h.themed_tool.current_version,
            due_on=month + datetime.timedelta(days=27),
            status=ProgrammeStatus.CONFIRMED,
        )
        for child in h.rng.sample(all_children, 18):
            h.add(
                child,
                month + datetime.timedelta(days=h.rng.randint(0, 20)),
                AuditKind.THEMED,
                h.themed_tool,
                programme=programme,
            )


def _blind_pairs(h: _History) -> None:
    """A tenth of the last year's case file audits were audited twice, blind (issue 32): the second auditor's
    grades mostly the same as the first's, sometimes a grade away, reconciled when the first was moderated. Its own
    random generator, so the rest of the demo is as it was."""
    rng = random.Random(SEED + 32)  # noqa: S311 - demo data
    firsts = list(
        Audit.objects.filter(
            kind=AuditKind.CASE_FILE, status=AuditStatus.SHARED, audit_date__gte=h.today - relativedelta(months=12)
        )
        .select_related("child__team")
        .prefetch_related("judgements")
        .order_by("pk")
    )
    pairs = []
    for first in rng.sample(firsts, len(firsts) // 10):
        others = [a for a in h.auditors if a.pk not in (first.auditor_id, first.worker_id, first.child.team.manager_id)]
        overall = first.overall_grade if rng.random() < 0.7 else _neighbour(rng, first.overall_grade)
        second = Audit(
            kind=first.kind, child=first.child, team_id=first.team_id, worker_id=first.worker_id,
            tool_version_id=first.tool_version_id, programme_id=first.programme_id, auditor=rng.choice(others),
            second_of=first, due_on=first.due_on, status=AuditStatus.RECONCILED, overall_grade=overall,
            strengths="The child's views are recorded at each visit.",
            areas_for_development="The plan's outcomes are not measurable.",
            recommended_actions="Agree measurable outcomes with the family.",
            audit_date=first.audit_date, submitted_at=first.submitted_at,
        )  # fmt: skip
        pairs.append((first, second))
    Audit.objects.bulk_create([second for _, second in pairs], batch_size=500)
    SectionJudgement.objects.bulk_create(
        [
            SectionJudgement(
                audit=second,
                section_id=j.section_id,
                grade=j.grade if rng.random() < 0.75 else _neighbour(rng, j.grade),
                evidence="Seen in the case notes and the plan.",
            )  # fmt: skip
            for first, second in pairs
            for j in first.judgements.all()
        ],
        batch_size=1000,
    )


SCALING_TOOL = "Signs of Safety case file audit"
SCALING_SECTIONS = [
    SectionSpec("What are we worried about?", ["Is the harm that has happened clear?", "Are the dangers clear?"]),
    SectionSpec("What's working well?", ["Are the family's strengths and existing safety recorded?"]),
    SectionSpec("What needs to happen?", ["[text] What are the next steps in the safety plan?"]),
]


def _scaling_audits(h: _History) -> None:
    """One service area has audited with a Signs of Safety tool on the 0 to 10 scaling question for the last six
    months (issue 32, point 4): the report counts it apart from Ofsted's grades. Its own random generator, so the
    rest of the demo is as it was."""
    rng = random.Random(SEED + 324)  # noqa: S311 - demo data
    tool = tool_create(name=SCALING_TOOL, kind="case_file", sections=SCALING_SECTIONS, scale=scales.ScaleKey.SCALING)
    area = ServiceArea.objects.order_by("pk").last()
    children = [
        c
        for c in Child.objects.filter(team__service_area=area, closed_on__isnull=True, allocated_worker__isnull=False)
        .select_related("team__manager", "allocated_worker")
        .order_by("pk")
        if c.pk not in h.used
    ]
    start = h.today.replace(day=1) - relativedelta(months=6)
    points = [f"scale_{n}" for n in range(11)]
    weights = [1, 1, 2, 4, 7, 10, 12, 11, 7, 3, 1]  # mostly 5 to 7: safe enough, with work to do
    for m in range(6):
        month = start + relativedelta(months=m)
        for child in rng.sample(children, 4):
            children.remove(child)
            audit = h.add(child, month + datetime.timedelta(days=rng.randint(0, 26)), AuditKind.CASE_FILE, tool)
            final = rng.choices(points, weights=weights)[0]
            first = points[max(0, min(10, points.index(final) + rng.choice([-1, 1])))] if rng.random() < 0.2 else final
            audit.overall_grade, audit.moderated_overall_grade, audit.final_grade = first, final, final
            audit.is_critical, audit.critical_action, audit.critical_action_by_id, audit.critical_action_at = (
                False, "", None, None,
            )  # fmt: skip
            audit.moderation_reason = "" if first == final else "The evidence on file supports a different point."
            place = points.index(final)
            h.grades[id(audit)] = [points[max(0, min(10, place + rng.choice([-1, 0, 0, 1])))] for _ in SCALING_SECTIONS]
    h.save()


def _in_flight(h: _History, today: datetime.date) -> None:
    """This month's programme in the demo logins' service area, with audits in every state."""
    qa_admin = Person.objects.get(email__startswith="qa-admin@")
    auditor = Person.objects.get(email__startswith="auditor@")
    moderator = Person.objects.get(email__startswith="moderator@")
    worker = Person.objects.get(email__startswith="social-worker@")
    area = worker.team.service_area
    month = today.replace(day=1)
    programme = sampling.programme_create(
        service_area=area,
        month=month,
        tool_version=h.case_tool.current_version,
        due_on=month + relativedelta(months=1, days=-1),
        by=qa_admin,
    )
    eligible = (
        sampling.eligible_children(programme, today)
        .filter(team__service_area=area)
        .exclude(allocated_worker=auditor)
        .select_related("team__manager", "allocated_worker")
    )
    own_child = eligible.filter(allocated_worker=worker).first()
    others = [c for c in eligible.exclude(allocated_worker=worker).order_by("pk")[:12]]

    def opened(child, who=auditor, due=None):
        return lifecycle.audit_open(
            child=child,
            auditor=who,
            tool_version=programme.tool_version,
            due_on=due or programme.due_on,
            programme=programme,
        )

    def draft_of(audit, grade, critical=False):
        sections = {j.section_id: (grade, "Seen in the case notes.") for j in audit.judgements.all()}
        return lifecycle.AuditDraft(
            overall_grade=grade,
            is_critical=critical,
            strengths="Regular visits.",
            areas_for_development="Plan timescales.",
            recommended_actions="Review the plan.",
            sections=sections,
        )

    # Drafts for the demo auditor: one overdue, one due soon, one just started.
    opened(others[0], due=today - datetime.timedelta(days=3))
    opened(others[1], due=today + datetime.timedelta(days=4))
    opened(others[2])
    # Submitted, waiting for the moderator; one already with them.
    for child in others[3:5]:
        audit = opened(child)
        lifecycle.audit_submit(audit_id=audit.pk, by=auditor, draft=draft_of(audit, Grade.GOOD), expected_version=1)
    audit = opened(others[5])
    lifecycle.audit_submit(
        audit_id=audit.pk, by=auditor, draft=draft_of(audit, Grade.REQUIRES_IMPROVEMENT), expected_version=1
    )
    lifecycle.audit_moderation_start(audit_id=audit.pk, moderator=moderator)
    # A critical concern no one has acted on yet.
    audit = opened(others[6])
    lifecycle.audit_submit(
        audit_id=audit.pk, by=auditor, draft=draft_of(audit, Grade.INADEQUATE, critical=True), expected_version=1
    )
    # Finalised, waiting to be shared; and the social worker's own file, shared to acknowledge.
    for child, share in ((others[7], False), (own_child, True)):
        if child is None:
            continue
        audit = opened(child)
        audit = lifecycle.audit_submit(
            audit_id=audit.pk, by=auditor, draft=draft_of(audit, Grade.GOOD), expected_version=1
        )
        audit = lifecycle.audit_moderation_start(audit_id=audit.pk, moderator=moderator)
        decision = lifecycle.ModerationDecision(
            overall_grade=Grade.GOOD, sections={j.section_id: (j.grade, "") for j in audit.judgements.all()}
        )
        lifecycle.audit_moderate(
            audit_id=audit.pk, moderator=moderator, decision=decision, expected_version=audit.version
        )
        if share:
            lifecycle.audit_share(audit_id=audit.pk, by=qa_admin)
    programme.status = ProgrammeStatus.CONFIRMED
    programme.confirmed_at = timezone.now()
    programme.save()
    # Next month's programme for another area, with a sample proposed and not yet confirmed.
    other_area = ServiceArea.objects.exclude(pk=area.pk).order_by("name").first()
    planning = sampling.programme_create(
        service_area=other_area,
        month=month + relativedelta(months=1),
        tool_version=h.case_tool.current_version,
        due_on=month + relativedelta(months=2, days=-1),
        by=qa_admin,
    )
    sampling.sample_propose(programme=planning, today=today, seed=SEED)
