"""Themes from auditors' written findings: the strengths and worries that recur, per practice area (issue 35,
point 2).

What it reads. For each practice area, the evidence auditors wrote for its grade: a strength when the final grade
(the moderator's, or else the auditor's) is in the better half of its scale, a worry otherwise. On Ofsted's four
grades Outstanding and Good are strengths; on a scale with a middle grade (three points, 0 to 10) the middle is a
worry, as "Adequate" and "5" still leave something to put right. Also each audit's "strengths" (Overall,
strength) and "areas for development" (Overall, worry). Case file audits and re-audits only, finalised or shared,
in the period and place of the report.

How, in plain words. The texts are cut into sentences and every name is taken out first (redaction.py), so a name
can never become a theme's word nor be shown in an example. Then, for each area and side (strength or worry):
- TF-IDF turns each sentence into a row of word weights. A word (or pair of words, "seen alone") weighs more the
  rarer it is across the sentences, so "timescales" says more than "child"; common English words ("the", "was":
  scikit-learn's list, less "alone", "detail", "serious" and "together", which say something in a case file, and
  with the titles left beside a removed name: "Ms") are left out, as are numbers and words used in one sentence
  only.
- NMF (non-negative matrix factorisation) finds a few word lists that, added together in various amounts, rebuild
  those rows as nearly as it can. Each list is a theme: words that tend to be written together ("plan,
  timescales, outcomes"). Each sentence gets an amount of each theme; its largest is its theme.
- A theme's words are its heaviest, down to a fifth of the first's weight (the rest are faint traces), five at most.
  Its count is the number of audits with at least one sentence whose largest theme it is and which uses one of
  those words (a sentence that only scored highest on a theme it shares no word with is not counted). Its examples
  are the sentences most strongly in it. Themes found in fewer than `min_count` audits are dropped: they do not
  recur.
The number of themes per area and side grows with the sentences, one per eight, up to `per_group` (4). Asked for
more themes than the auditors wrote about, NMF splits one in two ("plan timescales" and "timescales actions, plan
sets"), each half with part of the count: two themes whose word weights are alike (cosine 0.2 or more) are put
back together, their amounts added, as NMF's own sum of themes adds them anyway. An area and side with fewer than
six sentences has too little to find anything in.

Always the same, and quick. NMF starts from a fixed point (init "nndsvda", random_state 0), so the same records
give the same themes, words and keys. On a large period it learns the themes from every k-th sentence (at most
`max_sentences`) and their 2,000 most used terms (a recurring theme's words are among them), then gives every
sentence its theme for the counts; a sentence written twice is read once. A year of 10,000 audits with 24 MB of
findings took 8 s on a busy two-core server (PostgreSQL, 20,000 names to take out), most of it reading the
sentences; half a MB, a small council's quarter, takes under a second.

Where it runs. Everything here runs on the council's own machine, with scikit-learn: no text leaves it, nothing is
sent to any outside service, and no model trained elsewhere is used. The themes are a reading aid, not a finding:
the QA team reads the examples before quoting a theme.
"""

from __future__ import annotations

import hashlib
import math
import re
import warnings
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass
from itertools import chain, repeat

import numpy as np
from django.db.models import Q
from scipy import sparse
from sklearn.decomposition import NMF
from sklearn.exceptions import ConvergenceWarning
from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS, TfidfVectorizer
from sklearn.preprocessing import normalize
from threadpoolctl import threadpool_limits

from caseaudit.audits import scales
from caseaudit.audits.models import Audit, SectionJudgement

from .figures import Scope
from .redaction import PLACEHOLDER, TITLES, Redactor, names_in_records
from .tallies import CASE_FILE_KINDS

STRENGTH, WORRY = "strength", "worry"
POLARITIES = (STRENGTH, WORRY)
OVERALL = "Overall"
MIN_SENTENCES = 6  # fewer in an area and side: too little to find a theme in
SENTENCES_PER_THEME = 8
MERGE_SIMILARITY = 0.2  # cosine of two themes' word weights: one theme split in two measured 0.27 to 0.39, two 0 to 0.1
TOP_TERMS = 5
LABEL_TERMS = 3
MEMBER_TERMS = 10  # a sentence counts for its theme only if it uses one of these (those weighing enough)
MIN_TERM_SHARE = 0.2  # of the theme's heaviest word's weight
MAX_TERMS = 2000
MAX_ITERATIONS = 300
# "Ms" is left where "Ms [name]" was: the titles go with the common words.
STOP_WORDS = sorted((ENGLISH_STOP_WORDS - {"alone", "detail", "serious", "together"}) | TITLES)
EXAMPLES = 3
MIN_WORDS = 3  # "N/A." and "None noted." are not sentences worth reading
EXAMPLE_CHARS = 300

Groups = dict[tuple[str, str], list[tuple[int, str]]]


@dataclass(frozen=True)
class Theme:
    key: str
    area: str
    polarity: str
    terms: list[str]
    label: str
    count: int
    examples: list[str]
    # The audits counted, so merged themes count each audit once (reporting/theme_names.py).
    audit_ids: tuple[int, ...] = ()

    def as_dict(self) -> dict:
        shown = asdict(self)
        del shown["audit_ids"]  # what a reader sees: the audits are only counted
        return shown


def polarity(grade: str) -> str | None:
    """Strength for a grade in the better half of its scale, worry otherwise (a middle grade included); None for
    no grade."""
    scale = scales.scale_of(grade)
    if scale is None:
        return None
    return STRENGTH if scales.rank(grade) < len(scale.values) // 2 else WORRY


def find_themes(scope: Scope, *, redactor: Callable[[str], str] | None = None, **options) -> list[Theme]:
    """The recurring strengths and worries in the written findings of the scope's audits (options: see
    themes_from_texts). Names are taken from every record unless a redactor is given."""
    groups = texts_in_scope(scope)
    if redactor is None:
        redactor = Redactor(names_in_records())
    return themes_from_texts(groups, redactor, **options)


def texts_in_scope(scope: Scope) -> Groups:
    """(area, polarity) -> (audit id, text), Overall first, then the practice areas in the tools' order."""
    groups: Groups = {(OVERALL, STRENGTH): [], (OVERALL, WORRY): []}
    audits = (
        Audit.objects.filter(scope.q(), kind__in=CASE_FILE_KINDS)
        .exclude(Q(strengths="") & Q(areas_for_development=""))
        .order_by("pk")
        .values_list("pk", "strengths", "areas_for_development")
    )
    for audit_id, strengths, development in audits.iterator(chunk_size=2000):
        if strengths.strip():
            groups[OVERALL, STRENGTH].append((audit_id, strengths))
        if development.strip():
            groups[OVERALL, WORRY].append((audit_id, development))
    judgements = (
        SectionJudgement.objects.filter(scope.q("audit__"), audit__kind__in=CASE_FILE_KINDS)
        .exclude(evidence="")
        # By position first, so an area comes in at its first place in any tool version.
        .order_by("section__position", "section__title", "audit_id")
        .values_list("section__title", "grade", "moderated_grade", "audit_id", "evidence")
    )
    for title, grade, moderated, audit_id, evidence in judgements.iterator(chunk_size=2000):
        side = polarity(moderated or grade)
        if side is None or not evidence.strip():
            continue
        for each in POLARITIES:  # both sides of an area in place, in order, whichever comes first
            groups.setdefault((title, each), [])
        groups[title, side].append((audit_id, evidence))
    return {key: texts for key, texts in groups.items() if texts}


def themes_from_texts(
    groups: Groups,
    redactor: Callable[[str], str],
    *,
    per_group: int = 4,
    min_count: int = 2,
    max_sentences: int = 5000,
) -> list[Theme]:
    """The themes of each (area, polarity)'s texts, names taken out by `redactor`. In the order of the areas as
    `groups` first gives them, strengths before worries, then the most audits first."""
    themes: list[Theme] = []
    area_order: dict[str, int] = {}
    for (area, side), texts in groups.items():
        area_order.setdefault(area, len(area_order))
        themes += _group_themes(
            area, side, texts, redactor, per_group=per_group, min_count=min_count, max_sentences=max_sentences
        )
    themes.sort(key=lambda t: (area_order[t.area], POLARITIES.index(t.polarity), -t.count, t.key))
    return themes


def _group_themes(
    area: str,
    side: str,
    texts: list[tuple[int, str]],
    redactor: Callable[[str], str],
    *,
    per_group: int,
    min_count: int,
    max_sentences: int,
) -> list[Theme]:
    ids: list[int] = []
    sentences: list[str] = []
    for audit_id, text in texts:
        for sentence in split_sentences(redactor(text)):
            ids.append(audit_id)
            sentences.append(sentence)
    if len(sentences) < MIN_SENTENCES or per_group < 1:
        return []
    audit_ids = np.array(ids)
    # Each different sentence is read once: auditors repeat themselves ("Child seen alone.").
    index: dict[str, int] = {}
    which = np.array([index.setdefault(sentence, len(index)) for sentence in sentences])
    terms_of = [sentence_terms(sentence) for sentence in index]
    step = math.ceil(len(sentences) / max_sentences)
    vectorizer = TfidfVectorizer(analyzer=_already_analysed, min_df=2, sublinear_tf=True, max_features=MAX_TERMS)
    try:
        fitted = vectorizer.fit_transform([terms_of[i] for i in which[::step]])
    except ValueError:  # no term in two sentences: nothing recurs
        return []
    nmf = NMF(
        n_components=min(per_group, max(1, len(sentences) // SENTENCES_PER_THEME), *fitted.shape),
        init="nndsvda",
        random_state=0,
        max_iter=MAX_ITERATIONS,
    )
    # One BLAS thread: the matrices are small, and on a busy two-core server threads waiting on each other made NMF
    # ten times slower. Stopped at MAX_ITERATIONS the themes are as good as a reading aid needs. Sentences written
    # alike fit exactly, and NMF's reported error is then the root of a rounding error below zero: not used here.
    with threadpool_limits(limits=1), warnings.catch_warnings(), np.errstate(invalid="ignore"):
        warnings.simplefilter("ignore", ConvergenceWarning)
        nmf.fit(fitted)
        matrix = tfidf_rows(vectorizer, terms_of)  # every sentence, in the sample or not, is given its theme alike
        weights = nmf.transform(matrix)[which]
    components, weights = _rejoined(nmf.components_, weights)
    strongest = np.where(weights.max(axis=1) > 0, weights.argmax(axis=1), -1)
    vocabulary = vectorizer.get_feature_names_out()
    themes: list[Theme] = []
    for n, component in enumerate(components):
        top = np.argsort(-component, kind="stable")[:MEMBER_TERMS]
        if component[top[0]] <= 0:
            continue
        top = top[component[top] >= MIN_TERM_SHARE * component[top[0]]]
        uses_its_words = (matrix[:, top].getnnz(axis=1) > 0)[which]
        members = np.flatnonzero((strongest == n) & uses_its_words)
        counted = np.unique(audit_ids[members])
        count = len(counted)
        if count < min_count:
            continue
        terms = _distinct_terms([str(vocabulary[i]) for i in top], TOP_TERMS)
        ranked = members[np.lexsort((members, -weights[members, n]))]  # most in the theme first, then in order
        themes.append(
            Theme(
                key=_key(area, side, terms, {theme.key for theme in themes}),
                area=area,
                polarity=side,
                terms=terms,
                label=", ".join(terms[:LABEL_TERMS]),
                count=count,
                examples=_examples(sentences[i] for i in ranked),
                audit_ids=tuple(int(i) for i in counted),
            )
        )
    return themes


def _rejoined(components: np.ndarray, weights: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The themes with those split in two put back together: each theme's word weights (a row of `components`) and
    each sentence's amount of it (a column of `weights`) summed over the themes alike (MERGE_SIMILARITY)."""
    lengths = np.linalg.norm(components, axis=1, keepdims=True)
    unit = components / np.where(lengths > 0, lengths, 1)
    similar = unit @ unit.T
    joined = list(range(len(components)))
    for i in range(len(components)):
        for j in range(i + 1, len(components)):
            if similar[i, j] >= MERGE_SIMILARITY and joined[i] != joined[j]:
                joined = [joined[i] if g == joined[j] else g for g in joined]
    together = [[i for i, g in enumerate(joined) if g == first] for first in dict.fromkeys(joined)]
    return (
        np.array([components[members].sum(axis=0) for members in together]),
        np.column_stack([weights[:, members].sum(axis=1) for members in together]),
    )


def _for_terms(sentence: str) -> str:
    # "[name]" stands where a name was: it is not a word the auditor wrote.
    return sentence.replace(PLACEHOLDER, " ").lower()


_TOKEN = re.compile(r"(?u)\b[^\W\d_]{2,}\b")  # words: no dates, ages or case numbers as themes
_STOP = frozenset(STOP_WORDS)


def sentence_terms(sentence: str) -> list[str]:
    """The terms TF-IDF counts in a sentence: its words less the common ones, then each pair of words next to each
    other once those are out ("no timescales in the plan" gives timescales, plan, "timescales plan"). The same as
    TfidfVectorizer(stop_words=STOP_WORDS, ngram_range=(1, 2), token_pattern=...) reads it (test_themes checks),
    twice as fast: a year's sentences are read here once each."""
    words = [word for word in _TOKEN.findall(_for_terms(sentence)) if word not in _STOP]
    return words + list(map(" ".join, zip(words, words[1:], strict=False)))


def _already_analysed(terms: list[str]) -> list[str]:
    return terms


def tfidf_rows(vectorizer: TfidfVectorizer, terms_of: list[list[str]]) -> sparse.csr_matrix:
    """vectorizer.transform(terms_of) for a vectorizer fitted on terms lists, the same numbers (test_themes checks)
    without a Python step per term: counts, then 1 + log (sublinear_tf), times each term's idf, to unit length."""
    vocabulary = vectorizer.vocabulary_
    found = np.fromiter(map(vocabulary.get, chain.from_iterable(terms_of), repeat(-1)), dtype=np.int64)
    rows = np.repeat(np.arange(len(terms_of)), [len(terms) for terms in terms_of])
    known = found >= 0
    counts = sparse.csr_matrix(
        (np.ones(int(known.sum())), (rows[known], found[known])), shape=(len(terms_of), len(vocabulary))
    )
    counts.sum_duplicates()
    counts.data = 1 + np.log(counts.data)
    counts.data *= vectorizer.idf_[counts.indices]
    return normalize(counts, norm="l2", copy=False)


# A sentence ends at . ! or ? and a space, whatever follows (auditors type fast: "seen alone. plan not updated"),
# but not at "Mr." or "e.g.". The punctuation is kept apart (and put back) so the search looks only at . ! and ?.
_END = re.compile(
    r"([.!?])(?i:(?<!\bmr\.)(?<!\bmrs\.)(?<!\bms\.)(?<!\bmx\.)(?<!\bdr\.)(?<!\bst\.)(?<!\bno\.)(?<!\be\.g\.)(?<!\bi\.e\.))"
    r"\s+"
)
_BULLETS = {"-", "*", "\u2022", "\u2013"}
_NUMBERED = re.compile(r"\(?\d{1,2}[.)]|\(?[a-z][.)]")  # "1.", "2)", "(a)"


def split_sentences(text: str) -> list[str]:
    """The text's sentences (and lines, and bullet points), spacing tidied; fragments under three words left out."""
    sentences = []
    for line in text.splitlines():
        parts = _END.split(line)
        for piece, stop in zip(parts[0::2], [*parts[1::2], ""], strict=True):
            words = (piece + stop).split()
            if words and (words[0] in _BULLETS or _NUMBERED.fullmatch(words[0])):
                words = words[1:]
            if len(words) >= MIN_WORDS:
                sentences.append(" ".join(words))
    return sentences


def _distinct_terms(ranked: list[str], limit: int) -> list[str]:
    """The top terms without repeating themselves: a pair of words takes the place of its words taken alone
    ("alone", "seen", "seen alone" give "seen alone"), and a word already in a pair is not taken again."""
    taken: list[str] = []
    for term in ranked:
        words = term.split()
        in_pairs = {word for t in taken if " " in t for word in t.split()}
        if set(words) <= in_pairs:
            continue
        if len(words) > 1:
            alone = [i for i, t in enumerate(taken) if t in words]
            at = alone[0] if alone else len(taken)
            taken = [t for t in taken[:at] if t not in words] + [term] + [t for t in taken[at:] if t not in words]
        else:
            taken.append(term)
    return taken[:limit]


def _key(area: str, side: str, terms: list[str], taken: set[str]) -> str:
    digest = hashlib.sha256("|".join(sorted(terms)).encode()).hexdigest()[:10]
    key, n = f"{area}|{side}|{digest}", 2
    while key in taken:  # two themes of an area and side with the same words: kept apart, in the order found
        key, n = f"{area}|{side}|{digest}-{n}", n + 1
    return key


def _examples(sentences: Iterable[str]) -> list[str]:
    chosen: list[str] = []
    seen: set[str] = set()
    for sentence in sentences:
        if sentence.lower() not in seen:
            seen.add(sentence.lower())
            chosen.append(_shortened(sentence))
        if len(chosen) == EXAMPLES:
            break
    return chosen


def _shortened(sentence: str) -> str:
    if len(sentence) <= EXAMPLE_CHARS:
        return sentence
    return sentence[:EXAMPLE_CHARS].rsplit(" ", 1)[0] + "\u2026"
