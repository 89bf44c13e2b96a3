"""Writing many rows fast: COPY on PostgreSQL, executemany on SQLite (decision 0010).

The ORM's bulk_create builds a model instance and a parameter per cell; for
the 100,000-row extracts councils send that alone costs more than the whole
import may take. These helpers take plain tuples. They run inside the
caller's transaction and every database constraint still applies.

Table and column names come from model metadata (never from input) and are
quoted; values always travel as parameters or COPY data, hence the S608 noqa.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from django.db import connection


def _quoted(names: Sequence[str]) -> str:
    return ", ".join(connection.ops.quote_name(name) for name in names)


def insert_rows(table: str, columns: Sequence[str], rows: Iterable[Sequence]) -> int:
    count = 0
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            sql = f"COPY {connection.ops.quote_name(table)} ({_quoted(columns)}) FROM STDIN"
            with cursor.cursor.copy(sql) as copy:
                for row in rows:
                    copy.write_row(row)
                    count += 1
            return count
        placeholders = ", ".join(["%s"] * len(columns))
        sql = f"INSERT INTO {connection.ops.quote_name(table)} ({_quoted(columns)}) VALUES ({placeholders})"  # noqa: S608
        batch: list[Sequence] = []
        for row in rows:
            batch.append(row)
            if len(batch) == 5000:
                cursor.executemany(sql, batch)
                count += len(batch)
                batch = []
        if batch:
            cursor.executemany(sql, batch)
            count += len(batch)
    return count


def update_rows(table: str, key: str, columns: Sequence[str], rows: Sequence[Sequence]) -> None:
    """rows are (key value, *column values)."""
    if not rows:
        return
    name = connection.ops.quote_name(table)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # Stage the new values with COPY, then one UPDATE … FROM: one statement whatever the row count.
            listed = _quoted([key, *columns])
            staging = f"CREATE TEMP TABLE import_staging ON COMMIT DROP AS SELECT {listed} FROM {name} WITH NO DATA"  # noqa: S608
            cursor.execute(staging)
            with cursor.cursor.copy(f"COPY import_staging ({_quoted([key, *columns])}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
            assignments = ", ".join(
                f"{connection.ops.quote_name(c)} = s.{connection.ops.quote_name(c)}" for c in columns
            )
            quoted_key = connection.ops.quote_name(key)
            update = (
                f"UPDATE {name} AS t SET {assignments} FROM import_staging AS s WHERE t.{quoted_key} = s.{quoted_key}"  # noqa: S608
            )
            cursor.execute(update)
            cursor.execute("DROP TABLE import_staging")
            return
        assignments = ", ".join(f"{connection.ops.quote_name(c)} = %s" for c in columns)
        sql = f"UPDATE {name} SET {assignments} WHERE {connection.ops.quote_name(key)} = %s"  # noqa: S608
        cursor.executemany(sql, [(*row[1:], row[0]) for row in rows])
