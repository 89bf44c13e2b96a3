"""QA's names for the themes found in what auditors wrote, and themes merged into one (issue 35, point 2).

A theme is known by its key (reporting/themes.py), which the same findings always give. A name replaces the
theme's label wherever it is shown; a theme merged into another is folded into it, its audits counted once
(a file in both is one file) and its examples added after the target's. A merge into a theme not found this
time is ignored: the theme stands on its own."""

from __future__ import annotations

from django.db import transaction

from caseaudit.organisation.models import Person

from .figures import Scope
from .models import ThemeName
from .themes import find_themes

EXAMPLES = 3


def themes_found(scope: Scope) -> list[dict]:
    """The themes of the scope's findings as plain data, with the audits each counts (kept for merging)."""
    return [theme.as_dict() | {"audit_ids": list(theme.audit_ids)} for theme in find_themes(scope)]


def named(themes: list[dict]) -> list[dict]:
    """The themes as QA named and merged them, in their order; each with `merged` (the labels folded in)."""
    by_key = {theme["key"]: theme for theme in themes}
    names = {name.key: name for name in ThemeName.objects.filter(key__in=list(by_key))}

    def target(key: str) -> str:
        seen = {key}
        while key in names and names[key].merged_into in by_key and names[key].merged_into not in seen:
            key = names[key].merged_into
            seen.add(key)
        return key

    folded: dict[str, list[dict]] = {}
    for theme in themes:
        folded.setdefault(target(theme["key"]), []).append(theme)
    result = []
    for key, group in folded.items():
        head = by_key[key]
        group.sort(key=lambda theme: theme["key"] != key)  # the target first
        audits = {audit for theme in group for audit in theme.get("audit_ids", [])}
        label = names[key].label if key in names and names[key].label else head["label"]
        result.append(
            {
                **{field: head[field] for field in ("key", "area", "polarity", "terms")},
                "label": label,
                "count": len(audits) if audits else sum(theme["count"] for theme in group),
                "examples": [example for theme in group for example in theme["examples"]][:EXAMPLES],
                "merged": [names[t["key"]].label if t["key"] in names and names[t["key"]].label else t["label"]
                           for t in group[1:]],
            }
        )  # fmt: skip
    return result


def theme_name_save(*, key: str, label: str, merged_into: str, by: Person) -> ThemeName | None:
    """Name a theme, or merge it into another; both empty forgets what was said about it."""
    label, merged_into = label.strip(), merged_into.strip()
    if merged_into == key:
        merged_into = ""
    with transaction.atomic():
        if not label and not merged_into:
            ThemeName.objects.filter(key=key).delete()
            return None
        name, _ = ThemeName.objects.update_or_create(
            key=key, defaults={"label": label, "merged_into": merged_into, "named_by": by}
        )
        return name
