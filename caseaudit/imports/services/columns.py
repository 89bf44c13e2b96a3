"""Finding the columns an import needs in a file's header row."""

from __future__ import annotations

from ..tables import RowError, normalise_header


def header_index(headers: list[str]) -> tuple[dict[str, int], list[RowError]]:
    """Normalised heading -> column position; a heading given twice is an error (which one would count?)."""
    index: dict[str, int] = {}
    errors: list[RowError] = []
    for position, heading in enumerate(headers):
        key = normalise_header(heading)
        if not key:
            continue
        if key in index:
            errors.append(RowError(1, heading, "this heading appears twice: remove or rename one of the columns"))
            continue
        index[key] = position
    return index, errors


def locate(
    index: dict[str, int], wanted: dict[str, str], required: list[str], labels: dict[str, str]
) -> tuple[dict[str, int], list[RowError]]:
    """field -> column position for each field whose heading is in the file; missing required headings are errors."""
    found: dict[str, int] = {}
    errors: list[RowError] = []
    for field, heading in wanted.items():
        if heading and normalise_header(heading) in index:
            found[field] = index[normalise_header(heading)]
    for field in required:
        if field not in found:
            heading = wanted.get(field) or field
            errors.append(
                RowError(1, heading, f"the required column '{heading}' ({labels.get(field, field)}) is missing")
            )
    return found, errors
