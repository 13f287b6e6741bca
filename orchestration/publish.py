"""Publication: the marts as BI tools read them, swapped in whole or not at all.

The warehouse has one writer, so BI tools never read it. After a refresh's dbt build and its
blocking contract checks pass, every table and view of schema `marts` is copied into a new
DuckDB file beside the published one, and into a new folder of Parquet files; then each is
swapped in by one rename. A reader holding `marts.duckdb` open keeps reading the version it
opened (the rename does not touch its open file) and never blocks the swap; a refresh killed
at any point leaves the previous publication as it was.

A refresh whose dbt build continued the build of the previous publication (an incremental
build on it) changed only some rows of the marts that mark each row with the load it was
written after (`_seen_up_to`: the incremental marts, and the tables rewritten by difference,
which mark the rows they write): those marts are brought up to date in a copy of the previous publication by
their key, the keys the build wrote again and the keys gone replaced, instead of being
written whole (at 10M leads after one more day, the funnel 15.5 s and attribution 19.9 s,
their Parquet files included, against 32.5 and 37.8 s).

A refresh that rebuilt nothing (dbt skipped: no new load, nothing changed) publishes again,
since the KPI contract's history and the views that read the clock change; the other marts
dbt built, tables and the views over them, are then those of the previous publication, which
come from the same build, so they are taken from it (the DuckDB file copied, the Parquet files
hard-linked) instead of being written again. The Parquet files only when marts/ still points
to the folder the previous publication wrote, which a publication killed between its two
renames does not leave.

Personal data: columns named like an e-mail address or a phone number are published as a
keyed SHA-256 hash (`<column>_hash`), stable across refreshes, unless ALIGNMENT_PUBLISH_PII
asks for them as they are.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import re
import secrets
import shutil
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from orchestration.home import Home
from orchestration.warehouse import duckdb_config

# E-mail addresses and phone numbers, by column name: email, work_email, mobile_phone_c, ...
PII_COLUMN = re.compile(r"(^|_)(e_?mail|phone|mobile|fax)(_c)?$")
PUBLICATION_TABLE = "_publication"
# The column an incremental mart marks its rows with: the newest load when they were written.
ROW_MARK = "_seen_up_to"


@dataclass(frozen=True)
class Publication:
    run_id: str
    published_at: dt.datetime
    tables: int
    rows: int
    hashed_columns: tuple[str, ...]  # "<table>.<column>" published as a hash
    unchanged: int = 0  # tables taken from the previous publication (the same dbt build)
    updated: int = 0  # tables of the previous publication brought up to date by key


@dataclass(frozen=True)
class DbtBuild:
    """The dbt build whose tables the warehouse holds: its run, and the marts it wrote whose
    rows follow from the build alone (not source_freshness, which reads the clock).

    loaded_up_to: the newest load it built from. built_on: the build an incremental build
    continued (None for a full build). marked: the marts whose rows carry ROW_MARK, by their
    key's columns: a key whose rows a build changed has a row it marked, or none left."""
    run_id: str
    marts: frozenset[str]
    loaded_up_to: int | None = None
    built_on: str | None = None
    marked: Mapping[str, tuple[str, ...]] = field(default_factory=dict)


def include_pii() -> bool:
    return os.environ.get("ALIGNMENT_PUBLISH_PII", "").strip().lower() in ("1", "true", "yes")


def _hash_key(home: Home) -> str:
    """A secret of this home, so the hashes cannot be reversed by hashing guessed addresses;
    kept, so the same address hashes the same in every publication."""
    path = home.root / "publish.key"
    if not path.exists():
        temporary = path.with_suffix(".tmp")
        temporary.write_text(secrets.token_hex(32), encoding="utf-8")
        temporary.chmod(0o600)
        os.replace(temporary, path)
    return path.read_text(encoding="utf-8").strip()


def _hashed(column: str, raw_pii: bool) -> bool:
    return not raw_pii and PII_COLUMN.search(column.lower()) is not None


def _published_columns(columns: list[str], raw_pii: bool) -> list[str]:
    return [f"{column}_hash" if _hashed(column, raw_pii) else column for column in columns]


def _select_list(columns: list[str], key: str, raw_pii: bool, hashed: list[str],
                 table: str) -> str:
    parts = []
    for column in columns:
        quoted = f'"{column}"'
        if _hashed(column, raw_pii):
            hashed.append(f"{table}.{column}")
            parts.append(f"case when {quoted} is not null then "
                         f"sha256('{key}' || lower(trim(cast({quoted} as varchar)))) end "
                         f'as "{column}_hash"')
        else:
            parts.append(quoted)
    return ", ".join(parts)


def _update_by_key(con: duckdb.DuckDBPyConnection, table: str, key: tuple[str, ...],
                   select: str, loaded_up_to: int) -> str:
    """Bring the previous publication's copy of a marked mart up to date: the rows of the keys
    the build wrote again (marked after the previous publication's load) replace that key's
    rows, and the keys gone from the mart go. Rows with a key column null are always written
    again. Returns what it did, for the log."""
    built, target = f'warehouse.marts."{table}"', f'building.main."{table}"'
    columns = ", ".join(f'"{column}"' for column in key)

    def same_key(one: str, other: str) -> str:
        return " and ".join(f'{one}."{column}" = {other}."{column}"' for column in key)

    def any_null(relation: str) -> str:
        return " or ".join(f'{relation}."{column}" is null' for column in key)

    con.execute(f"create or replace temp table rewritten as select distinct {columns} "
                f"from {built} where {ROW_MARK} > {loaded_up_to}")
    con.execute(f"delete from {target} as published where exists (select 1 from rewritten "
                f"where {same_key('rewritten', 'published')}) or {any_null('published')}")
    inserted = con.execute(f"insert into {target} by name select {select} from {built} "
                           f"as current where exists (select 1 from rewritten where "
                           f"{same_key('rewritten', 'current')}) or {any_null('current')}"
                           ).fetchone()[0]
    con.execute("drop table rewritten")
    # The keys not written again hold the rows they held at the previous publication, so the
    # copy has as many rows as the mart unless keys went from it (a journey merged into
    # another or deleted, a touch retired). Counting rows costs nothing; finding the gone
    # keys compares every key (~6 s for fct_touchpoints at 10M leads), so only then.
    published_rows, built_rows = con.execute(
        f"select (select count(*) from {target}), (select count(*) from {built})").fetchone()
    if published_rows == built_rows:
        return f"{inserted:,} rows of keys written again, no key gone"
    gone = con.execute(f"delete from {target} as published where not ({any_null('published')}) "
                       f"and not exists (select 1 from {built} as current where "
                       f"{same_key('current', 'published')})").fetchone()[0]
    return f"{inserted:,} rows of keys written again, {gone:,} of keys gone"


def _fsync_dir(folder: Path) -> None:
    descriptor = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def _swap_parquet(home: Home, built: Path) -> None:
    """Point marts/ at the new folder with one atomic rename of a symlink."""
    link = home.published_parquet
    if link.exists() and not link.is_symlink():
        raise RuntimeError(f"{link} is a folder, not the link publication keeps; move it away")
    previous = link.resolve() if link.is_symlink() else None
    temporary = link.with_name(".marts.link")
    temporary.unlink(missing_ok=True)
    temporary.symlink_to(built.name)
    os.replace(temporary, link)
    # The previous version stays for readers still going through its files; older ones go.
    for old in home.root.glob("marts-*"):
        if old not in (built, previous) and old.is_dir():
            shutil.rmtree(old, ignore_errors=True)


def _columns(con: duckdb.DuckDBPyConnection, catalog: str, schema: str, table: str) -> list[str]:
    return [row[0] for row in con.execute(
        "select column_name from information_schema.columns where table_catalog = ? "
        "and table_schema = ? and table_name = ? order by ordinal_position",
        [catalog, schema, table]).fetchall()]


@dataclass(frozen=True)
class _Previous:
    """The publication BI tools read now, as far as the next one can build on it."""
    made_from: tuple[str | None, str, str]  # (built_by, personal_data, hash_key_id)
    parquet: Path | None  # its Parquet folder, when marts/ still points to it
    loaded_up_to: int | None  # the newest load its build read


def _previous_publication(con: duckdb.DuckDBPyConnection, home: Home) -> _Previous | None:
    if not home.published.exists():
        return None
    con.execute(f"attach '{home.published}' as previous (read_only)")
    try:
        recorded = con.execute(f"select built_by, personal_data, hash_key_id, parquet_folder, "
                               f"loaded_up_to from previous.main.{PUBLICATION_TABLE}").fetchone()
    except duckdb.BinderException:  # published before publications recorded these
        return None
    finally:
        con.execute("detach previous")
    # A publication killed between its two renames left marts/ at the folder before it.
    link = home.published_parquet
    folder = link.resolve() if link.is_symlink() else None
    return _Previous(recorded[:3], folder if folder and folder.name == recorded[3] else None,
                     recorded[4])


@dataclass
class Prepared:
    """A publication written but for the tables written after the marts were built (those the
    KPI contract's checks write), and not yet swapped in: finish() does both."""
    run_id: str
    building: Path  # the DuckDB file being built
    parquet: Path  # its Parquet folder
    published_at: dt.datetime
    made_from: tuple[str | None, str, str]  # (built_by, personal_data, hash_key_id)
    key: str  # the personal data's hash key ("" when published as they are)
    loaded_up_to: int | None  # the newest load of the build published
    later: tuple[str, ...]  # the tables finish() writes
    tables: int = 0
    rows: int = 0
    unchanged: int = 0
    updated: int = 0
    hashed: list[str] = field(default_factory=list)


def _write_table(con: duckdb.DuckDBPyConnection, prepared: Prepared, table: str,
                 columns: list[str], how: str, build: DbtBuild | None, previous: _Previous | None,
                 log: Callable[[str], None]) -> None:
    """Publish one table into the building file and the Parquet folder: kept (hard-linked
    from the previous publication), updated by key, or written."""
    started = time.monotonic()
    raw_pii = prepared.made_from[1] == "included"
    select = _select_list(columns, prepared.key, raw_pii, prepared.hashed, table)
    target = f'building.main."{table}"'
    kept = None
    if how == "kept":
        prepared.unchanged += 1
        kept = previous.parquet / f"{table}.parquet" if previous.parquet else None
        how = "as the same build wrote it"
    elif how == "updated":
        prepared.updated += 1
        how = "updated: " + _update_by_key(con, table, build.marked[table], select,
                                           previous.loaded_up_to)
    else:
        con.execute(f'create table {target} as select {select} from warehouse.marts."{table}"')
    if kept and kept.is_file():
        os.link(kept, prepared.parquet / f"{table}.parquet")
    else:
        con.execute(f"copy {target} to '{prepared.parquet / table}.parquet' (format parquet)")
    table_rows = con.execute(f"select count(*) from {target}").fetchone()[0]
    prepared.tables += 1
    prepared.rows += table_rows
    log(f"published {table}: {table_rows:,} rows, {how} ({time.monotonic() - started:.1f} s)")


def _connect(home: Home, prepared: Prepared) -> duckdb.DuckDBPyConnection:
    # Held to ALIGNMENT_MEMORY_LIMIT like the build: at 10M leads, unheld, it took 17 GB.
    con = duckdb.connect(config=duckdb_config(home))
    # A table's rows have no order to keep; writing them in any order lets DuckDB write
    # on every core (publication 15% faster at 1M leads: docs/performance.md, session 17).
    con.execute("set preserve_insertion_order = false")
    con.execute(f"attach '{home.warehouse}' as warehouse (read_only)")
    con.execute(f"attach '{prepared.building}' as building")
    return con


def _write_through(con: duckdb.DuckDBPyConnection) -> None:
    # Checkpointed before the file is closed: a detach may leave the last changes in a WAL file.
    con.execute("checkpoint building")
    con.execute("detach building")
    con.execute("detach warehouse")


def _marts(con: duckdb.DuckDBPyConnection) -> list[str]:
    return [row[0] for row in con.execute(
        "select table_name from information_schema.tables where table_catalog = 'warehouse' "
        "and table_schema = 'marts' order by table_name").fetchall()]


def prepare(home: Home, run_id: str, build: DbtBuild | None = None,
            log: Callable[[str], None] = lambda line: None,
            later: tuple[str, ...] = ()) -> Prepared:
    """Write the publication of schema marts beside the published one, but for the tables
    named in `later` (written by finish()), and swap nothing in.

    build: the dbt build the warehouse's tables come from; the marts it wrote are taken from
    the previous publication when that was made from the same build, with personal data
    alike (the same key, or none).
    build.built_on: when it is the build of the previous publication, with personal data
    alike and a newer load, the marked marts are brought up to date in a copy of it.
    log: told how each table was published.
    """
    raw_pii = include_pii()
    key = "" if raw_pii else _hash_key(home)
    # Tables are taken from the previous publication only if hashed under the same key.
    made_from = (build.run_id if build else None, "included" if raw_pii else "hashed",
                 hashlib.sha256(key.encode()).hexdigest()[:16])
    prepared = Prepared(run_id, home.root / ".marts.duckdb.building",
                        home.root / f"marts-{run_id}", dt.datetime.now(dt.UTC).replace(tzinfo=None),
                        made_from, key, build.loaded_up_to if build else None, later)
    # Left over by a publication that was killed: never published, safe to drop.
    discard(prepared)
    prepared.parquet.mkdir(parents=True)
    con = duckdb.connect()
    try:
        previous = _previous_publication(con, home)
    finally:
        con.close()
    same_build = build is not None and previous is not None \
        and previous.made_from == made_from
    # Every row a build after the previous publication's wrote is marked after its load.
    continued = build is not None and build.built_on is not None and previous is not None \
        and previous.made_from == (build.built_on, *made_from[1:]) \
        and previous.loaded_up_to is not None and build.loaded_up_to is not None \
        and build.loaded_up_to > previous.loaded_up_to
    if same_build or continued:
        shutil.copyfile(home.published, prepared.building)
    con = _connect(home, prepared)
    try:
        held = {row[0] for row in con.execute(
            "select table_name from information_schema.tables "
            "where table_catalog = 'building'").fetchall()}
        plan = {}  # table: (its columns in the warehouse, how it is published)
        for table in _marts(con):
            if table in later:
                continue
            columns = _columns(con, "warehouse", "marts", table)
            if same_build and table in held and table in build.marts:
                plan[table] = (columns, "kept")
            elif continued and table in held and table in build.marked \
                    and _columns(con, "building", "main", table) \
                    == _published_columns(columns, raw_pii):
                plan[table] = (columns, "updated")
            else:
                plan[table] = (columns, "written")
        # Dropped before any is written, so that the new tables take the blocks the old ones
        # freed: written first, each over its old version, a copy grew by 40% at 10M leads.
        for dropped in held - {table for table, (_, how) in plan.items() if how != "written"}:
            con.execute(f'drop table building.main."{dropped}"')
        con.execute("checkpoint building")
        for table, (columns, how) in plan.items():
            _write_table(con, prepared, table, columns, how, build, previous, log)
        _write_through(con)
    finally:
        con.close()
    return prepared


def finish(home: Home, prepared: Prepared,
           log: Callable[[str], None] = lambda line: None) -> Publication:
    """Write the tables prepare() left for later, then swap the publication in: the DuckDB
    file and the Parquet folder, each by one rename."""
    con = _connect(home, prepared)
    try:
        for table in _marts(con):
            if table in prepared.later:
                _write_table(con, prepared, table, _columns(con, "warehouse", "marts", table),
                             "written", None, None, log)
        con.execute(f"""create table building.main.{PUBLICATION_TABLE} as select
            ? as run_id, ? as published_at, ? as tables, ? as row_count,
            ? as built_by, ? as personal_data, ? as hash_key_id, ? as parquet_folder,
            ?::bigint as loaded_up_to""",
                    [prepared.run_id, prepared.published_at, prepared.tables, prepared.rows,
                     *prepared.made_from, prepared.parquet.name, prepared.loaded_up_to])
        _write_through(con)
    finally:
        con.close()
    os.replace(prepared.building, home.published)
    _fsync_dir(home.root)
    _swap_parquet(home, prepared.parquet)
    return Publication(prepared.run_id, prepared.published_at, prepared.tables, prepared.rows,
                       tuple(prepared.hashed), prepared.unchanged, prepared.updated)


def discard(prepared: Prepared) -> None:
    """Remove a publication that will not be swapped in (its files were never published)."""
    prepared.building.unlink(missing_ok=True)
    shutil.rmtree(prepared.parquet, ignore_errors=True)


def publish(home: Home, run_id: str, build: DbtBuild | None = None,
            log: Callable[[str], None] = lambda line: None) -> Publication:
    """Copy schema marts of the warehouse to marts.duckdb and marts/*.parquet, atomically
    (prepare(), then finish())."""
    return finish(home, prepare(home, run_id, build, log), log)


def current_publication(home: Home) -> Publication | None:
    """What BI tools read now, from its own record; None before the first publication."""
    if not home.published.exists():
        return None
    con = duckdb.connect(str(home.published), read_only=True)
    try:
        run_id, published_at, tables, rows = con.execute(
            f"select run_id, published_at, tables, row_count from {PUBLICATION_TABLE}"
        ).fetchone()
    finally:
        con.close()
    return Publication(run_id, published_at, tables, rows, ())
