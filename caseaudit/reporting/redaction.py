"""Names out of free text before it is shown as an example in a report (issue 35, point 2).

Every name the records hold is removed, whoever it belongs to: children, staff (and auditors known only by the name
an import gave), and the family members invited to give feedback. Each name goes whole and in its words of three
letters or more, since auditors write "Olivia", "Ms Own" or "Olivia's" ("[name]'s"). Matching is whole words,
whatever the case; a name written whole ("Olivia Own", "Smith-Jones") becomes one "[name]", not two.

How, and why this way: the names' words (not the whole names) make one pattern, built once as a trie (words that
start alike share their start), so a text is read once however many thousands of names there are; a run of
"[name]"s left by the words of one name is then joined into one. A word under three letters is not removed alone
(too many are ordinary words: "Al", "Jo"), so a whole name with one ("Jo Li") is in the pattern too. A pattern of
every whole name took 5 s to build for 60,000 names, against half a second for their words.

It errs on the side of removing too much: a name that is also an ordinary word (a surname "Young", a child recorded
as "Baby Smith") is removed wherever the word appears. A lost word costs a reader little; a child's name in a report
to the Director costs much more.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from caseaudit.audits.models import Audit
from caseaudit.family.models import Invitation
from caseaudit.organisation.models import Child, Person

PLACEHOLDER = "[name]"
MIN_PART_LETTERS = 3
# Words that go before a name without being one ("Mrs Jo Smith"): removing them would cut ordinary words.
TITLES = frozenset({"mr", "mrs", "ms", "miss", "mx", "dr", "master", "sir", "dame", "lady", "lord", "rev"})
_DASHES = r"\-\u2010\u2011\u2013"  # for a character class
_SPLIT = re.compile(rf"[\s{_DASHES}]+")
# Between the words of a name the text may have any spacing or a hyphen ("Smith-Jones", "Smith Jones").
_GAP = rf"[\s{_DASHES}]+"
_RUN = re.compile(rf"{re.escape(PLACEHOLDER)}(?:{_GAP}{re.escape(PLACEHOLDER)})+")


def _letters(word: str) -> int:
    return sum(char.isalpha() for char in word)


def name_parts(name: str) -> list[str]:
    """A name's words of three letters or more, titles left out: "Mrs Olivia Own" gives Olivia and Own."""
    return [w for w in _SPLIT.split(name) if _letters(w) >= MIN_PART_LETTERS and w.lower().rstrip(".") not in TITLES]


def names_in_records() -> list[str]:
    """Every name CaseAudit holds, whole and in its words of three letters or more: children, staff, auditors named
    on imported audits, and family members invited to give feedback; and children's case numbers, which name a
    child as surely. Sorted, without repeats."""
    sources = (
        Child.objects.values_list("name", flat=True),
        Child.objects.values_list("case_id", flat=True),
        Person.objects.values_list("full_name", flat=True),
        Audit.objects.exclude(auditor_name="").values_list("auditor_name", flat=True).distinct(),
        Invitation.objects.values_list("recipient_name", flat=True).distinct(),
    )
    names: set[str] = set()
    for source in sources:
        for name in source.iterator(chunk_size=5000):
            name = " ".join(name.split())
            if name:
                names.add(name)
                names.update(name_parts(name))
    return sorted(names)


def _forms(name: str) -> set[str]:
    """What the pattern looks for, lower case: the name's long words, and the whole name when a word is too short
    to go alone ("Jo Li", "Al")."""
    words = [w for w in _SPLIT.split(name.replace("\u2019", "'")) if w and w.lower().rstrip(".") not in TITLES]
    forms = {w.lower() for w in words if _letters(w) >= MIN_PART_LETTERS}
    if any(_letters(w) < MIN_PART_LETTERS for w in words):
        forms.add(" ".join(words).lower())
    return forms


class Redactor:
    """Replaces every name with "[name]". Build one for many texts: the pattern is compiled here, once."""

    def __init__(self, names: Iterable[str]) -> None:
        self.forms = frozenset(form for name in names for form in _forms(name))
        self.pattern = _trie_pattern(self.forms)

    def __call__(self, text: str) -> str:
        if self.pattern is None or not text:
            return text
        # Matched in lower case without re.IGNORECASE: twice as fast over a year's text. A letter whose lower case
        # is longer ("İ") is left as it is, so every place in `lowered` is the same place in `text`.
        lowered = text.lower()
        if len(lowered) != len(text):
            lowered = "".join(c.lower() if len(c.lower()) == 1 else c for c in text)
        pieces, last = [], 0
        for match in self.pattern.finditer(lowered):
            pieces += [text[last : match.start()], PLACEHOLDER]
            last = match.end()
        if not pieces:
            return text
        pieces.append(text[last:])
        redacted = "".join(pieces)
        return _RUN.sub(PLACEHOLDER, redacted) if len(pieces) > 3 else redacted


def redact(text: str, names: Iterable[str]) -> str:
    """One text; for many, build a Redactor once and call it for each."""
    return Redactor(names)(text)


def _trie_pattern(forms: Iterable[str]) -> re.Pattern[str] | None:
    trie: dict = {}
    for form in forms:
        node = trie
        for char in form:
            node = node.setdefault(char, {})
        node[""] = {}  # a name may end here
    if not trie:
        return None
    # Whole words: nothing word-like just before or after. An apostrophe is not a word character, so "Olivia's"
    # loses "Olivia" and keeps "'s".
    return re.compile(rf"(?<!\w){_trie_regex(trie)}(?!\w)")


def _trie_regex(node: dict) -> str:
    branches = []
    for char in sorted(k for k in node if k):
        if char == " ":
            piece = _GAP
        elif char in "'\u2019":
            piece = "['\u2019]"
        else:
            piece = re.escape(char)
        branches.append(piece + _trie_regex(node[char]))
    if not branches:
        return ""
    ends = "" in node
    # Greedy: the longer name is tried first, and the shorter only if the longer does not match whole.
    if len(branches) == 1 and not ends:
        return branches[0]
    return "(?:" + "|".join(branches) + ")" + ("?" if ends else "")
