"""Themes from auditors' written findings (issue 35, point 2): found from records built so the themes are known,
the same every time, never showing a name, and only from the audits the report covers."""

from __future__ import annotations

import datetime
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.feature_extraction.text import TfidfVectorizer

from caseaudit.audits.models import Audit, SectionJudgement
from caseaudit.audits.services.tools import standard_tools_ensure
from caseaudit.family.models import Invitation
from caseaudit.family.services import questionnaires_ensure
from caseaudit.reporting import themes
from caseaudit.reporting.figures import Scope
from caseaudit.reporting.redaction import TITLES, Redactor, names_in_records, redact
from caseaudit.reporting.themes import Theme, find_themes, themes_from_texts

from ..factories import ChildFactory, PersonFactory, ServiceAreaFactory, TeamFactory

D = datetime.date
PERIOD = Scope(D(2026, 4, 1), D(2026, 6, 30))

# Four things auditors write, three ways each: two worries about plans, two strengths about the child's voice.
TIMESCALES = ["The plan has no timescales.", "There are no timescales in the plan.", "The plan sets no timescales for the actions."]  # fmt: skip
MEASURABLE = ["Outcomes are not measurable.", "The outcomes in the plan are not measurable.", "None of the outcomes is measurable."]  # fmt: skip
WISHES = ["The child's wishes and feelings are recorded.", "Wishes and feelings are recorded in the child's words.", "Her wishes and feelings are clearly recorded."]  # fmt: skip
ALONE = ["The child was seen alone.", "The child was seen alone at school.", "The child was seen alone at home."]
OTHER = ["The chronology is up to date.", "Letters were sent promptly.", "The file is well organised."]


def plan_text(n: int) -> str:
    return f"{TIMESCALES[n % 3]} {MEASURABLE[(n + 1) % 3]}"


def voice_text(n: int) -> str:
    return f"{WISHES[n % 3]} {ALONE[(n + 2) % 3]}"


def known_texts() -> list[tuple[int, str]]:
    """12 audits about plans, 10 about the child's voice, 3 about other things."""
    texts = [(n, plan_text(n)) for n in range(12)]
    texts += [(n, voice_text(n)) for n in range(12, 22)]
    texts += [(n, f"{OTHER[n % 3]} {OTHER[(n + 1) % 3]}") for n in range(22, 25)]
    return texts


def no_names(text: str) -> str:
    return text


def words_of(theme: Theme) -> set[str]:
    return {word for term in theme.terms for word in term.split()}


def the_theme(found: list[Theme], word: str) -> Theme:
    (theme,) = [t for t in found if word in words_of(t)]
    return theme


# ------------------------------------------------------------------------------------------------------------------
# The method, on texts whose themes are known.


def test_two_themes_written_into_one_practice_area_are_told_apart_with_their_counts():
    found = themes_from_texts({("Quality of Plans", "worry"): known_texts()}, no_names, per_group=2)
    assert len(found) == 2
    plans, voice = found  # the most audits first
    assert plans.count == 12 and voice.count == 10  # the 3 audits about other things count for neither
    assert {"timescales", "outcomes", "measurable"} & words_of(plans) and "plan" in words_of(plans)
    assert {"seen", "alone"} <= words_of(voice) and {"wishes", "feelings"} & words_of(voice)
    assert not words_of(plans) & {"wishes", "feelings", "seen", "alone"}
    assert all(re.search(r"timescales|outcomes", example, re.I) for example in plans.examples)
    assert all(re.search(r"wishes|alone", example, re.I) for example in voice.examples)
    assert plans.area == "Quality of Plans" and plans.polarity == "worry"
    assert plans.label == ", ".join(plans.terms[:3]) and len(plans.terms) <= 5 and 1 <= len(plans.examples) <= 3


def test_with_room_for_four_themes_each_thing_written_is_its_own_theme_in_every_audit_that_wrote_it():
    found = themes_from_texts({("Quality of Plans", "worry"): known_texts()}, no_names)
    assert [t.count for t in found] == [12, 12, 10, 10]
    assert the_theme(found, "timescales").count == 12
    assert the_theme(found, "measurable").count == 12
    assert the_theme(found, "wishes").count == 10
    assert "seen alone" in the_theme(found, "alone").terms  # "alone" is kept: scikit-learn's list drops it
    for theme in found:  # no theme mixes the plans with the child's voice
        assert not (words_of(theme) & {"plan", "timescales", "outcomes"} and words_of(theme) & {"wishes", "alone"})


def test_the_same_texts_give_the_same_themes_and_keys_whatever_the_order_of_the_areas():
    groups = {
        ("Quality of Plans", "worry"): known_texts(),
        ("Voice of the Child", "strength"): [(n, voice_text(n)) for n in range(30, 40)],
    }
    first = [t.as_dict() for t in themes_from_texts(groups, no_names)]
    again = [t.as_dict() for t in themes_from_texts(dict(groups), no_names)]
    assert first == again and len(first) == 6
    reversed_groups = dict(reversed(list(groups.items())))
    assert {t.key for t in themes_from_texts(reversed_groups, no_names)} == {t["key"] for t in first}
    assert len({t["key"] for t in first}) == 6
    assert all(t["key"].startswith(f"{t['area']}|{t['polarity']}|") for t in first)
    assert set(first[0]) == {"key", "area", "polarity", "terms", "label", "count", "examples"}


def test_an_area_with_fewer_than_six_sentences_has_no_themes():
    five = [(n, "The plan has no timescales.") for n in range(5)]
    assert themes_from_texts({("Quality of Plans", "worry"): five}, no_names, min_count=1) == []
    six = [(n, "The plan has no timescales.") for n in range(6)]
    (theme,) = themes_from_texts({("Quality of Plans", "worry"): six}, no_names, min_count=1)
    assert theme.count == 6 and theme.examples == ["The plan has no timescales."]  # the same sentence shown once


def test_a_theme_in_fewer_audits_than_min_count_is_dropped():
    texts = [(n, "The chronology is not up to date. The chronology stops in March.") for n in range(3)]
    texts += [(3, "Letters to the school were sent late.")]
    group = {("Recording", "worry"): texts}
    (theme,) = themes_from_texts(group, no_names, min_count=3)
    assert theme.count == 3 and "chronology" in words_of(theme)
    assert themes_from_texts(group, no_names, min_count=4) == []


def test_themes_come_in_the_order_of_the_areas_given_strengths_first_then_most_audits_first():
    groups = {
        ("Voice of the Child", "worry"): [(n, plan_text(n)) for n in range(12)],
        ("Quality of Plans", "worry"): [(n, plan_text(n)) for n in range(8)],
        ("Voice of the Child", "strength"): [(n, voice_text(n)) for n in range(10)],
    }
    found = themes_from_texts(groups, no_names)
    order = [(t.area, t.polarity) for t in found]
    assert order == sorted(order, key=lambda o: (o[0] != "Voice of the Child", o[1] != "strength"))
    assert order[0] == ("Voice of the Child", "strength") and order[-1] == ("Quality of Plans", "worry")
    for key in set(order):
        counts = [t.count for t in found if (t.area, t.polarity) == key]
        assert counts == sorted(counts, reverse=True)


def test_a_large_period_learns_from_a_sample_but_counts_every_audit():
    texts = [(n, plan_text(n)) for n in range(300)] + [(n, voice_text(n)) for n in range(300, 500)]
    found = themes_from_texts({("Quality of Plans", "worry"): texts}, no_names, per_group=2, max_sentences=100)
    assert [t.count for t in found] == [300, 200]


def test_sentences_are_split_at_full_stops_and_lines_but_not_after_a_title():
    text = "Mr. [name] visited the home. e.g. the school said so.\n- The plan was shared!\n1. Ok.\n(a) seen alone twice"
    assert themes.split_sentences(text) == [
        "Mr. [name] visited the home.",
        "e.g. the school said so.",
        "The plan was shared!",
        "seen alone twice",
    ]


def test_a_sentences_terms_are_those_tfidf_would_read_and_its_rows_the_same_numbers():
    sentences = [plan_text(n) for n in range(9)] + [voice_text(n) for n in range(9)] + OTHER
    sentences += ["Mr. [name]'s plan, 12/03/2026: no timescales! Café naïve.", "One"]
    reference = TfidfVectorizer(
        stop_words=themes.STOP_WORDS, ngram_range=(1, 2), preprocessor=themes._for_terms, token_pattern=r"(?u)\b[^\W\d_]{2,}\b"
    ).build_analyzer()  # fmt: skip
    terms_of = [themes.sentence_terms(s) for s in sentences]
    assert terms_of == [reference(s) for s in sentences]
    assert "name" not in {term for terms in terms_of for term in terms}
    vectorizer = TfidfVectorizer(analyzer=themes._already_analysed, min_df=2, sublinear_tf=True).fit(terms_of[::2])
    expected = vectorizer.transform(terms_of).toarray()
    assert abs(themes.tfidf_rows(vectorizer, terms_of).toarray() - expected).max() < 1e-12


@pytest.mark.parametrize(
    ("grade", "side"),
    [
        ("outstanding", "strength"),
        ("good", "strength"),
        ("requires_improvement", "worry"),
        ("inadequate", "worry"),
        ("tp_good", "strength"),
        ("tp_adequate", "worry"),  # the middle of three: not the better half
        ("tp_inadequate", "worry"),
        ("scale_10", "strength"),
        ("scale_6", "strength"),
        ("scale_5", "worry"),  # the middle of 0 to 10
        ("scale_0", "worry"),
        ("", None),
    ],
)
def test_a_grade_in_the_better_half_of_its_scale_is_a_strength(grade, side):
    assert themes.polarity(grade) == side


# ------------------------------------------------------------------------------------------------------------------
# Names out.


def test_a_name_is_replaced_whole_in_its_parts_in_any_case_and_possessive():
    names = ["Olivia Own", "Mrs Jo Li", "Anna Smith-Jones", "Zoë Núñez"]
    text = (
        "Olivia Own was seen. OLIVIA's plan; Ms own agreed. Jo Li and jo li's brother. "
        "Smith-Jones, Anna Smith Jones. Zoë's and NÚÑEZ. Owner Olivian Annabel knew."
    )
    assert redact(text, names) == (
        "[name] was seen. [name]'s plan; Ms [name] agreed. [name] and [name]'s brother. "
        "[name], [name]. [name]'s and [name]. Owner Olivian Annabel knew."
    )
    assert Redactor(names)(text) == redact(text, names)
    assert redact("Mrs Li came.", names) == "Mrs Li came."  # a word under three letters goes only with the name
    assert redact("Nothing to hide.", []) == "Nothing to hide."


@settings(max_examples=60, deadline=None)
@given(
    names=st.lists(
        st.tuples(
            st.text("abcdefghijklmnopqrstuvwxyzéñ", min_size=3, max_size=9),
            st.text("abcdefghijklmnopqrstuvwxyz", min_size=3, max_size=9),
        ),
        min_size=1,
        max_size=8,
    ),
    picks=st.lists(
        st.tuples(
            st.integers(0, 7), st.sampled_from(["first", "last", "whole", "hyphen"]), st.booleans(), st.booleans()
        ),
        max_size=12,
    ),
)
def test_no_part_of_a_name_is_ever_left_in_a_redacted_text(names, picks):
    names = [(a, b) for a, b in names if not {a, b} & (TITLES | {"name"})]
    if not names:
        return
    written = ["The plan was shared"]
    for index, form, upper, possessive in picks:
        first, last = names[index % len(names)]
        word = {"first": first, "last": last, "whole": f"{first} {last}", "hyphen": f"{first}-{last}"}[form]
        written.append((word.upper() if upper else word.title()) + ("'s" if possessive else ""))
    redacted = Redactor([f"{a} {b}" for a, b in names])(" and ".join(written) + ".")
    for first, last in names:
        for part in (first, last):
            assert not re.search(rf"(?<!\w){re.escape(part)}(?!\w)", redacted, re.IGNORECASE)


@pytest.mark.django_db
def test_names_in_records_are_children_staff_imported_auditors_and_invited_family_whole_and_in_parts():
    team = TeamFactory()
    worker = PersonFactory(full_name="Priya Ramanathan")
    child = ChildFactory(name="Kacper Nowak", case_id="LCS900123", team=team, allocated_worker=worker)
    ChildFactory(name="Jo Li", team=team)
    audit = audit_with(team, D(2026, 4, 2), child=child, worker=worker)
    Audit.objects.filter(pk=audit.pk).update(auditor_name="Imogen Fairweather")
    Invitation.objects.create(
        audit=audit,
        questionnaire_version=questionnaires_ensure()[0].current_version,
        recipient_name="Grazyna Nowak",
        relationship="Mother",
        channel="letter",
        token_hash="0" * 64,
        created_by=worker,
        expires_at=timezone.now() + datetime.timedelta(days=28),
    )
    names = names_in_records()
    for name in ["Kacper Nowak", "Kacper", "Nowak", "Priya Ramanathan", "Priya", "Ramanathan", "Imogen Fairweather"]:
        assert name in names
    assert {"Fairweather", "Grazyna Nowak", "Grazyna", "Jo Li", "LCS900123"} <= set(names)
    assert Redactor(names)("Seen by LCS900123's worker.") == "Seen by [name]'s worker."  # a case number too
    assert "Jo" not in names and "Li" not in names  # too short to go alone
    assert names == sorted(set(names))


# ------------------------------------------------------------------------------------------------------------------
# From the records of a report's scope.


def audit_with(
    team,
    when,
    *,
    evidence=None,
    strengths="",
    development="",
    kind="case_file",
    status="shared",
    child=None,
    worker=None,
    follows=None,
):
    """An audit (shared unless `status` says otherwise) with its practice areas' (grade, evidence[, moderated
    grade]), on the standard case file tool or the themed one."""
    tool, themed = standard_tools_ensure()
    version = (themed if kind == "themed" else tool).current_version
    done = status in ("finalised", "shared")
    audit = Audit.objects.create(
        kind=kind,
        child=child or ChildFactory(team=team, name="Ysolde Quarrington"),
        team=team,
        worker=worker,
        tool_version=version,
        follows=follows,
        status=status,
        overall_grade="good",
        final_grade="good" if done else "",
        audit_date=when if done else None,
        strengths=strengths,
        areas_for_development=development,
    )
    sections = {section.title: section for section in version.sections.all()}
    SectionJudgement.objects.bulk_create(
        [
            SectionJudgement(
                audit=audit, section=sections[title], grade=grade, evidence=text, moderated_grade=moderated
            )
            for title, (grade, text, *rest) in (evidence or {}).items()
            for moderated in [rest[0] if rest else ""]
        ]
    )
    return audit


@pytest.fixture
def north(db):
    return TeamFactory(service_area=ServiceAreaFactory(name="North"))


@pytest.fixture
def south(db):
    return TeamFactory(service_area=ServiceAreaFactory(name="South"))


def build_known_period(team, child=None, worker=None):
    """In the period: 12 audits worried about plans (two of them re-audits, two moderated down from Good), 10 with
    strengths in the child's voice, and every audit's overall strengths and areas for development."""
    earlier = audit_with(team, D(2026, 1, 5))
    for n in range(12):
        moderated = n in (3, 4)
        audit_with(
            team,
            D(2026, 4, 1) + datetime.timedelta(days=n),
            evidence={
                "Quality of Plans": ("good", plan_text(n), "requires_improvement")
                if moderated
                else ("requires_improvement", plan_text(n))
            },
            development="Supervision is not recorded on the file. Management oversight is missing.",
            kind="re_audit" if n < 2 else "case_file",
            follows=earlier if n < 2 else None,
            child=child,
            worker=worker,
        )
    for n in range(10):
        audit_with(
            team,
            D(2026, 5, 1) + datetime.timedelta(days=n),
            evidence={"Voice of the Child": ("outstanding" if n % 2 else "good", voice_text(n))},
            strengths="Direct work with the child is thoughtful. Direct work uses the child's drawings.",
            child=child,
            worker=worker,
        )


def test_find_themes_reads_each_practice_areas_evidence_and_the_overall_findings(north):
    build_known_period(north)
    found = find_themes(PERIOD)
    sides = [(t.area, t.polarity) for t in found]
    assert list(dict.fromkeys(sides)) == [
        ("Overall", "strength"),
        ("Overall", "worry"),
        ("Voice of the Child", "strength"),
        ("Quality of Plans", "worry"),
    ]  # Overall first, then the tool's order: Voice of the Child is its first practice area, Plans its third
    by_side = {side: [t for t in found if (t.area, t.polarity) == side] for side in sides}
    (overall_strength,) = by_side["Overall", "strength"]  # two sentences always written together: one theme
    assert overall_strength.count == 10 and "direct work" in overall_strength.terms
    assert {the_theme(found, word).count for word in ("supervision", "oversight")} == {12}
    assert the_theme(found, "supervision").polarity == "worry" and len(by_side["Overall", "worry"]) == 2
    assert [t.count for t in by_side["Voice of the Child", "strength"]] == [10, 10]  # Good and Outstanding alike
    assert the_theme(found, "wishes") != the_theme(found, "alone")
    assert [t.count for t in by_side["Quality of Plans", "worry"]] == [12, 12]  # re-audits and moderated count
    assert the_theme(found, "timescales") != the_theme(found, "measurable")
    examples = {example for theme in found for example in theme.examples}
    assert {"The plan has no timescales.", "The child was seen alone.", "Management oversight is missing."} <= examples


def test_the_grade_that_counts_is_the_moderators(north):
    build_known_period(north)
    # Graded a worry by the auditor, moderated up to Good: its evidence goes with the strengths of Plans, where two
    # audits are too few sentences for a theme, and the worries keep their 12.
    for _ in range(2):
        audit_with(
            north,
            D(2026, 6, 1),
            evidence={"Quality of Plans": ("requires_improvement", "The plan is clear and realistic.", "good")},
        )
    found = find_themes(PERIOD)
    assert the_theme(found, "timescales").count == 12 and the_theme(found, "measurable").count == 12
    assert not [t for t in found if t.area == "Quality of Plans" and t.polarity == "strength"]


def test_audits_outside_the_scope_themed_and_unfinished_audits_are_not_read(north, south):
    build_known_period(north)
    chronology = "The chronology is incomplete. The chronology has gaps in it."
    for _ in range(4):
        audit_with(south, D(2026, 4, 10), evidence={"Quality of Plans": ("inadequate", chronology)})  # another area
        audit_with(north, D(2026, 3, 31), evidence={"Quality of Plans": ("inadequate", chronology)})  # before
        audit_with(north, D(2026, 7, 1), evidence={"Quality of Plans": ("inadequate", chronology)})  # after
        audit_with(north, D(2026, 4, 10), status="in_moderation", development=chronology)  # not finished
        audit_with(  # a themed audit
            north,
            D(2026, 4, 10),
            kind="themed",
            development=chronology,
            evidence={"Strategy discussions": ("inadequate", chronology)},
        )
    in_north = Scope(PERIOD.start, PERIOD.end, service_area_id=north.service_area_id)
    for scope in (in_north, Scope(PERIOD.start, PERIOD.end, team_id=north.pk)):
        found = find_themes(scope)
        assert not [t for t in found if "chronology" in words_of(t)]
        assert the_theme(found, "timescales").count == 12
    # The whole council in the period reads South's four, and still nothing else.
    found = find_themes(PERIOD)
    assert the_theme(found, "chronology").count == 4 and the_theme(found, "timescales").count == 12
    assert {t.area for t in found} == {"Overall", "Voice of the Child", "Quality of Plans"}


def test_no_name_from_the_records_is_in_any_example_or_term(north):
    worker = PersonFactory(full_name="Priya Ramanathan")
    child = ChildFactory(name="Kacper Nowak", team=north, allocated_worker=worker)
    build_known_period(north, child=child, worker=worker)
    written = [
        "Kacper was seen alone by Priya.",
        "Kacper's wishes and feelings are recorded.",
        "NOWAK was seen alone at school by Ms Ramanathan.",
        "Priya Ramanathan recorded his wishes and feelings.",
    ]
    for n in range(8):
        audit_with(
            north,
            D(2026, 6, 1),
            child=child,
            worker=worker,
            evidence={"Voice of the Child": ("good", f"{written[n % 4]} {written[(n + 1) % 4]}")},
        )
    found = find_themes(PERIOD)
    shown = " ".join(" ".join(t.examples + t.terms + [t.label]) for t in found).lower()
    for part in ["kacper", "nowak", "priya", "ramanathan"]:
        assert part not in shown
    assert "[name]" in shown  # the names were in the sentences shown: taken out, not avoided
    assert the_theme(found, "wishes").count == 18 and the_theme(found, "alone").count == 18


def test_reading_a_scope_takes_the_same_queries_however_many_audits(north):
    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            find_themes(PERIOD)
        return len(captured)

    build_known_period(north)
    few = queries()
    build_known_period(north)
    assert queries() == few
