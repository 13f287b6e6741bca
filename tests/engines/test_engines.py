"""One dbt project, several engines: the same raw data built on PostgreSQL and on Apache Spark
gives every mart the same rows and values as on DuckDB.

`make test-engines` runs these (marker `engines`; `make test` leaves them out). Every table
of the marts schema that DuckDB has is compared, found at run time, not listed here: same
columns, same number of rows, and, with the rows sorted by all columns, the same values.
Numbers compare with a relative tolerance of 1e-9 (absolute 1e-9 near zero): engines add
floating-point numbers in different orders. Timestamps are wall-clock UTC on every engine.
"""

from __future__ import annotations

import datetime as dt
import math
import os
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest

from orchestration.engines import load_postgres, load_spark

pytestmark = pytest.mark.engines

REL_TOL = 1e-9
ABS_TOL = 1e-9
MARTS = "marts"
DBT_PROJECT = Path(__file__).resolve().parents[2] / "dbt_project"

Table = tuple[list[str], list[tuple]]


def dbt_args(engine: str, work: Path) -> list[str]:
    """`dbt build` of the whole project (seeds, models, data and unit tests) on a target."""
    return ["build", "--project-dir", str(DBT_PROJECT), "--profiles-dir", str(DBT_PROJECT),
            "--target", engine, "--target-path", str(work / "target"),
            "--log-path", str(work / "logs")]


def normalize(value):
    """A cell as a comparable Python value: numbers as float, timestamps naive UTC."""
    if value is None:
        return None
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float | Decimal):
        value = float(value)
        return "NaN" if math.isnan(value) else value
    if isinstance(value, dt.datetime):
        if value.tzinfo is not None:
            value = value.astimezone(dt.UTC).replace(tzinfo=None)
        return value
    if isinstance(value, dt.date | str):
        return value
    if hasattr(value, "item"):  # numpy scalars
        return normalize(value.item())
    return repr(value)


def _sort_key(row: tuple) -> tuple:
    key = []
    for value in row:
        if value is None:
            key.append((0, ""))
        elif isinstance(value, float):
            key.append((1, f"{value:+.9e}"))
        else:
            key.append((2, type(value).__name__, str(value)))
    return tuple(key)


def _same(a, b) -> bool:
    if isinstance(a, float) and isinstance(b, float):
        return math.isclose(a, b, rel_tol=REL_TOL, abs_tol=ABS_TOL)
    return type(a) is type(b) and a == b


def prepared(table: Table) -> Table:
    columns, rows = table
    return [c.lower() for c in columns], sorted(
        (tuple(normalize(v) for v in row) for row in rows), key=_sort_key)


def differences(expected: dict[str, Table], actual: dict[str, Table]) -> dict[str, str]:
    """Per mart table, what differs (empty when every table is the same)."""
    found: dict[str, str] = {}
    for name in sorted(expected):
        if name not in actual:
            found[name] = "missing"
            continue
        (want_cols, want_rows), (got_cols, got_rows) = prepared(expected[name]), prepared(actual[name])
        if want_cols != got_cols:
            found[name] = f"columns differ: {want_cols} vs {got_cols}"
        elif len(want_rows) != len(got_rows):
            found[name] = f"{len(want_rows)} rows on DuckDB, {len(got_rows)} here"
        else:
            for want, got in zip(want_rows, got_rows, strict=True):
                bad = [c for c, a, b in zip(want_cols, want, got, strict=True) if not _same(a, b)]
                if bad:
                    shown = {c: (want[want_cols.index(c)], got[want_cols.index(c)]) for c in bad}
                    found[name] = f"first differing row (DuckDB, here): {shown}"
                    break
    return found


def duckdb_marts(warehouse: Path) -> dict[str, Table]:
    with duckdb.connect(str(warehouse), read_only=True) as con:
        names = [r[0] for r in con.execute(
            "select table_name from information_schema.tables where table_schema = ?"
            " and table_type = 'BASE TABLE' order by 1", [MARTS]).fetchall()]
        tables = {}
        for name in names:
            result = con.execute(f'select * from {MARTS}."{name}"')
            tables[name] = ([d[0] for d in result.description], result.fetchall())
    assert tables, "DuckDB has no marts"
    return tables


def report(engine: str, expected: dict[str, Table], found: dict[str, str]) -> str:
    matched = sorted(set(expected) - set(found))
    lines = [f"{engine}: {len(matched)} of {len(expected)} marts match DuckDB"]
    lines += [f"  {name}: {why}" for name, why in sorted(found.items())]
    return "\n".join(lines)


def test_postgres_builds_the_same_marts_as_duckdb(engine_data, postgres_server, tmp_path):
    import psycopg2

    settings = {k: v for k, v in postgres_server.items()}
    connect = dict(host=settings["ALIGNMENT_PG_HOST"], port=int(settings["ALIGNMENT_PG_PORT"]),
                   user=settings.get("ALIGNMENT_PG_USER", "alignment"),
                   password=settings.get("ALIGNMENT_PG_PASSWORD", ""),
                   dbname=settings.get("ALIGNMENT_PG_DATABASE", "alignment"))
    connection = psycopg2.connect(**connect)
    try:
        load_postgres(connection, engine_data["tables"])
    finally:
        connection.close()

    build = subprocess.run([str(Path(sys.executable).parent / "dbt"), *dbt_args("postgres", tmp_path)],
                           env={**os.environ, **settings}, capture_output=True, text=True)
    assert build.returncode == 0, build.stdout[-6000:]

    expected = duckdb_marts(engine_data["warehouse"])
    connection = psycopg2.connect(**connect)
    try:
        cursor = connection.cursor()
        cursor.execute("select table_name from information_schema.tables"
                       " where table_schema = %s and table_type = 'BASE TABLE'", [MARTS])
        actual = {}
        for (name,) in cursor.fetchall():
            cursor.execute(f'select * from {MARTS}."{name}"')
            actual[name] = ([d[0] for d in cursor.description], cursor.fetchall())
    finally:
        connection.close()
    found = differences(expected, actual)
    print(report("postgres", expected, found))
    assert not found, report("postgres", expected, found)


def test_spark_builds_the_same_marts_as_duckdb(engine_data, spark_session, tmp_path):
    from dbt.cli.main import dbtRunner

    load_spark(spark_session, engine_data["tables"])
    result = dbtRunner().invoke(dbt_args("spark", tmp_path))
    assert result.success, f"dbt build on spark failed: {result.exception or ''} (log: {tmp_path / 'logs'})"

    expected = duckdb_marts(engine_data["warehouse"])
    actual = {}
    for table in spark_session.catalog.listTables(MARTS):
        if table.tableType == "VIEW":
            continue
        frame = spark_session.table(f"{MARTS}.{table.name}")
        actual[table.name] = (frame.columns, [tuple(row) for row in frame.collect()])
    found = differences(expected, actual)
    print(report("spark", expected, found))
    assert not found, report("spark", expected, found)
