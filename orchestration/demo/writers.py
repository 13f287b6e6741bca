"""Deterministic file writers for the landing formats: same table, same bytes."""

from __future__ import annotations

import gzip
from pathlib import Path

import duckdb
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from orchestration.columns import normalize_column


def as_text(table: pa.Table) -> pa.Table:
    """Every column as text: exports carry strings, and malformed cells must fit any column."""
    return pa.table({name: pc.cast(col, pa.string()) for name, col in
                     zip(table.column_names, table.columns, strict=True)})


def fivetran_salesforce(table: pa.Table, synced_at: pa.Array) -> pa.Table:
    """A Salesforce export as Fivetran lands it: snake_case names, ISO times, sync columns."""
    columns = {}
    for name, col in zip(table.column_names, table.columns, strict=True):
        if name.endswith(("CreatedDate", "LastModifiedDate", "SystemModstamp")):
            col = pc.replace_substring(col, "+0000", "Z")
        columns[normalize_column(name)] = col
    columns["_fivetran_synced"] = synced_at
    columns["_fivetran_deleted"] = pa.array(np.zeros(table.num_rows, dtype=bool))
    return pa.table(columns)


def _csv_bytes(table: pa.Table) -> bytes:
    sink = pa.BufferOutputStream()
    pacsv.write_csv(as_text(table), sink)
    return sink.getvalue().to_pybytes()


def write_csv(table: pa.Table, path: Path) -> None:
    pacsv.write_csv(as_text(table), str(path))


def write_csv_gz(table: pa.Table, path: Path) -> None:
    # mtime=0: a gzip header otherwise carries the wall clock.
    path.write_bytes(gzip.compress(_csv_bytes(table), compresslevel=6, mtime=0))


def write_jsonl(table: pa.Table, path: Path) -> None:
    con = duckdb.connect()
    try:
        con.execute("set enable_progress_bar = false")
        con.register("rows", as_text(table))
        target = path.as_posix().replace("'", "''")
        con.execute(f"copy rows to '{target}' (format json)")
    finally:
        con.close()


def write_jsonl_gz(table: pa.Table, path: Path) -> None:
    plain = path.with_suffix("")
    write_jsonl(table, plain)
    path.write_bytes(gzip.compress(plain.read_bytes(), compresslevel=6, mtime=0))
    plain.unlink()


def write_parquet(table: pa.Table, path: Path) -> None:
    pq.write_table(table, str(path), compression="zstd")


WRITERS = {
    "csv": write_csv,
    "csv.gz": write_csv_gz,
    "jsonl": write_jsonl,
    "jsonl.gz": write_jsonl_gz,
    "parquet": write_parquet,
}


def write(table: pa.Table, path: Path, fmt: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    WRITERS[fmt](table, path)
