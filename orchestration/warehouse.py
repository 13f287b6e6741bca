"""Connections to the warehouse file, with the settings every writer and reader shares."""

from __future__ import annotations

import os
from collections.abc import Iterator, Sequence
from contextlib import contextmanager

import duckdb

from orchestration.home import Home


def duckdb_config(home: Home) -> dict[str, str]:
    """What every DuckDB database a run opens is given as it opens: the memory limit asked
    for (ALIGNMENT_MEMORY_LIMIT; DuckDB's own default, 80% of RAM, without it) and the home's
    spill folder beyond it, so a large load, build or publication spills rather than fails.
    Given at open because DuckDB refuses to move temp_directory once a query has used it;
    DuckDB makes the folder when it first spills."""
    config = {"temp_directory": str(home.spill)}
    limit = os.environ.get("ALIGNMENT_MEMORY_LIMIT")
    if limit:
        config["memory_limit"] = limit
    return config


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


def insert_rows(con: duckdb.DuckDBPyConnection, table: str, rows: Sequence[Sequence]) -> None:
    """Append rows, in the table's column order, in one statement. DuckDB's executemany runs
    one statement per row: 700 rows took 0.7 s, against 0.02 s from a data frame."""
    if not rows:
        return
    import pandas as pd

    columns = [row[0] for row in con.execute(f"describe {table}").fetchall()]
    frame = pd.DataFrame(list(rows), columns=columns)  # noqa: F841 (read by the statement)
    con.execute(f"insert into {table} by name select * from frame")
