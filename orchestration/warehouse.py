"""Connections to the warehouse file, with the settings every writer and reader shares."""

from __future__ import annotations

import os
from collections.abc import Iterator, Sequence
from contextlib import contextmanager

import duckdb

from orchestration.home import Home


@contextmanager
def connect(home: Home, read_only: bool = False) -> Iterator[duckdb.DuckDBPyConnection]:
    """Open warehouse.duckdb; one writer process at a time (DuckDB's rule), closed on exit."""
    home.root.mkdir(parents=True, exist_ok=True)
    if read_only and not home.warehouse.exists():
        raise FileNotFoundError(f"no warehouse yet at {home.warehouse}: run `alignment refresh`")
    con = duckdb.connect(str(home.warehouse), read_only=read_only)
    try:
        # Untimed timestamps in exports are UTC; spilling beats failing on large loads.
        con.execute("set TimeZone = 'UTC'")
        if not read_only:
            home.spill.mkdir(parents=True, exist_ok=True)
            con.execute(f"set temp_directory = '{home.spill}'")
        limit = os.environ.get("ALIGNMENT_MEMORY_LIMIT")
        if limit:
            con.execute(f"set memory_limit = '{limit}'")
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
