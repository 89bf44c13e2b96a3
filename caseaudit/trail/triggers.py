"""Database triggers that refuse UPDATE and DELETE on the change history.

Installed by migration on real databases. The test settings leave them out so
the test database can be flushed between tests; tests install them on purpose.
"""

from __future__ import annotations

TABLE = "trail_trailentry"

_POSTGRES_INSTALL = f"""
CREATE OR REPLACE FUNCTION trail_refuse_change() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'The change history is append-only: % refused', TG_OP;
END;
$$ LANGUAGE plpgsql;
DROP TRIGGER IF EXISTS trail_append_only ON {TABLE};
CREATE TRIGGER trail_append_only BEFORE UPDATE OR DELETE ON {TABLE}
    FOR EACH ROW EXECUTE FUNCTION trail_refuse_change();
"""
_POSTGRES_REMOVE = f"DROP TRIGGER IF EXISTS trail_append_only ON {TABLE};"

_SQLITE_INSTALL = [
    f"""CREATE TRIGGER IF NOT EXISTS trail_no_update BEFORE UPDATE ON {TABLE}
        BEGIN SELECT RAISE(ABORT, 'The change history is append-only: UPDATE refused'); END;""",
    f"""CREATE TRIGGER IF NOT EXISTS trail_no_delete BEFORE DELETE ON {TABLE}
        BEGIN SELECT RAISE(ABORT, 'The change history is append-only: DELETE refused'); END;""",
]
_SQLITE_REMOVE = ["DROP TRIGGER IF EXISTS trail_no_update;", "DROP TRIGGER IF EXISTS trail_no_delete;"]


def install(connection) -> None:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(_POSTGRES_INSTALL)
        else:
            for statement in _SQLITE_INSTALL:
                cursor.execute(statement)


def remove(connection) -> None:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(_POSTGRES_REMOVE)
        else:
            for statement in _SQLITE_REMOVE:
                cursor.execute(statement)
