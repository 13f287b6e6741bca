"""Land the warehouse's inputs as Parquet for another engine, and load them there.

DuckDB is the default engine. The same dbt project builds on PostgreSQL and Apache Spark (and
is written for Snowflake, BigQuery and Databricks): what those engines need is the `raw` and
`contract` schemas that ingestion and the contract asset write, as tables of the same names
and types. `export_parquet` writes them as one Parquet file per table (the format every
engine reads); `load_postgres` and `load_spark` load such files. docs/scaling.md explains
where this fits; tests/engines/ uses it to prove the marts are the same on every engine.

Drivers are imported where they are used: `pip install -e '.[engines]'` brings them.
"""

from __future__ import annotations

import re
import tempfile
from dataclasses import dataclass
from pathlib import Path

import duckdb

SCHEMAS = ("raw", "contract")


@dataclass(frozen=True)
class ParquetTable:
    schema: str
    name: str
    path: Path
    columns: tuple[tuple[str, str], ...]  # (name, DuckDB type), in table order


def _quote(identifier: str) -> str:
    return '"' + identifier.replace('"', '""') + '"'


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def export_parquet(warehouse: Path, out_dir: Path, schemas=SCHEMAS) -> list[ParquetTable]:
    """Every table of `schemas` in the DuckDB file as <out_dir>/<schema>/<table>.parquet.

    Opens the warehouse read-only (no refresh may run at the same time). HUGEINT, which
    Parquet has no type for, is written as DECIMAL(38, 0).
    """
    tables: list[ParquetTable] = []
    with duckdb.connect(str(warehouse), read_only=True) as con:
        rows = con.execute(
            "select table_schema, table_name, column_name, data_type from information_schema.columns"
            " where table_schema in (select unnest(?)) order by table_schema, table_name,"
            " ordinal_position",
            [list(schemas)],
        ).fetchall()
        columns: dict[tuple[str, str], list[tuple[str, str]]] = {}
        for schema, table, column, data_type in rows:
            data_type = "DECIMAL(38,0)" if data_type == "HUGEINT" else data_type
            columns.setdefault((schema, table), []).append((column, data_type))
        for (schema, table), cols in columns.items():
            path = out_dir / schema / f"{table}.parquet"
            path.parent.mkdir(parents=True, exist_ok=True)
            select = ", ".join(f"cast({_quote(c)} as {t}) as {_quote(c)}" for c, t in cols)
            con.execute(
                f"copy (select {select} from {_quote(schema)}.{_quote(table)})"
                f" to {_literal(str(path))} (format parquet)"
            )
            tables.append(ParquetTable(schema, table, path, tuple(cols)))
    return tables


def postgres_type(duckdb_type: str) -> str:
    """The PostgreSQL type of a DuckDB column type (the types raw and contract use)."""
    t = duckdb_type.upper()
    if t.startswith("DECIMAL"):
        return t.replace("DECIMAL", "numeric")
    simple = {
        "VARCHAR": "text", "BOOLEAN": "boolean", "DATE": "date", "TIMESTAMP": "timestamp",
        "TIMESTAMP WITH TIME ZONE": "timestamptz", "BIGINT": "bigint", "INTEGER": "integer",
        "SMALLINT": "smallint", "DOUBLE": "double precision", "FLOAT": "real",
    }
    if t not in simple:
        raise ValueError(f"no PostgreSQL type for DuckDB type {duckdb_type}")
    return simple[t]


def load_postgres(connection, tables: list[ParquetTable]) -> None:
    """(Re)create each table in PostgreSQL and COPY its rows in, in one transaction.

    `connection` is a psycopg2 connection. Rows go through CSV, which COPY reads fastest;
    DuckDB writes it (an empty string quoted, NULL unquoted, which COPY tells apart).
    """
    with tempfile.TemporaryDirectory(prefix="alignment-pg-load-") as scratch, connection:
        cursor = connection.cursor()
        for table in tables:
            target = f"{_quote(table.schema)}.{_quote(table.name)}"
            cursor.execute(f"create schema if not exists {_quote(table.schema)}")
            cursor.execute(f"drop table if exists {target} cascade")
            ddl = ", ".join(f"{_quote(c)} {postgres_type(t)}" for c, t in table.columns)
            cursor.execute(f"create table {target} ({ddl})")
            csv_path = Path(scratch) / f"{table.schema}.{table.name}.csv"
            duckdb.execute(
                f"copy (select * from read_parquet({_literal(str(table.path))}))"
                f" to {_literal(str(csv_path))} (format csv, header false)"
            )
            with csv_path.open("rb") as handle:
                cursor.copy_expert(f"copy {target} from stdin with (format csv)", handle)


def load_spark(spark, tables: list[ParquetTable]) -> None:
    """Each file as a managed table <schema>.<table> of the Spark session's catalog.

    Timestamps stay wall-clock UTC: DuckDB writes TIMESTAMP without time zone, which Spark
    reads as TIMESTAMP_NTZ; it is cast to Spark's TIMESTAMP, which the session (time zone
    UTC) reads back unchanged, because dbt's cross-database macros produce that type.
    """
    from pyspark.sql import functions as F
    from pyspark.sql.types import TimestampNTZType

    for table in tables:
        if not re.fullmatch(r"[a-z_][a-z0-9_]*", f"{table.schema}{table.name}"):
            raise ValueError(f"not a plain name: {table.schema}.{table.name}")
        spark.sql(f"create database if not exists {table.schema}")
        frame = spark.read.parquet(str(table.path))
        frame = frame.select(*[
            F.col(f.name).cast("timestamp").alias(f.name)
            if isinstance(f.dataType, TimestampNTZType) else F.col(f.name)
            for f in frame.schema.fields
        ])
        frame.write.mode("overwrite").format("parquet").saveAsTable(f"{table.schema}.{table.name}")
