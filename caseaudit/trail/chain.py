"""The hash chain that makes the change history tamper-evident.

Each entry's hash covers its own content and the previous entry's hash, so
editing or deleting any entry breaks every link after it.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import UTC
from typing import TYPE_CHECKING

from django.db import connections

if TYPE_CHECKING:
    from .models import TrailEntry

GENESIS = "0" * 64
# Any fixed number: the key of the PostgreSQL advisory lock that serialises
# appends so two writers never take the same place in the chain.
_CHAIN_LOCK_KEY = 7_314_202_611

HASHED_FIELDS = (
    "sequence",
    "prev_hash",
    "timestamp",
    "action",
    "content_type_id",
    "object_pk",
    "object_id",
    "object_repr",
    "serialized_data",
    "changes",
    "changes_text",
    "actor_id",
    "actor_email",
    "remote_addr",
    "remote_port",
    "cid",
    "additional_data",
)


def lock_chain(using: str) -> None:
    """Serialise appends. SQLite already does: CaseAudit opens its write
    transactions IMMEDIATE, which takes the database's write lock."""
    connection = connections[using]
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_CHAIN_LOCK_KEY])


def entry_digest(entry: TrailEntry) -> str:
    content = {}
    for name in HASHED_FIELDS:
        value = getattr(entry, name)
        if name not in ("sequence", "prev_hash") and not name.endswith("_id"):
            # Hash what the database will hand back (auditlog passes object_pk
            # as an int, the column stores text), so a re-read hashes the same.
            value = type(entry)._meta.get_field(name).to_python(value)
        if name == "timestamp":
            value = value.astimezone(UTC).isoformat()
        content[name] = value
    canonical = json.dumps(content, sort_keys=True, separators=(",", ":"), default=str, ensure_ascii=False)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class ChainReport:
    ok: bool
    checked: int
    message: str


def verify_chain(entries) -> ChainReport:
    """Walk entries in sequence order; name the first one that breaks the chain."""
    expected_sequence = 1
    previous_hash = GENESIS
    checked = 0
    for entry in entries:
        if entry.sequence != expected_sequence:
            return ChainReport(False, checked, f"Entry #{expected_sequence} is missing: it was deleted.")
        if entry.prev_hash != previous_hash:
            return ChainReport(
                False,
                checked,
                f"Entry #{entry.sequence} does not follow entry #{entry.sequence - 1}: the chain was altered.",
            )
        if entry_digest(entry) != entry.entry_hash:
            return ChainReport(False, checked, f"Entry #{entry.sequence} was altered after it was written.")
        previous_hash = entry.entry_hash
        expected_sequence += 1
        checked += 1
    return ChainReport(True, checked, f"OK: {checked} entries verified; the chain is intact.")
