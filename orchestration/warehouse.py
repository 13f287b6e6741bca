"""Connections to the warehouse file, with the settings every writer and reader shares."""

from __future__ import annotations

import os
from collections.abc import Iterator, Sequence
from contextlib import contextmanager

import duckdb

from orchestration.home import Home


def duckdb_config(home: Home) -> dict[str, str]:
    """What every DuckDB database a run opens is given as it opens: the memory limit asked
    for (ALIGNMENT_MEMORY_LIMIT; else 80% of RAM, DuckDB's own default) and the home's spill
    folder beyond it, so a large load, build or publication spills rather than fails. Given
    at open because DuckDB refuses to move temp_directory once a query has used it; DuckDB
    makes the folder when it first spills. The same two values as dbt's profile
    (dbt_project/profiles.yml, config_options): held_open shares dbt's database."""
    return {"memory_limit": os.environ.get("ALIGNMENT_MEMORY_LIMIT") or "80%",
            "temp_directory": str(home.spill)}


@contextmanager
def connect(home: Home, read_only: bool = False) -> Iterator[duckdb.DuckDBPyConnection]:
    """Open warehouse.duckdb; one writer process at a time (DuckDB's rule), closed on exit."""
    home.root.mkdir(parents=True, exist_ok=True)
    if read_only and not home.warehouse.exists():
        raise FileNotFoundError(f"no warehouse yet at {home.warehouse}: run `alignment refresh`")
    con = duckdb.connect(str(home.warehouse), read_only=read_only, config=duckdb_config(home))
    try:
        con.execute("set TimeZone = 'UTC'")  # untimed timestamps in exports are UTC
        yield con
    finally:
        con.close()


@contextmanager
def held_open(home: Home) -> Iterator[None]:
    """The warehouse kept open by this process while dbt builds on a thread of it.

    dbt's profile has dbt-duckdb close the file whenever no node holds it (keep_open: false,
    so that dbt never leaves it held) and open it again for the next node: a checkpoint and
    a load of the catalog each time, ~20 times a build on 4 threads and once a node (~240)
    on one thread, as the largest warehouses build. At 1M leads on one thread that was 16 s
    of a 92-110 s build (docs/performance.md, session 35). DuckDB gives a process's
    connections to one file with one configuration one open database: while this one is
    open, dbt's opens and closes are a cursor's, and the database closes, checkpointed once,
    with it. A dbt process of its own would find the file taken: only for dbt in this one.
    """
    con = duckdb.connect(str(home.warehouse), config=duckdb_config(home))
    try:
        yield
    finally:
        con.close()


def insert_rows(con: duckdb.DuckDBPyConnection, table: str, rows: Sequence[Sequence]) -> None:
    """Append rows, in the table's column order, in one statement. DuckDB's executemany runs
    one statement per row: 700 rows took 0.7 s, against 0.02 s from a data frame."""
    if not rows:
        return
    import pandas as pd

    columns = [row[0] for row in con.execute(f"describe {table}").fetchall()]
    frame = pd.DataFrame(list(rows), columns=columns)  # noqa: F841 (read by the statement)
    con.execute(f"insert into {table} by name select * from frame")
