"""A change and its history are one transaction: when the history cannot be written, nothing is.

Each case runs a writing service against the real database (transactional tests, so commits and
rollbacks are the database's own) with the change history's last append failing, as a dropped
connection fails it. Afterwards every audited table and the history are exactly as they were.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from auditlog.registry import auditlog
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import OperationalError, transaction
from django.test import override_settings
from django.utils import timezone

from caseaudit.accounts import services as accounts_services
from caseaudit.accounts import staff_sync
from caseaudit.api import services as api
from caseaudit.api.models import ApiToken
from caseaudit.audits.models import Audit, Programme, SampleEntry
from caseaudit.audits.services import acknowledgements, lifecycle, returns, sampling, tools
from caseaudit.dataprotection.retention import retention_apply
from caseaudit.evidence import services as evidence_services
from caseaudit.family import contacts as family_contacts
from caseaudit.family import questionnaires as family_questionnaires
from caseaudit.family import sending as family_sending
from caseaudit.family import services as family
from caseaudit.imports.models import Deviation, ImportRun, MappingProfile
from caseaudit.imports.profiles import ensure_builtin_profiles
from caseaudit.imports.services import profiles, runs
from caseaudit.imports.services import reconcile as reconciliation
from caseaudit.improvement.models import ImprovementPlan, RemedialAction, Stage, StageKind, Timescales
from caseaudit.improvement.services import deadlines, plans
from caseaudit.learning import calibration as learning_calibration
from caseaudit.learning import services as learning
from caseaudit.learning.models import RecommendationSource
from caseaudit.organisation.models import Person, PersonRole
from caseaudit.reporting import quotes as report_quotes
from caseaudit.trail.models import TrailEntry

from .audits.conftest import complete_draft
from .factories import ChildFactory
from .imports.files import LCS_HEADINGS, csv_bytes, lcs_row

pytestmark = pytest.mark.django_db(transaction=True)
TODAY = timezone.localdate


class HistoryFault:
    """Counts the change history's appends and makes the chosen one fail as a lost connection would."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.appends = 0
        self.fail_at: int | None = None
        real_save = TrailEntry.save

        def save(entry: TrailEntry, *args, **kwargs) -> None:
            if entry.pk is None:
                self.appends += 1
                if self.appends == self.fail_at:
                    raise OperationalError("server closed the connection unexpectedly")
            real_save(entry, *args, **kwargs)

        monkeypatch.setattr(TrailEntry, "save", save)


def audited_state() -> dict[str, list[dict]]:
    """Every row of every audited model, and the whole history."""
    state = {model._meta.label: list(model.objects.order_by("pk").values()) for model in auditlog.get_models()}
    state["history"] = list(TrailEntry.objects.order_by("sequence").values("sequence", "entry_hash"))
    return state


@dataclass
class Change:
    act: Callable[[], object]
    # "first" for a service that commits in steps (the upload, then its check): its first step must keep nothing.
    fail: str = "last"


def assert_all_or_nothing(change: Change, monkeypatch: pytest.MonkeyPatch) -> None:
    fault = HistoryFault(monkeypatch)
    before = audited_state()
    # A rehearsal, rolled back, counts the appends the change makes.
    with transaction.atomic():
        change.act()
        transaction.set_rollback(True)
    assert fault.appends, "the change wrote no history: this case tests nothing"
    assert audited_state() == before
    fault.fail_at, fault.appends = (1 if change.fail == "first" else fault.appends), 0
    with pytest.raises(OperationalError):
        change.act()
    assert audited_state() == before, "a record (or its history) was kept although its history entry failed"


# ---------------------------------------------------------------------------------------------------------------------
# What the services need, committed before the change is tried.


def _version():
    return tools.standard_tools_ensure()[0].current_version


def _draft(council, child="own"):
    return lifecycle.audit_open(
        child=council.children[child], auditor=council["auditor"], tool_version=_version(), due_on=None
    )


def _submitted(council, grade="good", critical=False):
    audit = _draft(council)
    return lifecycle.audit_submit(
        audit_id=audit.pk,
        by=council["auditor"],
        draft=complete_draft(audit, grade=grade, critical=critical),
        expected_version=audit.version,
    )


def _finalised(council, grade="good", critical=False):
    audit = _submitted(council, grade, critical)
    audit = lifecycle.audit_moderation_start(audit_id=audit.pk, moderator=council["moderator"])
    decision = lifecycle.ModerationDecision(
        overall_grade=grade, sections={j.section_id: (j.grade, "") for j in audit.judgements.all()}
    )
    # An inadequate grade opens its plan after the commit, through the real signal.
    return lifecycle.audit_moderate(
        audit_id=audit.pk, moderator=council["moderator"], decision=decision, expected_version=audit.version
    )


def _plan(council) -> ImprovementPlan:
    return ImprovementPlan.objects.get(audit=_finalised(council, grade="inadequate"))


def _graded_without_plan(council) -> Audit:
    """An audit finalised Inadequate whose plan never opened (the process died after the commit)."""
    audit = _draft(council)
    Audit.objects.filter(pk=audit.pk).update(status="finalised", final_grade="inadequate", finalised_at=timezone.now())
    return Audit.objects.select_related("child", "team", "worker", "auditor").get(pk=audit.pk)


def _source() -> RecommendationSource:
    return learning.recommendation_source_create(kind="case_review", title="Case review", reported_on=TODAY())


def _monthly_programme(council) -> Programme:
    return sampling.programme_create(
        service_area=council.team_a.service_area,
        month=TODAY(),
        tool_version=_version(),
        due_on=TODAY(),
        by=council["qa_admin"],
    )


def _proposed(council) -> Programme:
    programme = _monthly_programme(council)
    sampling.sample_propose(programme=programme, seed=1)
    return programme


def _extract(*case_ids: str, team="Team A") -> bytes:
    return csv_bytes(LCS_HEADINGS, [lcs_row(case_id, team=team) for case_id in case_ids])


def _deviation(council) -> Deviation:
    plan = _plan(council)
    row = lcs_row(plan.child.case_id, team="Team B", start=plan.child.opened_on.isoformat())
    ensure_builtin_profiles()
    runs.run_import("cases", csv_bytes(LCS_HEADINGS, [row]), filename="x.csv", actor=None, commit=True)
    return Deviation.objects.get(kind="transferred")


# ---------------------------------------------------------------------------------------------------------------------
# The cases, one per writing service: each builds what it needs and returns the change to try.


def audit_open(council, client):
    version = _version()
    return Change(
        lambda: lifecycle.audit_open(
            child=council.children["own"], auditor=council["auditor"], tool_version=version, due_on=None
        )
    )


def reaudit_open(council, client):
    earlier = _finalised(council)
    return Change(lambda: lifecycle.reaudit_open(earlier=earlier, auditor=council["auditor"], due_on=TODAY()))


def audit_save_draft(council, client):
    audit = _draft(council)
    return Change(
        lambda: lifecycle.audit_save_draft(
            audit_id=audit.pk, by=council["auditor"], draft=complete_draft(audit), expected_version=audit.version
        )
    )


def audit_submit(council, client):
    audit = _draft(council)
    return Change(
        lambda: lifecycle.audit_submit(
            audit_id=audit.pk, by=council["auditor"], draft=complete_draft(audit), expected_version=audit.version
        )
    )


def audit_moderation_start(council, client):
    audit = _submitted(council)
    return Change(lambda: lifecycle.audit_moderation_start(audit_id=audit.pk, moderator=council["moderator"]))


def audit_moderate(council, client):
    audit = _submitted(council)
    audit = lifecycle.audit_moderation_start(audit_id=audit.pk, moderator=council["moderator"])
    decision = lifecycle.ModerationDecision(
        overall_grade="good", sections={j.section_id: (j.grade, "") for j in audit.judgements.all()}
    )
    return Change(
        lambda: lifecycle.audit_moderate(
            audit_id=audit.pk, moderator=council["moderator"], decision=decision, expected_version=audit.version
        )
    )


def audit_return(council, client):
    audit = _submitted(council)
    return Change(
        lambda: returns.audit_return(
            audit_id=audit.pk, moderator=council["moderator"], reason="Quote the child", expected_version=audit.version
        )
    )


def audit_share(council, client):
    audit = _finalised(council)
    return Change(lambda: lifecycle.audit_share(audit_id=audit.pk, by=council["qa_admin"]))


def audit_acknowledge(council, client):
    audit = lifecycle.audit_share(audit_id=_finalised(council).pk, by=council["qa_admin"])
    return Change(
        lambda: lifecycle.audit_acknowledge(audit_id=audit.pk, by=council["social_worker"], response="Agreed")
    )


def audits_acknowledge(council, client):
    audits = [lifecycle.audit_share(audit_id=_finalised(council).pk, by=council["qa_admin"]) for _ in range(2)]
    # Both or neither: the second's history failing leaves the first unacknowledged too.
    return Change(
        lambda: acknowledgements.audits_acknowledge(audit_ids=[a.pk for a in audits], by=council["team_manager"])
    )


def critical_action_record(council, client):
    audit = _submitted(council, grade="inadequate", critical=True)
    return Change(
        lambda: lifecycle.critical_action_record(audit_id=audit.pk, by=council["team_manager"], action="Visited today")
    )


def activity_record(council, client):
    audit = _draft(council)
    return Change(
        lambda: lifecycle.activity_record(
            audit=audit, by=council["auditor"], kind="practitioner", happened_on=TODAY(), notes="Spoke to the worker"
        )
    )


def programme_create(council, client):
    version = _version()
    return Change(
        lambda: sampling.programme_create(
            service_area=council.team_a.service_area,
            month=TODAY(),
            tool_version=version,
            due_on=TODAY(),
            by=council["qa_admin"],
        )
    )


def themed_programme_create(council, client):
    version = _version()
    return Change(
        lambda: sampling.themed_programme_create(
            title="Neglect", tool_version=version, month=TODAY(), due_on=TODAY(), sample_size=2, by=council["qa_admin"]
        )
    )


def sample_propose(council, client):
    programme = _proposed(council)  # proposing again replaces the sample: the entries go one by one
    return Change(lambda: sampling.sample_propose(programme=programme, seed=1))


def sample_add(council, client):
    programme = _monthly_programme(council)
    case_id = council.children["colleagues"].case_id
    return Change(lambda: sampling.sample_add(programme=programme, case_id=case_id))


def sample_assign(council, client):
    entry_id = _proposed(council).sample.values_list("pk", flat=True)[0]
    PersonRole.objects.create(person=council["moderator"], role="auditor")
    return Change(
        lambda: sampling.sample_assign(entry=SampleEntry.objects.get(pk=entry_id), auditor=council["moderator"])
    )


def sample_assign_all(council, client):
    programme = _proposed(council)
    entry_id = programme.sample.values_list("pk", flat=True)[0]
    PersonRole.objects.create(person=council["moderator"], role="auditor")
    return Change(lambda: sampling.sample_assign_all(programme=programme, auditors={entry_id: council["moderator"]}))


def sample_remove(council, client):
    entry_id = _proposed(council).sample.values_list("pk", flat=True)[0]
    return Change(lambda: sampling.sample_remove(entry=SampleEntry.objects.get(pk=entry_id)))


def quotas_save(council, client):
    programme = _monthly_programme(council)
    quotas = list(programme.quotas.all())
    based_on = sampling.quotas_fingerprint(quotas)
    return Change(
        lambda: sampling.quotas_save(
            programme=programme, quotas={q.team_id: q.quota + 1 for q in quotas}, based_on=based_on
        )
    )


def programme_confirm(council, client):
    programme = _proposed(council)
    return Change(lambda: sampling.programme_confirm(programme=programme, by=council["qa_admin"]))


def audits_reassign(council, client):
    _draft(council)
    return Change(
        lambda: sampling.audits_reassign(
            from_person=council["auditor"], to_person=council["moderator"], by=council["qa_admin"]
        )
    )


def tool_create(council, client):
    return Change(
        lambda: tools.tool_create(name="Short tool", kind="themed", sections=[tools.SectionSpec("Voice", ["Seen?"])])
    )


def tool_revise(council, client):
    tool = tools.standard_tools_ensure()[0]
    sections = [tools.SectionSpec("Voice of the Child", ["Seen alone?", "Wishes recorded?"])]
    return Change(lambda: tools.tool_revise(tool=tool, sections=sections, by=council["qa_admin"], note="Shorter"))


def token_create_personal(council, client):
    return Change(lambda: api.token_create_personal(person=council["qa_admin"], name="Spreadsheet"))


def token_create_service(council, client):
    return Change(lambda: api.token_create_service(created_by=council["qa_admin"], name="BI", scopes=["read:reports"]))


def token_revoke(council, client):
    token_id = api.token_create_personal(person=council["qa_admin"], name="Spreadsheet")[0].pk
    return Change(lambda: api.token_revoke(token=ApiToken.objects.get(pk=token_id)))


def learning_entry_record(council, client):
    return Change(
        lambda: learning.learning_entry_record(
            by=council["qa_admin"],
            kind="briefing",
            title="Visiting",
            happened_on=TODAY(),
            summary="What we learnt",
            themes=["Voice of the Child"],
        )
    )


def learning_entry_page(council, client):
    """The page's own path to the service, as the load probe saw it fail."""
    _version()  # the form lists the standard tool's practice areas
    client.force_login(council["qa_admin"])
    data = {"kind": "briefing", "title": "Learning from audits", "happened_on": "2026-03-02", "summary": "Plans"}
    return Change(lambda: client.post("/learning/new", data))


def recommendation_source_create(council, client):
    return Change(lambda: learning.recommendation_source_create(kind="inspection", title="Ofsted", reported_on=TODAY()))


def recommendation_add(council, client):
    source = _source()
    return Change(
        lambda: learning.recommendation_add(
            source=source,
            text="Visit more often",
            agreed_action="Brief teams",
            owner=council["service_manager"],
            raised_on=TODAY(),
            due_on=TODAY(),
        )
    )


def follow_up_record(council, client):
    recommendation = learning.recommendation_add(
        source=_source(),
        text="Visit",
        agreed_action="Brief",
        owner=council["service_manager"],
        raised_on=TODAY(),
        due_on=TODAY(),
    )
    return Change(
        lambda: learning.follow_up_record(
            recommendation_id=recommendation.pk,
            by=council["qa_admin"],
            status="partially",
            evidence="Two teams briefed",
            reviewed_on=TODAY(),
        )
    )


def import_case_extract(council, client):
    ensure_builtin_profiles()
    data = _extract("NEW1", "NEW2", team="Team Z")  # a new team too, made through the ORM
    return Change(lambda: runs.run_import("cases", data, filename="x.csv", actor=council["qa_admin"], commit=True))


def import_historic_audits(council, client):
    _version()
    head = ["Audit_Ref", "CHILD_ID", "team", "audit_date", "audit_kind", "overall_grade", "activities"]
    data = csv_bytes(head, [["H-1", council.children["own"].case_id, "Team A", "2024-01-15", "case file", "Good", "2"]])
    return Change(lambda: runs.run_import("audits", data, filename="h.csv", actor=council["qa_admin"], commit=True))


def import_upload(council, client):
    ensure_builtin_profiles()
    upload = SimpleUploadedFile("extract.csv", _extract("NEW1"))

    def act():
        upload.seek(0)
        return runs.start(kind="cases", upload=upload, actor=council["qa_admin"])

    return Change(act, fail="first")


def import_commit(council, client):
    ensure_builtin_profiles()
    run = runs.start(kind="cases", upload=SimpleUploadedFile("e.csv", _extract("NEW1")), actor=council["qa_admin"])
    return Change(lambda: runs.commit(run_id=run.pk, actor=council["qa_admin"]), fail="first")


def import_cancel(council, client):
    ensure_builtin_profiles()
    run = runs.start(kind="cases", upload=SimpleUploadedFile("e.csv", _extract("NEW1")), actor=council["qa_admin"])
    return Change(lambda: runs.cancel(run_id=run.pk))


def import_fail_stale(council, client):
    import datetime

    from django.utils import timezone

    ensure_builtin_profiles()
    run = runs.start(kind="cases", upload=SimpleUploadedFile("e.csv", _extract("NEW1")), actor=council["qa_admin"])
    stopped = timezone.now() - datetime.timedelta(minutes=5)
    ImportRun.objects.filter(pk=run.pk).update(status="checking", heartbeat_at=stopped)  # its process died
    return Change(runs.fail_stale)


def profile_save(council, client):
    return Change(
        lambda: profiles.profile_save(
            profile=MappingProfile(name="Ours", system="LCS", columns={"case_id": "ID"}),
            expected_version=None,
            by=council["qa_admin"],
        )
    )


def reconcile(council, client):
    deviation = _deviation(council)
    Deviation.objects.filter(pk=deviation.pk).delete()
    return Change(lambda: reconciliation.reconcile())


def deviation_acknowledge(council, client):
    deviation = _deviation(council)
    return Change(
        lambda: reconciliation.deviation_acknowledge(deviation_id=deviation.pk, by=council["qa_admin"], note="Told")
    )


def deviation_escalate(council, client):
    deviation = _deviation(council)
    return Change(
        lambda: reconciliation.deviation_escalate(deviation_id=deviation.pk, by=council["qa_admin"], note="Please")
    )


def plan_open(council, client):
    audit_id = _graded_without_plan(council).pk
    return Change(lambda: plans.plan_open(audit=Audit.objects.get(pk=audit_id)))


def run_deadlines(council, client):
    _graded_without_plan(council)  # the job opens the plan the signal missed
    return Change(lambda: deadlines.run_deadlines(today=TODAY()))


def meeting_record(council, client):
    plan = _plan(council)
    action = plans.ActionSpec("Update the plan", council["social_worker"], TODAY())
    return Change(
        lambda: plans.meeting_record(
            plan_id=plan.pk, by=council["practice_lead"], held_on=TODAY(), attendees="All", actions=[action]
        )
    )


def review_complete(council, client):
    plan = _plan(council)
    return Change(lambda: plans.review_complete(plan_id=plan.pk, by=council["service_manager"], outcome="Agreed"))


def caseload_decide(council, client):
    _plan(council)
    second = ChildFactory(team=council.team_a, allocated_worker=council["social_worker"])
    plan = ImprovementPlan.objects.get(audit=_finalised_child(council, second))
    return Change(
        lambda: plans.caseload_decide(plan_id=plan.pk, by=council["team_manager"], decision="required", reason="")
    )


def _finalised_child(council, child):
    council.children["second"] = child
    audit = lifecycle.audit_open(child=child, auditor=council["auditor"], tool_version=_version(), due_on=None)
    audit = lifecycle.audit_submit(
        audit_id=audit.pk, by=council["auditor"], draft=complete_draft(audit, grade="inadequate"), expected_version=1
    )
    audit = lifecycle.audit_moderation_start(audit_id=audit.pk, moderator=council["moderator"])
    decision = lifecycle.ModerationDecision(
        overall_grade="inadequate", sections={j.section_id: (j.grade, "") for j in audit.judgements.all()}
    )
    return lifecycle.audit_moderate(
        audit_id=audit.pk, moderator=council["moderator"], decision=decision, expected_version=audit.version
    )


def caseload_complete(council, client):
    _plan(council)
    plan = ImprovementPlan.objects.get(
        audit=_finalised_child(council, ChildFactory(team=council.team_a, allocated_worker=council["social_worker"]))
    )
    plans.caseload_decide(plan_id=plan.pk, by=council["team_manager"], decision="required", reason="")
    return Change(lambda: plans.caseload_complete(plan_id=plan.pk, by=council["service_manager"], findings="12 read"))


def action_complete(council, client):
    plan = _plan(council)
    action = plans.ActionSpec("Update the plan", council["social_worker"], TODAY())
    plans.meeting_record(
        plan_id=plan.pk, by=council["practice_lead"], held_on=TODAY(), attendees="All", actions=[action]
    )
    remedial = RemedialAction.objects.get(plan=plan)
    return Change(lambda: plans.action_complete(action_id=remedial.pk, by=council["social_worker"], evidence="Done"))


def responsible_change(council, client):
    plan = _plan(council)
    return Change(
        lambda: plans.responsible_change(
            plan_id=plan.pk, by=council["qa_admin"], responsible=council["team_manager"], role="team_manager"
        )
    )


def plan_try_close(council, client):
    plan = _plan(council)
    Stage.objects.filter(plan=plan).exclude(kind=StageKind.CLOSURE).update(completed_on=TODAY())
    return Change(lambda: plans.plan_try_close(plan_id=plan.pk))


def retention_run(council, client):
    ChildFactory(team=council.team_a, closed_on=datetime.date(2025, 1, 31), date_of_birth=datetime.date(2000, 1, 1))
    return Change(lambda: retention_apply(today=datetime.date(2031, 2, 1), by=council["qa_admin"], commit=True))


def create_superuser(council, client):
    return Change(lambda: Person.objects.create_superuser("new.admin@council.example", "Correct-horse-battery-9"))


def timescales_defaults(council, client):
    Timescales.objects.all().delete()
    return Change(Timescales.current)


def person_for_provider_account(council, client):
    return Change(
        lambda: accounts_services.person_for_provider_account(
            issuer="https://login.council.example", subject="sub-1", email=council["auditor"].email
        )
    )


def person_groups_apply(council, client):
    def act():
        maps = {"CASEAUDIT_OIDC_GROUP_ROLES": {"QA": "qa_admin", "Auditors": "auditor"}}
        with override_settings(**maps, CASEAUDIT_OIDC_GROUP_TEAMS={"B": "Team B"}):
            person = Person.objects.get(pk=council["auditor"].pk)
            return accounts_services.person_groups_apply(person=person, groups=["QA", "B"], issuer="https://idp")

    return Change(act)


def staff_sync_file(council, client):
    """A joiner, a change and a leaver (with a personal token), in one file."""
    api.token_create_personal(person=council["colleague"], name="Power BI")  # the leaver's, committed before
    data = (
        b"email,name,team,role,active\n"
        b"new.joiner@council.example,New Joiner,Team B,Social worker,true\n"
        b"social_worker@council.example,Renamed,Team B,Auditor,true\n"
        b"colleague@council.example,Colleague,Team A,Social worker,false\n"
    )
    return Change(lambda: staff_sync.staff_sync_file(data=data, filename="staff.csv", commit=True))


def family_invitation_create(council, client):
    audit = _draft(council)
    family.questionnaires_ensure()
    return Change(
        lambda: family.invitation_create(
            audit=audit, by=council["auditor"], recipient_name="Jo", relationship="Mother", channel="letter"
        )
    )


def family_invitation_revoke(council, client):
    invitation, _ = family.invitation_create(
        audit=_draft(council), by=council["auditor"], recipient_name="Jo", relationship="Mother", channel="letter"
    )
    return Change(lambda: family.invitation_revoke(invitation=invitation, by=council["auditor"]))


def family_response_submit(council, client):
    _, raw = family.invitation_create(
        audit=_draft(council), by=council["auditor"], recipient_name="Jo", relationship="Mother", channel="letter"
    )
    return Change(lambda: family.response_submit(raw_token=raw, sent=family.FamilyAnswers(anything_else="Thanks")))


def family_questionnaires_ensure(council, client):
    # Emptied first, so the defaults are written whatever ran before (the data migration adds them, and a
    # transactional test's flush takes them away again).
    from caseaudit.family.models import Question, Questionnaire, QuestionnaireVersion

    Question.objects.all().delete()
    QuestionnaireVersion.objects.all().delete()
    Questionnaire.objects.all().delete()
    return Change(family.questionnaires_ensure)


def questionnaire_publish(council, client):
    from caseaudit.family.models import Questionnaire
    from caseaudit.family.questionnaires import QuestionSpec

    family.questionnaires_ensure()
    questionnaire = Questionnaire.objects.get(audience="parent_carer", builtin=True)
    based_on = questionnaire.current_version.number
    questions = [
        QuestionSpec("Was it clear?", "choice", ("Yes", "No")),
        QuestionSpec("Anything to change?", "free_text"),
    ]
    return Change(
        lambda: family_questionnaires.questionnaire_publish(
            questionnaire_id=questionnaire.pk, questions=questions, based_on=based_on, by=council["qa_admin"]
        )
    )


def _calibration(council):
    from caseaudit.learning.calibration import calibration_session_create

    return calibration_session_create(
        by=council["qa_admin"], title="Calibration", held_on=TODAY(), vignette="A family of four."
    )


def calibration_session_create(council, client):
    from caseaudit.learning import calibration

    return Change(
        lambda: calibration.calibration_session_create(
            by=council["qa_admin"], title="Calibration", held_on=TODAY(), vignette="A family of four."
        )
    )


def calibration_grade_submit(council, client):
    from caseaudit.learning import calibration

    session = _calibration(council)
    grades = {s.pk: "good" for s in session.tool_version.sections.all()}
    return Change(
        lambda: calibration.calibration_grade_submit(
            session_id=session.pk, by=council["auditor"], overall="good", sections=grades
        )
    )


def calibration_close(council, client):
    from caseaudit.learning import calibration

    session = _calibration(council)
    grades = {s.pk: "good" for s in session.tool_version.sections.all()}
    PersonRole.objects.create(person=council["moderator"], role="auditor")
    for person in ("auditor", "moderator"):
        calibration.calibration_grade_submit(session_id=session.pk, by=council[person], overall="good", sections=grades)
    return Change(
        lambda: calibration.calibration_close(
            session_id=session.pk,
            by=council["qa_admin"],
            agreed_overall="good",
            agreed_sections=grades,
            learning_points="Agreed.",
        )
    )


def family_reminders_send(council, client):
    invitation, _ = family.invitation_create(
        audit=_draft(council), by=council["auditor"], recipient_name="Jo", relationship="Mother", channel="email",
        contact="jo@family.example",
    )  # fmt: skip
    return Change(lambda: family_sending.reminders_send(now=invitation.expires_at - datetime.timedelta(days=4)))


def _family_answer(council):
    _, raw = family.invitation_create(
        audit=_draft(council), by=council["auditor"], recipient_name="Jo", relationship="Mother", channel="letter"
    )
    return family.response_submit(raw_token=raw, sent=family.FamilyAnswers(anything_else="Thanks"))


def quote_pick(council, client):
    response = _family_answer(council)
    return Change(
        lambda: report_quotes.quote_pick(
            response_id=response.pk, source="anything_else", text="Thanks", by=council["qa_admin"]
        )
    )


def quote_remove(council, client):
    response = _family_answer(council)
    quote = report_quotes.quote_pick(
        response_id=response.pk, source="anything_else", text="Thanks", by=council["qa_admin"]
    )
    return Change(lambda: report_quotes.quote_remove(quote_id=quote.pk, by=council["qa_admin"]))


def family_contact_request_open(council, client):
    """A "please contact me" answer: the answers, the activity and the team manager's action, or none of them."""
    _, raw = family.invitation_create(
        audit=_draft(council), by=council["auditor"], recipient_name="Jo", relationship="Mother", channel="letter"
    )
    return Change(lambda: family.response_submit(raw_token=raw, sent=family.FamilyAnswers(contact_me=True)))


def family_contact_record(council, client):
    _, raw = family.invitation_create(
        audit=_draft(council), by=council["auditor"], recipient_name="Jo", relationship="Mother", channel="letter"
    )
    contact = family.response_submit(raw_token=raw, sent=family.FamilyAnswers(contact_me=True)).contact_request
    return Change(
        lambda: family_contacts.contact_record(
            contact_id=contact.pk, by=council["team_manager"], contacted_on=TODAY(), note="Rang.", expected_version=1
        )
    )


CASES = [
    audit_open, reaudit_open, audit_save_draft, audit_submit, audit_moderation_start, audit_moderate, audit_return, audit_share,
    audit_acknowledge, audits_acknowledge, critical_action_record, activity_record,
    programme_create, themed_programme_create, sample_propose, sample_add, sample_remove, quotas_save, sample_assign, sample_assign_all,
    programme_confirm,
    audits_reassign, tool_create, tool_revise,
    token_create_personal, token_create_service, token_revoke,
    learning_entry_record, learning_entry_page, recommendation_source_create, recommendation_add, follow_up_record,
    import_case_extract, import_historic_audits, import_upload, import_commit, import_cancel, import_fail_stale,
    profile_save,
    reconcile, deviation_acknowledge, deviation_escalate,
    plan_open, run_deadlines, meeting_record, review_complete, caseload_decide, caseload_complete, action_complete,
    responsible_change, plan_try_close,
    retention_run, create_superuser, timescales_defaults,
    person_for_provider_account, person_groups_apply, staff_sync_file,
    family_invitation_create, family_invitation_revoke, family_response_submit, family_questionnaires_ensure,
    family_reminders_send, questionnaire_publish, calibration_session_create, calibration_grade_submit,
    calibration_close, family_contact_request_open, family_contact_record, quote_pick, quote_remove,
]  # fmt: skip


@pytest.mark.parametrize("case", CASES, ids=lambda case: case.__name__)
def test_a_failed_history_write_leaves_neither_the_record_nor_its_history(case, council, client, monkeypatch):
    assert_all_or_nothing(case(council, client), monkeypatch)


# Cases named after the step a person takes rather than the function.
CASE_FOR = {
    "run_import": "import_case_extract",
    "start": "import_upload",
    "commit": "import_commit",
    "cancel": "import_cancel",
    "fail_stale": "import_fail_stale",
    "plan_event_record": "deviation_escalate",
    "staff_sync": "staff_sync_file",
    "tokens_revoke_for_leaver": "staff_sync_file",  # sent by staff sync for each leaver (accounts.signals)
    "invitation_create": "family_invitation_create",
    "invitation_revoke": "family_invitation_revoke",
    "response_submit": "family_response_submit",
    "questionnaires_ensure": "family_questionnaires_ensure",
    "reminders_send": "family_reminders_send",
    "family_messages_run": "family_reminders_send",  # the reminders, then the message ledger
    "contact_request_open": "family_contact_request_open",  # inside response_submit's transaction
    "contact_record": "family_contact_record",
}
# Functions in the services modules that write nothing the change history records.
NO_HISTORY = {
    "may_audit", "incomplete_fields", "moderation_errors", "share_recipients", "eligible_children", "auditor_pool",
    "choose_auditor", "quotas_check", "quotas_fingerprint", "standard_tools_ensure", "tool_fingerprint", "version_as_specs",
    "caseload_review_due", "next_working_day", "stage_holders", "find_deviations",
    "recommendations_due", "check_meeting_cover",  # the message ledger, which is not an audited record
    "reaudit_outcome", "plans_catch_up",  # called only inside plan_open's and run_deadlines' transactions
    "meeting_refusal", "review_refusal", "caseload_refusal",  # who may record a stage: reads only
    "beat",  # an import's heartbeat: update() of a column the history does not record
    "run_task",  # an import's task: the check or commit, each writing the run and its history in one transaction
    "audit_label",  # words for a message
    "draft_from_audit", "grade_rank", "overall_outside_areas", "contradiction_message", "off_scale_fields",  # reads
    "lock_audit",  # called only inside the services' own transactions
    "answer_link", "invitation_for_token",  # family feedback: words for a message, and a read
    "uk_mobile", "personalisation",  # family feedback: a check, and words for a message
    "questions_as_lines", "questions_from_lines",  # questionnaires: words for the page, and a check
    "may_take_part", "may_run", "calibration_spread",  # calibration sessions: who may, and a read
    "message_claim",  # called only inside invitation_create's and reminders_send's transactions
    "message_deliver", "messages_deliver_due",  # the family's message ledger, which is not an audited record
    "contact_requests_due",  # a family's contact request: reminders and escalations, in the message ledger
    "names_removed", "written_answer", "written_answers_in",  # report quotes: words and reads
    "draft_save",  # a family's answers saved for later: only Invitation.draft, which the history leaves out (apps.py)
    # Evidence packs hold aggregate figures and are not in the change history, as reports are not (decision 0105).
    "pack_title", "current_figures", "pack_create", "pack_save", "pack_themes_refresh",
}  # fmt: skip


def test_every_writing_service_has_a_case():
    """A new service function needs its case above, or a place in NO_HISTORY."""
    covered = {case.__name__ for case in CASES} | set(CASE_FOR)
    assert set(CASE_FOR.values()) <= {case.__name__ for case in CASES}
    modules = [
        lifecycle,
        returns,
        acknowledgements,
        sampling,
        tools,
        api,
        learning,
        plans,
        deadlines,
        profiles,
        reconciliation,
        runs,
    ]
    modules += [
        accounts_services,
        staff_sync,
        family,
        family_sending,
        family_questionnaires,
        family_contacts,
        report_quotes,
        learning_calibration,
        evidence_services,
    ]
    services = {
        name
        for module in modules
        for name, value in vars(module).items()
        if callable(value)
        and getattr(value, "__module__", "") == module.__name__
        and not name.startswith("_")
        and not isinstance(value, type)
    }
    assert services - NO_HISTORY - covered == set()


def test_a_connection_really_terminated_between_the_row_and_its_history_leaves_neither(council, monkeypatch):
    """Issue 43, point 1, as it was seen: PostgreSQL's connection terminated (pg_terminate_backend, from another
    session) after the activity's row is written and before its history entry is: nothing of either is kept."""
    from django.db import InterfaceError, connection

    if connection.vendor != "postgresql":
        pytest.skip("pg_terminate_backend is PostgreSQL's; the fault cases above cover SQLite")
    import psycopg

    audit = _draft(council)
    before = audited_state()
    real_save = TrailEntry.save
    terminated = []

    def save(entry: TrailEntry, *args, **kwargs) -> None:
        if entry.pk is None and not terminated:
            s = connection.settings_dict
            with psycopg.connect(
                host=s["HOST"] or "127.0.0.1", port=s["PORT"] or 5432, user=s["USER"], dbname=s["NAME"], autocommit=True
            ) as admin:
                admin.execute("SELECT pg_terminate_backend(%s)", [connection.connection.info.backend_pid])
            terminated.append(True)
        real_save(entry, *args, **kwargs)

    monkeypatch.setattr(TrailEntry, "save", save)
    with pytest.raises((OperationalError, InterfaceError)):
        lifecycle.activity_record(
            audit=audit, by=council["auditor"], kind="practitioner", happened_on=TODAY(), notes="Spoke to the worker"
        )
    assert terminated
    connection.close()  # the next query opens a new connection, as the next request would
    monkeypatch.undo()
    assert audited_state() == before, "the activity (or its history) was kept although the connection was lost"
