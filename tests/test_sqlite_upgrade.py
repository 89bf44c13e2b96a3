"""An SQLite database made by an earlier release migrates to this one with its report triggers intact.

A fresh database applies every audits migration before reporting's triggers exist, so only an upgrade
shows what a table rebuild does to them (web/sqlite_triggers.py): audits 0008 once failed here with
"error in trigger reporting_audits_sectionjudgement_ins: no such table: main.audits_audit"."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path


def _migrate(db: Path, *target: str) -> None:
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env.update(DJANGO_SETTINGS_MODULE="caseaudit.settings.base", DATABASE_URL=f"sqlite:///{db}")
    script = Path(sys.executable).parent / "caseaudit"
    done = subprocess.run(
        [str(script), "migrate", *target, "-v0"], env=env, capture_output=True, text=True, timeout=300
    )  # noqa: S603
    assert done.returncode == 0, done.stderr[-2000:]


def _triggers(db: Path) -> dict[str, str]:
    """The report's triggers, by name, with their SQL (the change log's own come with a later migration)."""
    with sqlite3.connect(db) as connection:
        rows = connection.execute(
            "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND name LIKE 'reporting_%'"
        )
        return dict(rows.fetchall())


def test_an_earlier_sqlite_database_upgrades_keeping_the_report_triggers(tmp_path):
    db = tmp_path / "earlier.sqlite3"
    # The release before blind double audits: audits at 0007, the report's triggers in place.
    _migrate(db, "audits", "0007")
    _migrate(db, "reporting", "0006")
    before = _triggers(db)
    assert len(before) == 9  # insert, update and delete on audits, their judgements and their activities
    _migrate(db)
    assert _triggers(db) == before
