"""Backing up and restoring the database (docs/decisions/0042).

SQLite: the sqlite3 online backup API copies a consistent snapshot while the
app keeps serving, and restores the same way, page by page under SQLite's lock,
so connections still open see the restored data rather than a replaced file.
PostgreSQL: pg_dump's custom format and pg_restore, when they are installed.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
from dataclasses import dataclass
from pathlib import Path

# Tables every CaseAudit database has: a file without them is not ours.
REQUIRED_TABLES = ("django_migrations", "organisation_child", "audits_audit", "trail_trailentry")


class BackupError(Exception):
    pass


@dataclass(frozen=True)
class TrailHead:
    sequence: int
    entry_hash: str


def _trail_head(connection: sqlite3.Connection) -> TrailHead | None:
    row = connection.execute(
        "SELECT sequence, entry_hash FROM trail_trailentry ORDER BY sequence DESC LIMIT 1"
    ).fetchone()
    return TrailHead(*row) if row else None


def sqlite_check(path: Path) -> TrailHead | None:
    """Refuse a file that is damaged or is not a CaseAudit database; return its change-history head."""
    if not path.is_file():
        raise BackupError(f"{path} does not exist.")
    try:
        connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    except sqlite3.Error as exc:
        raise BackupError(f"{path} cannot be opened as a SQLite database: {exc}") from exc
    try:
        try:
            result = connection.execute("PRAGMA integrity_check").fetchall()
        except sqlite3.DatabaseError as exc:
            raise BackupError(f"{path} is not a SQLite database ({exc}).") from exc
        if result != [("ok",)]:
            problems = "; ".join(r[0] for r in result[:5])
            raise BackupError(f"{path} failed SQLite's integrity check: {problems}")
        tables = {r[0] for r in connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        missing = [t for t in REQUIRED_TABLES if t not in tables]
        if missing:
            raise BackupError(f"{path} is not a CaseAudit database (no {', '.join(missing)} table).")
        return _trail_head(connection)
    finally:
        connection.close()


def sqlite_backup(source: Path, target: Path) -> TrailHead | None:
    if target.exists():
        raise BackupError(f"{target} already exists; choose a new file name.")
    target.parent.mkdir(parents=True, exist_ok=True)
    src = sqlite3.connect(f"file:{source}?mode=ro", uri=True, timeout=30)
    dst = sqlite3.connect(target)
    try:
        with dst:
            src.backup(dst)
        # The copy is a single file: no WAL beside it to lose when it is moved.
        dst.execute("PRAGMA journal_mode=DELETE")
    finally:
        dst.close()
        src.close()
    os.chmod(target, 0o600)  # it holds everything the database does
    return sqlite_check(target)


def sqlite_in_use(database: Path) -> bool:
    """WAL and shared-memory files exist while any connection is open (SQLite removes them
    when the last one closes), so their presence means the app, or a crashed one, has it open."""
    return any(Path(f"{database}{suffix}").exists() for suffix in ("-wal", "-shm"))


def sqlite_restore(backup: Path, database: Path) -> TrailHead | None:
    head = sqlite_check(backup)
    src = sqlite3.connect(f"file:{backup}?mode=ro", uri=True)
    dst = sqlite3.connect(database, timeout=30)
    try:
        src.backup(dst)
    finally:
        dst.close()
        src.close()
    return head


def pg_command(tool: str) -> str:
    path = shutil.which(tool)
    if path is None:
        raise BackupError(
            f"{tool} is not installed. Install the PostgreSQL client (Debian: apt-get install postgresql-client) "
            f"or run it on the database server, for example:\n  {pg_example(tool)}"
        )
    return path


def pg_example(tool: str) -> str:
    if tool == "pg_dump":
        return "pg_dump --format=custom --no-owner --file=caseaudit.dump postgres://USER@HOST:5432/DBNAME"
    return "pg_restore --clean --if-exists --no-owner --single-transaction --dbname=postgres://USER@HOST:5432/DBNAME caseaudit.dump"


def pg_env(settings_dict: dict) -> tuple[list[str], dict[str, str]]:
    """Connection options for the client tools; the password goes in the environment, not the command line."""
    args = []
    for option, key in (("--host", "HOST"), ("--port", "PORT"), ("--username", "USER")):
        if settings_dict.get(key):
            args.append(f"{option}={settings_dict[key]}")
    env = dict(os.environ)
    if settings_dict.get("PASSWORD"):
        env["PGPASSWORD"] = settings_dict["PASSWORD"]
    return args, env


def pg_backup(settings_dict: dict, target: Path, *, snapshot: str = "") -> None:
    """pg_dump to `target`; with `snapshot` (pg_export_snapshot() of a transaction still open), the dump is
    exactly what that transaction sees, so a head read in it is the dump's head."""
    if target.exists():
        raise BackupError(f"{target} already exists; choose a new file name.")
    target.parent.mkdir(parents=True, exist_ok=True)
    args, env = pg_env(settings_dict)
    if snapshot:
        args.append(f"--snapshot={snapshot}")
    command = [pg_command("pg_dump"), "--format=custom", "--no-owner", f"--file={target}", *args, settings_dict["NAME"]]
    result = subprocess.run(command, env=env, capture_output=True, text=True, check=False)  # noqa: S603
    if result.returncode != 0:
        raise BackupError(f"pg_dump failed: {result.stderr.strip()}")
    os.chmod(target, 0o600)


def pg_check(backup: Path) -> None:
    if not backup.is_file():
        raise BackupError(f"{backup} does not exist.")
    result = subprocess.run(  # noqa: S603
        [pg_command("pg_restore"), "--list", str(backup)], capture_output=True, text=True, check=False
    )
    if result.returncode != 0:
        raise BackupError(f"{backup} is not a readable pg_dump archive: {result.stderr.strip()}")
    missing = [t for t in REQUIRED_TABLES if f"TABLE public {t} " not in result.stdout]
    if missing:
        raise BackupError(f"{backup} is not a CaseAudit database (no {', '.join(missing)} table).")


def pg_restore(settings_dict: dict, backup: Path) -> None:
    pg_check(backup)
    args, env = pg_env(settings_dict)
    command = [
        pg_command("pg_restore"),
        "--clean",
        "--if-exists",
        "--no-owner",
        "--single-transaction",
        "--exit-on-error",
        f"--dbname={settings_dict['NAME']}",
        *args,
        str(backup),
    ]
    result = subprocess.run(command, env=env, capture_output=True, text=True, check=False)  # noqa: S603
    if result.returncode != 0:
        raise BackupError(f"pg_restore failed: {result.stderr.strip()}")
