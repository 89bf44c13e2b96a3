"""A file's rows as plain text cells, and the checks every import shares.

Readers (CSV, XLSX, an API's JSON) turn their input into a `Table`; the
import services only ever see a Table, so every source gets the same
validation and the same error messages.
"""

from __future__ import annotations

import datetime
import functools
import re
from dataclasses import dataclass, field

# Line 1 is the header: the first data row is line 2, as a spreadsheet shows it.
FIRST_DATA_LINE = 2


@dataclass
class Table:
    headers: list[str]
    # (line number in the file, cells as text with the spaces around them stripped)
    rows: list[tuple[int, list[str]]]

    @classmethod
    def from_lists(cls, headers: list[str], rows: list[list[str]]) -> Table:
        # Stripped, as the file readers give them: the row checks rely on it.
        return cls(
            headers=[h.strip() for h in headers],
            rows=[(n + FIRST_DATA_LINE, [cell.strip() for cell in row]) for n, row in enumerate(rows)],
        )

    def __len__(self) -> int:
        return len(self.rows)


@dataclass(frozen=True)
class RowError:
    line: int  # 0 when the problem is the file or its header as a whole
    column: str
    reason: str

    def as_dict(self) -> dict:
        return {"line": self.line, "column": self.column, "reason": self.reason}

    def __str__(self) -> str:
        where = f"Line {self.line}" if self.line else "File"
        return f"{where}, {self.column}: {self.reason}" if self.column else f"{where}: {self.reason}"


@dataclass
class ImportResult:
    """What an import did (or, for a dry run, would do)."""

    kind: str
    dry_run: bool
    total_rows: int = 0
    errors: list[RowError] = field(default_factory=list)
    warnings: list[RowError] = field(default_factory=list)
    # action ("created", "updated", "closed", "unchanged", ...) -> references (case IDs, audit refs)
    changes: dict[str, list[str]] = field(default_factory=dict)
    # Things the import had to create around the rows: "service areas", "teams", "children"
    created_around: dict[str, list[str]] = field(default_factory=dict)
    committed: bool = False
    run_id: int | None = None
    profile: str = ""  # the mapping profile a case extract was read with

    @property
    def ok(self) -> bool:
        return not self.errors

    def count(self, action: str) -> int:
        return len(self.changes.get(action, []))

    def note(self, action: str, ref: str) -> None:
        self.changes.setdefault(action, []).append(ref)

    def to_dict(self) -> dict:
        return {
            "kind": self.kind,
            "dry_run": self.dry_run,
            "committed": self.committed,
            "ok": self.ok,
            "total_rows": self.total_rows,
            "counts": {action: len(refs) for action, refs in self.changes.items()},
            "changes": self.changes,
            "created_around": self.created_around,
            "errors": [e.as_dict() for e in self.errors],
            "warnings": [w.as_dict() for w in self.warnings],
            "run_id": self.run_id,
            "profile": self.profile,
        }

    @classmethod
    def from_dict(cls, data: dict) -> ImportResult:
        return cls(
            kind=data["kind"],
            dry_run=data["dry_run"],
            total_rows=data.get("total_rows", 0),
            errors=[RowError(**e) for e in data.get("errors", [])],
            warnings=[RowError(**w) for w in data.get("warnings", [])],
            changes=data.get("changes", {}),
            created_around=data.get("created_around", {}),
            committed=data.get("committed", False),
            run_id=data.get("run_id"),
            profile=data.get("profile", ""),
        )


class RowProblem(ValueError):
    """A cell that cannot be used; the message is shown to the person importing."""


_SPACES = re.compile(r"[\s_\-]+")


@functools.lru_cache(maxsize=65536)
def normalise_header(text: str) -> str:
    """'Allocated  Worker', 'allocated_worker' and 'ALLOCATED-WORKER' are one heading."""
    return _SPACES.sub(" ", text.strip().lower()).strip()


_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T]00:00(?::00(?:\.0+)?)?)?$")
_UK = re.compile(r"^(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4})(?: 00:00(?::00)?)?$")


def parse_date(text: str) -> datetime.date:
    """ISO (2024-03-31) or UK day/month/year (31/03/2024, 31-03-2024, 31.03.2024).

    American month-first dates are not accepted: 03/04/2024 is 3 April."""
    text = text.strip()
    # Fast paths for the two usual shapes (a 100,000-row extract has two or three dates a row);
    # anything else, or anything they refuse, goes through the full parser for its message.
    if len(text) == 10:
        try:
            if text[4] == "-":
                return datetime.date.fromisoformat(text)
            if text[2] == text[5] == "/":
                return datetime.date(int(text[6:]), int(text[3:5]), int(text[:2]))
        except ValueError:
            pass
    match = _ISO.match(text)
    if match:
        year, month, day = (int(g) for g in match.groups())
    else:
        match = _UK.match(text)
        if not match:
            raise RowProblem(f"'{shorten(text)}' is not a date: use 2024-03-31 or 31/03/2024")
        day, month, year = (int(g) for g in match.groups())
    try:
        return datetime.date(year, month, day)
    except ValueError:
        raise RowProblem(f"'{shorten(text)}' is not a real date") from None


def shorten(text: str, limit: int = 40) -> str:
    """Echo a bad value back without letting a hostile cell fill the page."""
    text = "".join(ch if ch.isprintable() else "?" for ch in text)
    return text if len(text) <= limit else text[: limit - 1] + "…"
