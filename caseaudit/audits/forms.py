"""Forms for audits. They gather input only; the rules live in services."""

from __future__ import annotations

from dateutil.relativedelta import relativedelta
from django import forms

from caseaudit.organisation.models import Person
from caseaudit.web.forms import GovukForm, GovukRadios, date_field
from caseaudit.web.longtext import LongTextField

from . import scales
from .grades import Answer as AnswerChoice
from .models import ActivityKind, Audit, QuestionKind, SampleEntry
from .selectors import auditor_label, auditors_with_load
from .services.lifecycle import AuditDraft, ModerationDecision
from .services.sampling import quotas_fingerprint

# Stated limits for free text (issue 37: 20,000 characters were accepted silently). Evidence and answers are
# a few paragraphs; the overall summaries can run longer. The model columns are unbounded: old and imported
# text is never cut, only new typing is held to these.
EVIDENCE_LIMIT = 5_000
SUMMARY_LIMIT = 10_000


def grade_field(label: str, scale: scales.Scale, required: bool = False, **kwargs) -> forms.ChoiceField:
    """The grades of the tool's scale (audits/scales.py), best first."""
    # Each grade's descriptor sits under its radio, so the auditor reads what it means as they choose. A scaling
    # question's eleven points sit in a row, like the scale they are on.
    attrs = {"inline": True, "small": True} if len(scale.grades) > 4 else None
    widget = GovukRadios(attrs=attrs, option_hints=scale.hints)
    field = forms.ChoiceField(label=label, choices=scale.grades, required=required, widget=widget, **kwargs)
    field.legend_class = "govuk-fieldset__legend--s"
    return field


class ServiceRefusalForm(GovukForm):
    """A form a service may refuse after it is valid, with messages per field (AuditIncomplete).

    The page is built again with those messages passed as `refused`: they become the form's own errors
    while it cleans, so each box is marked and described by its message as any other error is."""

    def __init__(self, *args, refused: dict[str, str] | None = None, **kwargs) -> None:
        self.refused = refused or {}
        super().__init__(*args, **kwargs)

    def clean(self):
        data = super().clean()
        for name, message in self.refused.items():
            self.add_error(name if name in self.fields else None, message)
        return data


def _section_fields(section, judgement, answers, scale: scales.Scale) -> tuple[dict[str, forms.Field], dict, dict]:
    """One practice area's questions, grade and evidence: (fields, their initial values, the entry the
    template walks)."""
    fields: dict[str, forms.Field] = {}
    initial: dict = {}
    question_names = []
    for question in section.questions.all():
        name = f"question_{question.pk}"
        question_names.append(name)
        answer = answers.get(question.pk)
        if question.kind == QuestionKind.TEXT:
            fields[name] = LongTextField(
                label=question.text, max_length=EVIDENCE_LIMIT, what=f"The answer to ‘{question.text}’", rows=3
            )
            initial[name] = answer.text if answer else ""
        else:
            fields[name] = forms.ChoiceField(
                label=question.text,
                choices=AnswerChoice.choices,
                required=False,
                widget=GovukRadios(attrs={"inline": True, "small": True}),
            )
            initial[name] = answer.choice if answer else ""
    grade_name, evidence_name = f"section_{section.pk}_grade", f"section_{section.pk}_evidence"
    fields[grade_name] = grade_field(f"Grade for {section.title}", scale)
    # Required only on submission (the submit service says so): a draft saves whatever is typed.
    evidence_label = f"Evidence for {section.title}"
    fields[evidence_name] = LongTextField(
        label=evidence_label if section.evidence_required else f"{evidence_label} (optional)",
        max_length=EVIDENCE_LIMIT,
        what=evidence_label,
        help_text="What in the file supports this grade",
    )
    initial[grade_name] = judgement.grade if judgement else ""
    initial[evidence_name] = judgement.evidence if judgement else ""
    entry = {"section": section, "questions": question_names, "grade": grade_name, "evidence": evidence_name}
    return fields, initial, entry


OVERALL_TEXTS = (
    ("strengths", "Strengths"),
    ("areas_for_development", "Areas for development"),
    ("recommended_actions", "Recommended actions"),
)


def _overall_fields(audit: Audit) -> tuple[dict[str, forms.Field], dict]:
    fields: dict[str, forms.Field] = {"overall_grade": grade_field("Overall grade", audit.tool_version.grading_scale)}
    fields["is_critical"] = forms.BooleanField(
        label="Inadequate – critical: there is an immediate safeguarding concern",
        required=False,
        help_text="The child's team manager and service manager are emailed at once.",
    )
    initial = {"overall_grade": audit.overall_grade, "is_critical": audit.is_critical}
    for name, label in OVERALL_TEXTS:
        fields[name] = LongTextField(label=label, max_length=SUMMARY_LIMIT, rows=4)
        initial[name] = getattr(audit, name)
    return fields, initial


def _reason_field() -> LongTextField:
    return LongTextField(
        label="Why is the overall grade outside the range of the practice areas' grades?",
        max_length=EVIDENCE_LIMIT,
        what="The reason for the overall grade",
        rows=3,
        help_text="Needed only when the overall grade is better than every practice area's or worse than every one's",
    )


class AuditForm(ServiceRefusalForm):
    """Every section's questions, grade and evidence, then the overall judgement, on one page: for those
    who prefer to write the whole audit at once (the task list's pages are the usual way in).

    Nothing is required here: drafts save whatever is typed, and the submit
    service says what is missing (so a refused submission loses nothing).
    """

    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, audit: Audit, **kwargs) -> None:
        self.audit = audit
        self.sections = []
        initial = {"version": audit.version}
        judgements = {j.section_id: j for j in audit.judgements.all()}
        answers = {a.question_id: a for a in audit.answers.all()}
        fields: dict[str, forms.Field] = {}
        for section in audit.tool_version.sections.prefetch_related("questions"):
            section_fields, section_initial, entry = _section_fields(
                section, judgements.get(section.pk), answers, audit.tool_version.grading_scale
            )
            fields.update(section_fields)
            initial.update(section_initial)
            self.sections.append(entry)
        overall_fields, overall_initial = _overall_fields(audit)
        fields.update(overall_fields)
        initial.update(overall_initial)
        fields["overall_grade_reason"] = _reason_field()
        initial["overall_grade_reason"] = audit.overall_grade_reason
        super().__init__(*args, initial=initial, **kwargs)
        self.fields.update(fields)
        self.apply_govuk_classes()

    def to_draft(self) -> AuditDraft:
        data = self.cleaned_data
        draft = AuditDraft(
            overall_grade=data.get("overall_grade", ""),
            is_critical=bool(data.get("is_critical")),
            strengths=data.get("strengths", ""),
            areas_for_development=data.get("areas_for_development", ""),
            recommended_actions=data.get("recommended_actions", ""),
            overall_grade_reason=data.get("overall_grade_reason", ""),
        )
        for entry in self.sections:
            _section_into_draft(draft, entry, data)
        return draft


def _section_into_draft(draft: AuditDraft, entry: dict, data: dict) -> None:
    section = entry["section"]
    draft.sections[section.pk] = (data.get(entry["grade"], ""), data.get(entry["evidence"], ""))
    for question in section.questions.all():
        value = data.get(f"question_{question.pk}", "")
        draft.answers[question.pk] = ("", value) if question.kind == QuestionKind.TEXT else (value, "")


class AreaForm(ServiceRefusalForm):
    """One practice area of the task list: its questions, grade and evidence. Saving it leaves the other
    areas and the overall judgement as they are."""

    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, audit: Audit, section, **kwargs) -> None:
        self.audit = audit
        judgement = audit.judgements.filter(section=section).first()
        answers = {a.question_id: a for a in audit.answers.filter(question__section=section)}
        fields, initial, self.entry = _section_fields(section, judgement, answers, audit.tool_version.grading_scale)
        initial["version"] = audit.version
        super().__init__(*args, initial=initial, **kwargs)
        self.fields.update(fields)
        self.apply_govuk_classes()

    def to_draft(self) -> AuditDraft:
        draft = AuditDraft(includes_overall=False)
        _section_into_draft(draft, self.entry, self.cleaned_data)
        return draft


class SummaryForm(ServiceRefusalForm):
    """The overall judgement and summary, the task list's last part before checking."""

    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, audit: Audit, **kwargs) -> None:
        self.audit = audit
        fields, initial = _overall_fields(audit)
        initial["version"] = audit.version
        super().__init__(*args, initial=initial, **kwargs)
        self.fields.update(fields)
        self.apply_govuk_classes()

    def to_draft(self) -> AuditDraft:
        data = self.cleaned_data
        return AuditDraft(
            overall_grade=data.get("overall_grade", ""),
            is_critical=bool(data.get("is_critical")),
            strengths=data.get("strengths", ""),
            areas_for_development=data.get("areas_for_development", ""),
            recommended_actions=data.get("recommended_actions", ""),
            # Not on this page: kept as saved (the check page asks for it when the grades call for it).
            overall_grade_reason=self.audit.overall_grade_reason,
        )


class CheckForm(ServiceRefusalForm):
    """Check your answers: submitting sends what the page shows, with a reason where the overall grade
    lies outside the areas' grades."""

    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, audit: Audit, **kwargs) -> None:
        self.audit = audit
        super().__init__(
            *args, initial={"version": audit.version, "overall_grade_reason": audit.overall_grade_reason}, **kwargs
        )
        self.fields["overall_grade_reason"] = _reason_field()
        self.apply_govuk_classes()


class ReturnForm(GovukForm):
    version = forms.IntegerField(widget=forms.HiddenInput)
    reason = LongTextField(
        label="What does the auditor need to change?",
        max_length=EVIDENCE_LIMIT,
        what="What the auditor needs to change",
        required=True,
        help_text="The auditor is emailed this. Everything they wrote is kept.",
        error_messages={"required": "Say what the auditor needs to change"},
    )


class ModerationForm(ServiceRefusalForm):
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, audit: Audit, **kwargs) -> None:
        self.audit = audit
        self.rows = []
        fields: dict[str, forms.Field] = {}
        scale = audit.tool_version.grading_scale
        initial = {"version": audit.version, "overall_grade": audit.moderated_overall_grade or audit.overall_grade}
        for judgement in audit.judgements.select_related("section"):
            grade_name, reason_name = f"section_{judgement.section_id}_grade", f"section_{judgement.section_id}_reason"
            fields[grade_name] = grade_field(f"Moderated grade for {judgement.section.title}", scale)
            fields[reason_name] = LongTextField(
                label=f"Reason for changing the grade for {judgement.section.title}",
                max_length=EVIDENCE_LIMIT,
                rows=3,
                help_text="Needed only if you change the grade",
            )
            initial[grade_name] = judgement.moderated_grade or judgement.grade
            initial[reason_name] = judgement.moderation_reason
            self.rows.append({"judgement": judgement, "grade": grade_name, "reason": reason_name})
        fields["overall_grade"] = grade_field("Moderated overall grade", scale)
        fields["overall_reason"] = LongTextField(
            label="Reason for changing the overall grade",
            max_length=EVIDENCE_LIMIT,
            rows=3,
            help_text="Needed only if you change the grade",
        )
        super().__init__(*args, initial=initial, **kwargs)
        self.fields.update(fields)
        self.apply_govuk_classes()

    def to_decision(self) -> ModerationDecision:
        data = self.cleaned_data
        return ModerationDecision(
            overall_grade=data.get("overall_grade", ""),
            overall_reason=data.get("overall_reason", ""),
            sections={
                row["judgement"].section_id: (data.get(row["grade"], ""), data.get(row["reason"], ""))
                for row in self.rows
            },
        )


class ActivityForm(GovukForm):
    kind = forms.ChoiceField(
        label="What was done",
        choices=ActivityKind.choices,
        widget=GovukRadios,
        error_messages={"required": "Select what was done"},
    )
    happened_on = date_field(
        "Date", required_message="Enter the date", invalid_message="Enter a real date, like 27/03/2026"
    )
    notes = LongTextField(label="Notes", max_length=EVIDENCE_LIMIT, rows=4)
    family_words = LongTextField(
        label="What the family said, in their own words",
        max_length=EVIDENCE_LIMIT,
        what="What the family said",
        rows=4,
        help_text="For family feedback: write their words, not a summary",
    )


class AcknowledgeForm(GovukForm):
    response = LongTextField(
        label="Your response (optional)",
        max_length=EVIDENCE_LIMIT,
        what="Your response",
        help_text="Anything you want the QA team and your manager to know",
    )


class CriticalActionForm(GovukForm):
    action = LongTextField(
        label="What action was taken to keep the child safe?",
        max_length=EVIDENCE_LIMIT,
        what="The action taken",
        required=True,
        error_messages={"required": "Describe the action taken"},
    )


class ReassignForm(GovukForm):
    from_person = forms.ModelChoiceField(
        label="Move the open audits of",
        queryset=Person.objects.none(),
        empty_label="Choose a person",
        error_messages={"required": "Select whose audits to move"},
    )
    to_person = forms.ModelChoiceField(
        label="To",
        queryset=Person.objects.none(),
        empty_label="Choose an auditor",
        error_messages={"required": "Select who takes them"},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["from_person"].queryset = (
            Person.objects.filter(audits_to_do__status="draft").distinct().order_by("full_name")
        )
        # Who takes them is chosen knowing their team and how many audits they already have.
        self.fields["to_person"].queryset = auditors_with_load()
        self.fields["to_person"].label_from_instance = auditor_label

    def clean(self):
        data = super().clean()
        if data.get("from_person") and data.get("from_person") == data.get("to_person"):
            self.add_error("to_person", "Choose someone else to take the audits")
        return data


def set_month_choices(field: forms.ChoiceField, today) -> None:
    """Last month, this month and the next two: the months a programme is planned for."""
    first = today.replace(day=1)
    months = [first + relativedelta(months=n) for n in (-1, 0, 1, 2)]
    field.choices = [(m.isoformat(), f"{m:%B %Y}") for m in months]
    field.initial = first.isoformat()


class ProgrammeForm(GovukForm):
    service_area = forms.ModelChoiceField(
        label="Service area",
        queryset=None,
        empty_label="Choose a service area",
        error_messages={"required": "Select a service area"},
    )
    month = forms.ChoiceField(label="Month", choices=(), error_messages={"required": "Select a month"})
    tool = forms.ModelChoiceField(
        label="Audit tool",
        queryset=None,
        empty_label="Choose an audit tool",
        error_messages={"required": "Select an audit tool"},
    )
    due_on = date_field(
        "Audits due by",
        required_message="Enter the date the audits are due",
        invalid_message="Enter a real date, like 28/03/2026",
    )
    default_quota = forms.IntegerField(
        label="Files to audit per team",
        min_value=0,
        max_value=20,
        initial=1,
        widget=forms.NumberInput(attrs={"class": "govuk-input--width-3"}),
        help_text="You can change each team's quota next",
        error_messages={"required": "Enter how many files to audit per team"},
    )

    def __init__(self, *args, today, **kwargs):
        from caseaudit.organisation.models import ServiceArea

        from .models import AuditTool, ToolKind

        super().__init__(*args, **kwargs)
        self.fields["service_area"].queryset = ServiceArea.objects.all()
        self.fields["tool"].queryset = AuditTool.objects.filter(kind=ToolKind.CASE_FILE)
        set_month_choices(self.fields["month"], today)


class QuotasForm(GovukForm):
    based_on = forms.CharField(widget=forms.HiddenInput, required=False, max_length=2000)

    def __init__(self, *args, programme, **kwargs):
        super().__init__(*args, **kwargs)
        self.quotas = list(programme.quotas.select_related("team"))
        self.fields["based_on"].initial = quotas_fingerprint(self.quotas)
        for quota in self.quotas:
            self.fields[f"team_{quota.team_id}"] = forms.IntegerField(
                label=str(quota.team),
                min_value=0,
                max_value=50,
                initial=quota.quota,
                widget=forms.NumberInput(attrs={"class": "govuk-input--width-3"}),
                error_messages={
                    "required": f"Enter a quota for {quota.team}",
                    "min_value": f"The quota for {quota.team} must be 0 or more",
                    "max_value": f"The quota for {quota.team} must be 50 or fewer",
                },
            )
        self.apply_govuk_classes()


class SampleAddForm(GovukForm):
    case_id = forms.CharField(
        label="Add a child by case system ID",
        max_length=40,
        widget=forms.TextInput(attrs={"class": "govuk-input--width-10"}),
        error_messages={"required": "Enter a case system ID"},
    )


class ConfirmForm(GovukForm):
    """Confirming a sample: the share of files also given a second, blind audit (issue 32)."""

    double_percent = forms.IntegerField(
        label="Second, blind audits (% of the sample)",
        help_text="Files chosen at random for a second, independent audit by another auditor, to measure how "
        "consistently grades are given. 0 for none; 10 is common.",
        required=False,
        min_value=0,
        max_value=50,
        initial=0,
        widget=forms.NumberInput(attrs={"class": "govuk-input--width-3", "form": "sample-auditors"}),
        error_messages={
            "invalid": "Enter the share for second audits as a whole number, like 10",
            "min_value": "The share for second audits must be 0 or more",
            "max_value": "The share for second audits must be 50% or less",
        },
    )


class SampleAssignForm(ServiceRefusalForm):
    """The auditor of every child in a proposed sample, one list each, saved together.

    Each list names the auditor's team and open audits (selectors.auditors_with_open_audits, read once for
    the whole form). A child with no auditor yet offers "Choose an auditor" and may be left so until the
    sample is confirmed."""

    def __init__(self, *args, entries: list[SampleEntry], auditors: list[Person], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.entries = entries
        self.auditors = {str(person.pk): person for person in auditors}
        listed = [(key, auditor_label(person)) for key, person in self.auditors.items()]
        self.rows = []
        for entry in entries:
            name = f"auditor_{entry.pk}"
            case_id = entry.child.case_id
            current = str(entry.auditor_id) if entry.auditor_id else ""
            self.fields[name] = forms.ChoiceField(
                label=f"Auditor for {case_id}",
                choices=listed if current in self.auditors else [("", "Choose an auditor"), *listed],
                required=False,
                initial=current,
                error_messages={"invalid_choice": f"Choose an auditor for {case_id} from the list"},
            )
            self.rows.append({"entry": entry, "field": name})
        self.apply_govuk_classes()

    def chosen(self) -> dict[int, Person | None]:
        """Sample entry id -> the auditor chosen for it (None: none yet). A child added since the page was
        built has no list on it: its auditor is left as it is, not taken away."""
        return {
            entry.pk: self.auditors.get(self.cleaned_data.get(name) or "")
            for entry in self.entries
            if (name := f"auditor_{entry.pk}") in self.data
        }


class ToolSectionForm(GovukForm):
    title = forms.CharField(label="Practice area", max_length=150, required=False)
    questions = forms.CharField(
        label="Questions, one per line",
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="Start a line with [text] for a free-text answer; other questions are answered yes, partly, no or not applicable",
    )
    # Worded so that leaving it alone (or a form without it) keeps the default: evidence required.
    evidence_optional = forms.BooleanField(
        label="The grade for this practice area can be submitted without evidence",
        required=False,
        help_text="Leave this unticked to require the auditor's evidence for the grade before the audit is submitted",
    )

    def clean_questions(self) -> str:
        # Each line becomes a question, stored in a bounded column: PostgreSQL refuses a longer one (a 500).
        from .models import ToolQuestion

        limit = ToolQuestion._meta.get_field("text").max_length
        questions = self.cleaned_data["questions"]
        for n, line in enumerate((q.strip() for q in questions.splitlines() if q.strip()), start=1):
            if len(line.removeprefix("[text]").strip()) > limit:
                raise forms.ValidationError(f"Question {n} must be {limit} characters or fewer")
        return questions

    def clean(self):
        data = super().clean()
        if data.get("questions", "").strip() and not data.get("title", "").strip():
            self.add_error("title", "Enter a name for this practice area")
        return data


ToolSectionFormSet = forms.formset_factory(ToolSectionForm, extra=1)


class ToolNoteForm(GovukForm):
    scale = forms.ChoiceField(
        label="Grading scale",
        choices=scales.ScaleKey.choices,
        widget=GovukRadios,
        help_text="The grades auditors give on this tool. Reports count each scale's grades apart, never together.",
        required=False,  # none chosen keeps the current version's scale
    )
    note = forms.CharField(label="What changed (kept with the version)", max_length=300, required=False)
    # services.tools.tool_fingerprint of the version the page was built from (two editors at once).
    based_on = forms.CharField(widget=forms.HiddenInput, required=False, max_length=100)


class ThemedProgrammeForm(GovukForm):
    title = forms.CharField(
        label="Theme",
        max_length=200,
        help_text="For example, Strategy discussions capture every agency's view",
        error_messages={"required": "Enter the theme"},
    )
    tool = forms.ModelChoiceField(
        label="Question set",
        queryset=None,
        empty_label="Choose a question set",
        error_messages={"required": "Select a question set"},
    )
    service_area = forms.ModelChoiceField(
        label="Service area", queryset=None, required=False, empty_label="The whole council"
    )
    legal_status = forms.ChoiceField(label="Children with this legal status", required=False, choices=())
    sample_size = forms.IntegerField(
        label="Number of children",
        min_value=1,
        max_value=500,
        widget=forms.NumberInput(attrs={"class": "govuk-input--width-4"}),
        error_messages={
            "required": "Enter how many children to audit",
            "min_value": "Audit at least 1 child",
            "max_value": "Audit at most 500 children in one themed audit",
        },
    )
    month = forms.ChoiceField(label="Month", choices=(), error_messages={"required": "Select a month"})
    due_on = date_field(
        "Audits due by",
        required_message="Enter the date the audits are due",
        invalid_message="Enter a real date, like 28/03/2026",
    )

    def __init__(self, *args, today, **kwargs):
        from caseaudit.organisation.models import LegalStatus, ServiceArea

        from .models import AuditTool, ToolKind

        super().__init__(*args, **kwargs)
        self.fields["tool"].queryset = AuditTool.objects.filter(kind=ToolKind.THEMED)
        self.fields["service_area"].queryset = ServiceArea.objects.all()
        self.fields["legal_status"].choices = [("", "Any legal status"), *LegalStatus.choices]
        set_month_choices(self.fields["month"], today)


def _month_label(month) -> str:
    return f"{month:%B %Y}"


class ProgressFilterForm(GovukForm):
    """Which month's programmes the progress page shows, and of which service area (issue 44, point 5)."""

    month = forms.ChoiceField(label="Month", required=False, choices=())
    service_area = forms.ModelChoiceField(
        label="Service area", queryset=None, required=False, empty_label="All service areas"
    )

    def __init__(self, *args, today, **kwargs):
        from caseaudit.organisation.models import ServiceArea

        from .models import Programme

        super().__init__(*args, **kwargs)
        self.this_month = today.replace(day=1)
        # The months that have programmes, and this month (whose programmes may be still to plan), newest first.
        months = {self.this_month, *Programme.objects.dates("month", "month")}
        self.fields["month"].choices = [(f"{m:%Y-%m}", _month_label(m)) for m in sorted(months, reverse=True)]
        self.fields["month"].initial = f"{self.this_month:%Y-%m}"
        if self.is_bound and not self.data.get("month"):
            # The page opened without a month shows this month: its select must say so, not the newest month.
            self.data = self.data.copy()
            self.data["month"] = self.fields["month"].initial
        self.fields["service_area"].queryset = ServiceArea.objects.all()

    def chosen(self) -> tuple:
        """(first day of the month, service area or None) of a valid form."""
        import datetime

        value = self.cleaned_data.get("month")
        month = datetime.date.fromisoformat(f"{value}-01") if value else self.this_month
        return month, self.cleaned_data.get("service_area")

    def query(self, **extra) -> str:
        """The filters as a query string, for links that keep them."""
        from urllib.parse import urlencode

        month, area = self.chosen()
        values = {"month": f"{month:%Y-%m}", **({"service_area": area.pk} if area else {}), **extra}
        return urlencode(values)


class ProgressListForm(ProgressFilterForm):
    """The audits behind one count of the progress page: its stage, and its auditor or team."""

    stage = forms.ChoiceField(label="Stage", required=False, choices=())
    team = forms.ModelChoiceField(label="Team", queryset=None, required=False)
    auditor = forms.ModelChoiceField(label="Auditor", queryset=Person.objects.all(), required=False)
    unassigned = forms.BooleanField(label="No auditor", required=False)

    def __init__(self, *args, **kwargs):
        from caseaudit.organisation.models import Team

        from .selectors import PROGRESS_FLAGS, PROGRESS_STAGES

        super().__init__(*args, **kwargs)
        self.fields["stage"].choices = [("", "All"), *PROGRESS_STAGES.items(), *PROGRESS_FLAGS.items()]
        self.fields["team"].queryset = Team.objects.all()
