"""Migrations that rebuild a table on SQLite keep the database's triggers working.

SQLite cannot alter a constraint in place: Django builds a new table, copies the rows, drops the old table and
renames the new one. Dropping the table drops its own triggers, and renaming fails outright while another
table's trigger names it ("error in trigger ...: no such table"). The report's month triggers (reporting
migration 0003) sit on the audit tables and name audits_audit, so every later migration that rebuilds one of
those tables on a database already carrying them failed, or would have lost them silently.

`keeping_triggers(operations)` wraps such operations: first every trigger is dropped, its SQL kept, then the
operations run, then each trigger is created again from that SQL. On PostgreSQL, which alters tables in place,
it does nothing. Reversing a migration runs the same steps in reverse order.
"""

from __future__ import annotations

from django.db import migrations

_saved: dict[str, list[str]] = {}


def _drop(apps, schema_editor) -> None:
    connection = schema_editor.connection
    if connection.vendor != "sqlite":
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT name, sql FROM sqlite_master WHERE type = 'trigger' ORDER BY name")
        triggers = cursor.fetchall()
    _saved[connection.alias] = [sql for _, sql in triggers]
    for name, _ in triggers:
        schema_editor.execute(f'DROP TRIGGER "{name}"')


def _create(apps, schema_editor) -> None:
    for sql in _saved.pop(schema_editor.connection.alias, []):
        schema_editor.execute(sql)


def keeping_triggers(operations: list) -> list:
    return [
        migrations.RunPython(_drop, _create, elidable=False),
        *operations,
        migrations.RunPython(_create, _drop, elidable=False),
    ]
