"""Load landing files into raw.<system>__<object>, once each, losing no row.

Each new file is read by DuckDB's own readers as text, its columns renamed to snake_case, the
contract's columns parsed to their types, and every row either loaded or quarantined with the
reason. A file is loaded in one transaction with its manifest row, so a crash loads it whole
or not at all, and a file already in the manifest (same path, size and hash) is skipped. A
file's hash is computed once, while the file system says it has not changed since
(raw.landing_digests), so a refresh reads only the new files, however long the history.
"""

from __future__ import annotations

import csv
import gzip
import hashlib
import os
import re
import time
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass, replace
from pathlib import Path

import duckdb

from orchestration.columns import normalize_header
from orchestration.landing import LANDING_FORMATS, SQL_TYPES, ColumnType, LandingObject

META_COLUMNS = {"_file": "varchar", "_row": "bigint", "_load_id": "bigint",
                "_loaded_at": "timestamp"}

MANIFEST_DDL = """
create table if not exists raw.load_manifest (
    load_id bigint primary key,
    object varchar not null,
    file varchar not null,
    size_bytes bigint not null,
    sha256 varchar not null,
    rows_read bigint not null,
    rows_loaded bigint not null,
    rows_quarantined bigint not null,
    loaded_at timestamp not null,
    -- the raw columns the file gave, comma-separated (snake_case names hold no comma; a list
    -- type would not copy to the other engines); null for files loaded before it was kept
    columns varchar
)"""

QUARANTINE_DDL = """
create table if not exists raw.quarantine (
    load_id bigint not null,
    object varchar not null,
    file varchar not null,
    line bigint,
    record bigint,
    column_name varchar,
    value varchar,
    reason varchar not null
)"""

CARRIED_DDL = """
create table if not exists raw.carried_columns (
    load_id bigint not null,
    object varchar not null,
    file varchar not null,
    column_name varchar not null,
    records_carried bigint not null
)"""

# Kept for every landing file hashed, by what the file system says of it then: a write to the
# file changes its size, its modification time or its change time, and the kernel sets the
# change time (no tool sets it back), so a file whose three are as they were is unchanged.
DIGESTS_DDL = """
create table if not exists raw.landing_digests (
    file varchar primary key,
    size_bytes bigint not null,
    modified_ns bigint not null,
    changed_ns bigint not null,
    sha256 varchar not null
)"""
# How long before it was stated a file must have last changed for its digest to be kept.
SETTLED_NS = 1_000_000_000


class LandingError(Exception):
    """A landing file breaks the contract in a way no row-level quarantine can absorb."""


@dataclass(frozen=True)
class FileLoad:
    file: str
    rows_read: int
    rows_loaded: int
    rows_quarantined: int
    columns_carried: tuple[str, ...] = ()  # lacked by the file, kept from earlier versions


@dataclass(frozen=True)
class ObjectLoad:
    table: str
    files: tuple[FileLoad, ...]
    skipped: int  # files already in the manifest

    @property
    def rows_loaded(self) -> int:
        return sum(f.rows_loaded for f in self.files)

    @property
    def rows_quarantined(self) -> int:
        return sum(f.rows_quarantined for f in self.files)


def landing_files(obj: LandingObject, landing: Path) -> list[tuple[Path, str | None]]:
    """The object's files in a stable order (their paths under its folder, sub-folders such as
    <year>/<month>/ included), each with its partition value (ads platform)."""
    folder = obj.folder(landing)
    if not folder.is_dir():
        return []
    folders = sorted(p for p in folder.iterdir() if p.is_dir()) if obj.partition_column else [folder]
    return [
        (path, sub.name if obj.partition_column else None)
        for sub in folders
        for path in sorted(sub.rglob("*"))
        # Not hidden files nor folders: a copy from a Mac leaves ._<name> beside each file.
        if path.is_file() and path.name.lower().endswith(LANDING_FORMATS)
        and not any(part.startswith(".") for part in path.relative_to(sub).parts)
    ]


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def landing_digests(con: duckdb.DuckDBPyConnection, files: Sequence[Path], landing: Path,
                    hashing: Callable[..., Iterable[str]] = map) -> dict[Path, str]:
    """SHA-256 of each of the landing files: the one kept in raw.landing_digests while the
    file's size, modification and change times are those it had when hashed, else its hash
    now (hashing: a map over the files to hash, e.g. a pool's), kept for the next refresh.

    Otherwise every refresh would read the whole history of exports to find one day's files
    (docs/performance.md, session 44)."""
    con.execute("create schema if not exists raw")
    con.execute(DIGESTS_DDL)
    kept = {file: (size, modified, changed, sha) for file, size, modified, changed, sha
            in con.execute("select * from raw.landing_digests").fetchall()}
    digests, fresh = {}, []
    for path in files:
        # Stated before it is read, so that a write while it is hashed changes what is kept.
        stat = path.stat()
        seen = (str(path.relative_to(landing)), stat.st_size, stat.st_mtime_ns, stat.st_ctime_ns)
        held = kept.get(seen[0])
        if held is not None and held[:3] == seen[1:]:
            digests[path] = held[3]
        else:
            # The file system's clock ticks every few milliseconds: a file changed within the
            # last second could change again with the same times, so it is not kept (hashed
            # again next time), as git does with files changed as its index was written.
            fresh.append((path, seen, time.time_ns() - stat.st_ctime_ns > SETTLED_NS))
    hashed = list(hashing(file_sha256, [path for path, _, _ in fresh]))
    for (path, _, _), sha in zip(fresh, hashed, strict=True):
        digests[path] = sha
    settled = [[*seen, sha] for (_, seen, keep), sha in zip(fresh, hashed, strict=True) if keep]
    if settled:
        con.executemany("insert or replace into raw.landing_digests values (?, ?, ?, ?, ?)",
                        settled)
    # A file removed from landing/ (exports archived once loaded) leaves no digest behind: the
    # table would otherwise hold every file ever landed. Its loads stay in the manifest.
    asked = {str(path.relative_to(landing)) for path in files}
    removed = [[file] for file in kept if file not in asked and not (landing / file).exists()]
    if removed:
        con.executemany("delete from raw.landing_digests where file = ?", removed)
    return digests


def ensure_raw_tables(con: duckdb.DuckDBPyConnection, obj: LandingObject) -> None:
    """Create raw's bookkeeping tables and the object's table with every contract column.

    A missing object thus leaves an empty table, and the marts built on it empty, not broken.
    """
    con.execute("create schema if not exists raw")
    con.execute(MANIFEST_DDL)
    con.execute("alter table raw.load_manifest add column if not exists columns varchar")
    con.execute(QUARANTINE_DDL)
    con.execute(CARRIED_DDL)
    columns = {name: SQL_TYPES[kind] for name, kind in obj.all_columns.items()}
    if obj.partition_column:
        columns[obj.partition_column] = "varchar"
    columns.update(META_COLUMNS)
    body = ", ".join(f'"{name}" {sql_type}' for name, sql_type in columns.items())
    con.execute(f"create table if not exists raw.{obj.table} ({body})")


def parse_expression(column: str, kind: ColumnType) -> str:
    """SQL turning the text in ``column`` into its contract type, null when it cannot."""
    if kind == "text":
        # Text stays as exported (staging trims); only an empty field becomes null.
        return f"nullif({column}, '')"
    value = f"nullif(trim({column}), '')"
    if kind == "timestamp":
        # HubSpot exports epoch milliseconds; everything else is ISO 8601, UTC unless offset.
        return (f"case when regexp_full_match({value}, '[0-9]{{12,13}}') "
                f"then make_timestamp(cast({value} as bigint) * 1000) "
                f"else cast(try_cast({value} as timestamptz) as timestamp) end")
    if kind == "date":
        return f"cast(try_cast({value} as timestamp) as date)"
    if kind == "boolean":
        return f"try_cast({value} as boolean)"
    if kind == "integer":
        # `250.0` is a whole number (some exports write every number so); `1.5` is not.
        number = f"try_cast({value} as double)"
        return f"case when {number} = trunc({number}) then try_cast({number} as bigint) end"
    return f"try_cast({value} as double)"


# Below 2^53 a double holds every integer exactly; above, its integer text would show digits
# the exporter's number never had.
_EXACT_INTEGERS = 2 ** 53


def float_text(number: str, text: str) -> str:
    """SQL: the text of a floating-point value, ``number``: its integer's text when it is a
    whole number (`1001.0` is '1001', `-0.0` is '0'), else ``text``, the reader's (`82.5`,
    nan, inf).

    An export that writes integers as floats (pandas' nullable ints in JSON, a double custom
    column in Parquet) then gives the text the CSV export of the record gives: ids are kept as
    text, and `1001.0` would not join `1001`."""
    return (f"case when abs({number}) < {_EXACT_INTEGERS} and {number} = trunc({number}) "
            f"then cast(cast({number} as bigint) as varchar) else {text} end")


def text_expression(column: str, source_type: str) -> str:
    """SQL: the text of the source's ``column`` of type ``source_type`` (as DuckDB names it):
    floating-point columns as float_text gives, any other as DuckDB casts it."""
    text = f"cast({column} as varchar)"
    return float_text(column, text) if source_type in ("DOUBLE", "FLOAT") else text


# The case-safe suffix's alphabet: one character per five of a 15-character Salesforce Id.
_ID_SUFFIX = "ABCDEFGHIJKLMNOPQRSTUVWXYZ012345"


def eighteen_character_id(value: str) -> str:
    """SQL: a 15-character Salesforce Id with its case-safe suffix appended, any other value
    as it is. Each suffix character encodes which of five characters are upper case
    (bit i for the i-th), so `00QAB00000CdEfG` from a report is `00QAB00000CdEfG2AV` from the
    API; joined as they come, the two would be two records."""
    suffix = " || ".join(
        f"substr('{_ID_SUFFIX}', 1 + "
        + " + ".join(f"(ascii(substr({value}, {5 * chunk + bit + 1}, 1)) between 65 and 90)"
                     f"::int * {1 << bit}" for bit in range(5))
        + ", 1)" for chunk in range(3))
    return f"case when length({value}) = 15 then {value} || {suffix} else {value} end"


_REASONS: dict[ColumnType, str] = {
    "timestamp": "not a timestamp",
    "date": "not a date",
    "boolean": "not a boolean",
    "integer": "not a whole number",
    "decimal": "not a number",
}


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _csv_header(path: Path) -> tuple[list[str], str]:
    """The header's column names and the delimiter; a blank name (a trailing delimiter, as
    spreadsheets save) is named by its position, column_<n>.

    Read here rather than sniffed by DuckDB: a malformed row can make a sniffer take a data
    row for the header, and the header is the contract's anchor. Only the header line is
    decoded: a row in another encoding is the reader's to quarantine.
    """
    opener = gzip.open if path.name.lower().endswith(".gz") else open
    with opener(path, "rb") as handle:
        # Up to the first line ending of any kind: Excel for Mac ends lines with \r alone.
        first = re.split(rb"\r\n|\r|\n", handle.read(1 << 20), maxsplit=1)[0]
    try:
        text = first.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise LandingError(f"{path}: line 1 (the header) is not UTF-8: byte "
                           f"{first[error.start]:#04x} at position {error.start + 1}; "
                           "export the file as UTF-8") from None
    if not text.strip():
        raise LandingError(f"{path}: line 1 (the header) is empty; a CSV file starts with "
                           "its column names")
    delimiter = max(",;\t|", key=text.count)
    try:
        names = next(csv.reader([text], delimiter=delimiter))
    except csv.Error as error:
        raise LandingError(f"{path}: line 1 (the header) cannot be read: {error}") from None
    return [name if name.strip() else f"column_{position}"
            for position, name in enumerate(names, start=1)], delimiter


def _csv_reader(path: Path, *options: str) -> str:
    names, delimiter = _csv_header(path)
    literal = "'" + str(path).replace("'", "''") + "'"
    columns = ", ".join(f"{_sql_string(name)}: 'VARCHAR'" for name in names)
    # Every option given, nothing sniffed: a sniffer reads a sample of rows first, and one
    # broken quote among them would fail the whole file instead of quarantining its record.
    return (f"read_csv({literal}, auto_detect = false, header = true, "
            f"delim = {_sql_string(delimiter)}, quote = '\"', escape = '\"', "
            f"columns = {{{columns}}}" + "".join(f", {option}" for option in options) + ")")


def _sql_string(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _source(con: duckdb.DuckDBPyConnection, path: Path) -> str:
    """A query of the file's readable records as text, with _row (their position).

    The file is read once, by the query that types it; only JSON lines are staged first.
    """
    name = path.name.lower()
    if name.endswith((".csv", ".csv.gz")):
        # The reader appends to its rejects tables: a connection's earlier files would still
        # be in them, and be quarantined again under this file's name.
        con.execute("drop table if exists temp._rejects")
        con.execute("drop table if exists temp._reject_scans")
        reader = _csv_reader(path, "store_rejects = true", "rejects_table = '_rejects'",
                             "rejects_scan = '_reject_scans'")
        return f"select *, row_number() over () as _row from {reader}"
    literal = "'" + str(path).replace("'", "''") + "'"
    if name.endswith(".parquet"):
        return f"select *, row_number() over () as _row from read_parquet({literal})"
    con.execute(f"create or replace temp table _lines as {_json_lines(literal)}")
    keys = _json_keys(con, "_lines")
    # One JSON parse per line extracts every key at once, one more tells their types.
    paths = ", ".join(_json_path(key) for key in keys)
    fields = ", ".join(f"{_json_text(i + 1)} as {_quote(key)}" for i, key in enumerate(keys))
    if not keys:  # no JSON object, nothing but _row to give
        return "select _row from _lines where _object"
    return (f"select {fields}, _row "
            f"from (select _row, json_extract_string(line, [{paths}]) as _values, "
            f"json_type(line, [{paths}]) as _types from _lines where _object)")


def _json_text(position: int) -> str:
    """SQL: the text of the JSON value at ``position`` of _values: a number written as a float
    (`1001.0`) as float_text gives, any other as the reader extracts it (a string such as
    "1001.0" unchanged: the exporter wrote it as text)."""
    value = f"_values[{position}]"
    number = float_text(f"try_cast({value} as double)", value)
    return f"case when _types[{position}] = 'DOUBLE' then {number} else {value} end"


def _json_lines(literal: str) -> str:
    """SQL: the non-blank lines of a JSON lines file with their line number and whether they
    are a JSON object; a broken line is kept so that it is quarantined with its number.

    A line may hold up to 16 MB (a contact with many long properties): the reader's default
    limit, 2 MB, would fail the file. Not more: a gzipped file's read buffer is sixteen lines,
    and 256 MB lines asked for 4 GB at once.
    """
    # try() of json_type parses each line once; null is what json_valid would call invalid.
    return ("select _row, line, coalesce(try(json_type(line)) = 'OBJECT', false) as _object "
            "from (select row_number() over () as _row, column0 as line "
            # Nothing sniffed: a sniffer skips the blank lines a file starts with, and every
            # later line's number would be off by them.
            f"from read_csv({literal}, auto_detect = false, header = false, delim = '\\x1f', "
            "quote = '', escape = '', columns = {'column0': 'varchar'}, strict_mode = false, "
            "max_line_size = 16777216)) "
            # A line opening a JSON object is not blank: trim() need only look at the others.
            "where starts_with(line, '{') or trim(line) <> ''")


def _json_keys(con: duckdb.DuckDBPyConnection, lines: str) -> list[str]:
    """Every key of the JSON objects among `lines` (a relation as _json_lines gives)."""
    return [row[0] for row in con.execute(
        # Distinct key lists first: far fewer to unnest than one list per line.
        "select distinct unnest(keys) from "
        f"(select distinct json_keys(line) as keys from {lines} where _object) order by 1"
    ).fetchall()]


def _rejects(con: duckdb.DuckDBPyConnection,
             path: Path) -> list[tuple[int | None, int | None, str]]:
    """(line, record, reason) of the records the reader could not read, once _source has been
    read: the physical line, and the record's place among all the file's records."""
    name = path.name.lower()
    if name.endswith((".csv", ".csv.gz")):
        # The reader's `line` counts records (the header is 1); the byte where the record's
        # line starts tells its physical line, which a field with line breaks moves.
        rejects = con.execute(
            "select line - 1, min(line_byte_position), "
            "string_agg(error_type || ': ' || error_message, '; ') "
            "from _rejects group by line order by line"
        ).fetchall()
        lines = _physical_lines(path, [position for _, position, _ in rejects])
        return [(line, record, f"unreadable CSV record ({reason})")
                for line, (record, _, reason) in zip(lines, rejects, strict=True)]
    if name.endswith(".parquet"):
        return []
    rows = con.execute("select _row from _lines where not _object order by _row").fetchall()
    return [(row, row, "not a JSON object") for (row,) in rows]


def _physical_lines(path: Path, positions: Sequence[int]) -> list[int]:
    """The physical line (1 = the first; a line ends at \\r\\n, \\r or \\n) at each byte
    position of the file's text, read once up to the last one (a gzipped file decompressed)."""
    opener = gzip.open if path.name.lower().endswith(".gz") else open
    at: dict[int, int] = {}
    line, offset, after_cr = 1, 0, False
    with opener(path, "rb") as handle:
        for position in sorted(set(positions)):
            while offset < position:
                chunk = handle.read(min(1 << 24, position - offset))
                if not chunk:
                    break
                line += (chunk.count(b"\n") + chunk.count(b"\r") - chunk.count(b"\r\n")
                         - (after_cr and chunk.startswith(b"\n")))
                after_cr = chunk.endswith(b"\r")
                offset += len(chunk)
            at[position] = line
    return [at[position] for position in positions]


def _number_all_records(con: duckdb.DuckDBPyConnection, rejected: Sequence[int]) -> None:
    """Renumber _typed's records by their place among all the file's records: the reader
    numbered only those it could read, and a record after a rejected one would name the
    record before it. The k-th readable record is the k-th place no rejected record holds."""
    con.execute("create or replace temp table _rejected as select unnest(?::bigint[]) as record",
                [list(rejected)])
    con.execute(
        "update _typed set _row = _row + (select count(*) from "
        "(select record - row_number() over (order by record) as readable_before "
        "from _rejected) where readable_before < _typed._row)")


def _json_path(key: str) -> str:
    return "'$.\"" + key.replace("'", "''").replace('"', '\\"') + "\"'"


def _file_columns(con: duckdb.DuckDBPyConnection, path: Path) -> list[str]:
    """The file's column names from its header (JSON lines: from a sample of records)."""
    literal = "'" + str(path).replace("'", "''") + "'"
    name = path.name.lower()
    if name.endswith((".csv", ".csv.gz")):
        return _csv_header(path)[0]
    if name.endswith(".parquet"):
        reader = f"read_parquet({literal})"
    else:
        reader = f"read_json({literal}, format = 'newline_delimited', ignore_errors = true)"
    return [row[0] for row in con.execute(f"describe select * from {reader}").fetchall()]


def _source_types(con: duckdb.DuckDBPyConnection, path: Path, source: str) -> dict[str, str]:
    """The source's columns, each with its type as DuckDB names it."""
    if path.name.lower().endswith((".csv", ".csv.gz")):
        # The header the reader was given: describing the reader would sniff the file again.
        return dict.fromkeys(_csv_header(path)[0], "VARCHAR")
    return {name: kind for name, kind, *_ in con.execute(f"describe {source}").fetchall()
            if name != "_row"}


def _check_header(path: Path, obj: LandingObject, mapping: dict[str, str]) -> None:
    if not mapping and path.name.lower().endswith((".jsonl", ".jsonl.gz")):
        return  # no record, no columns: a day with nothing to export
    present = set(mapping.values())
    missing = [column for column in obj.columns if column not in present]
    if missing:
        raise LandingError(
            f"{path}: required column {missing[0]!r} of {obj.system}/{obj.name} is missing"
            + (f" (also missing: {', '.join(missing[1:])})" if missing[1:] else "")
        )


def _header_mapping(path: Path, obj: LandingObject, columns: list[str]) -> dict[str, str]:
    try:
        mapping = normalize_header(columns, obj.system)
    except ValueError as error:
        raise LandingError(f"{path}: {error}") from None
    if obj.partition_column:
        mapping = {k: v for k, v in mapping.items() if v != obj.partition_column}
    _check_header(path, obj, mapping)
    return mapping


def _add_new_columns(con: duckdb.DuckDBPyConnection, obj: LandingObject,
                     mapping: dict[str, str]) -> None:
    existing = {row[0] for row in con.execute(f"describe raw.{obj.table}").fetchall()}
    for normalized in mapping.values():
        if normalized not in existing:
            con.execute(f"alter table raw.{obj.table} add column {_quote(normalized)} varchar")


def _load_file(con: duckdb.DuckDBPyConnection, obj: LandingObject, path: Path, file_label: str,
               partition: str | None, source: str, source_types: Mapping[str, str],
               mapping: dict[str, str], load_id: int) -> FileLoad:
    """Quarantine the file's records that break the contract and load the rest.

    The source is read once, into temp table _typed: values parsed, one flag per check, and
    the text of each checked column, which is what a quarantined value shows.
    """
    typed = obj.all_columns
    parsed, kept, checks = [], [], []
    for index, (original, normalized) in enumerate(mapping.items()):
        kind = typed.get(normalized, "text")
        text = text_expression(_quote(original), source_types[original])
        # The key trimmed here, not in staging: a record's versions are ranked by their key,
        # and `00Q1 ` ranked apart from `00Q1` would stage one record twice. Salesforce Ids
        # (the key and the references) in one form, 18 characters, for the same reason.
        if normalized == obj.key or normalized in obj.salesforce_ids:
            value = f"nullif(trim({text}), '')"
            if normalized in obj.salesforce_ids:
                value = eighteen_character_id(value)
        else:
            value = parse_expression(text, kind)
        parsed.append(f"{value} as {_quote(normalized)}")
        must_fill = normalized == obj.key or normalized in obj.filled
        if kind == "text" and not must_fill:
            continue
        # Filled next to the parse, so that both share one trim() of the text.
        kept += [f"{text} as _text_{index}",
                 f"nullif(trim({text}), '') is not null as _filled_{index}"]
        if kind != "text":
            checks.append((f"_filled_{index} and {_quote(normalized)} is null",
                           normalized, index, _REASONS[kind]))
        if must_fill:
            missing = "missing key" if normalized == obj.key else "missing"
            checks.append((f"not _filled_{index}", normalized, index, f"{missing} {normalized}"))
    flags = [f"({condition}) as _bad_{i}" for i, (condition, *_) in enumerate(checks)]
    con.execute(
        f"create or replace temp table _typed as select *, {', '.join(flags) or 'true'} "
        f"from (select {', '.join(['_row', *parsed, *kept])} from ({source}))"
    )
    rejects = _rejects(con, path)
    if path.name.lower().endswith((".csv", ".csv.gz")) and rejects:
        _number_all_records(con, [record for _, record, _ in rejects])
    params = [load_id, f"{obj.system}/{obj.name}", file_label]
    for i, (_, normalized, index, reason) in enumerate(checks):
        con.execute(
            "insert into raw.quarantine select ?, ?, ?, null, _row, ?, "
            f"_text_{index}, ? from _typed where _bad_{i}",
            [*params, normalized, reason],
        )
    for line, record, reason in rejects:
        con.execute("insert into raw.quarantine values (?, ?, ?, ?, ?, null, null, ?)",
                    [*params, line, record, reason])

    selected = [_quote(normalized) for normalized in mapping.values()]
    if obj.partition_column:
        selected.append(f"{_sql_string(partition)} as {obj.partition_column}")
    selected += [f"{_sql_string(file_label)} as _file", "_row", f"{load_id} as _load_id",
                 "current_localtimestamp() as _loaded_at"]
    valid = " and ".join(f"not _bad_{i}" for i in range(len(checks))) or "true"
    loaded = con.execute(
        f"insert into raw.{obj.table} by name "
        f"select {', '.join(selected)} from _typed where {valid}"
    ).fetchone()[0]
    staged = con.execute("select count(*) from _typed").fetchone()[0]
    return FileLoad(file_label, staged + len(rejects), loaded, staged - loaded + len(rejects))


def _carry_lacked_columns(con: duckdb.DuckDBPyConnection, obj: LandingObject, file_label: str,
                          mapping: dict[str, str], load_id: int) -> tuple[str, ...]:
    """Give the load's records, in each column of the raw table their file lacked and an
    earlier file of the object gave, the value of the record's newest earlier version; record
    each such column in raw.carried_columns, and return them.

    Staging takes a record's latest version whole: without this, a re-export that leaves out
    a custom or optional column would blank it for every record it holds. A file that has the
    column and leaves a cell empty still clears it. Columns no earlier file gave (an optional
    column this company does not export) hold nothing to carry and cost nothing; the object's
    not_carried columns are left empty.
    """
    given = {*mapping.values(), *META_COLUMNS, obj.partition_column, *obj.not_carried}
    lacked = [row[0] for row in con.execute(f"describe raw.{obj.table}").fetchall()
              if row[0] not in given]
    if not lacked or not obj.record_key:
        return ()
    given_before = {row[0] for row in con.execute(
        # A file loaded before the manifest kept columns may have given any of them.
        "select distinct unnest(string_split(coalesce(columns, $lacked), ',')) "
        "from raw.load_manifest where object = $object and load_id < $load",
        {"lacked": ",".join(lacked), "object": f"{obj.system}/{obj.name}",
         "load": load_id}).fetchall()}
    carried = [column for column in lacked if column in given_before]
    if not carried:
        return ()
    same_record = " and ".join(f"earlier.{_quote(c)} is not distinct from loaded.{_quote(c)}"
                               for c in obj.record_key)
    record = ", ".join(_quote(c) for c in obj.record_key)
    # Only the versions of the load's own records are ranked: a re-export of a few records
    # must not sort the whole table.
    con.execute(
        f"update raw.{obj.table} as loaded set "
        + ", ".join(f"{_quote(c)} = earlier.{_quote(c)}" for c in carried)
        + f" from (select {record}, {', '.join(_quote(c) for c in carried)} "
        f"from raw.{obj.table} as earlier where _load_id < $load and exists "
        f"(select 1 from raw.{obj.table} as loaded where loaded._load_id = $load "
        f"and {same_record}) "
        f"qualify row_number() over (partition by {record} "
        "order by _load_id desc, _row desc) = 1) as earlier "
        f"where loaded._load_id = $load and {same_record}",
        {"load": load_id})
    # The columns were empty in the load's rows: what they hold now was carried.
    counts = con.execute(
        "select " + ", ".join(f"count({_quote(c)})" for c in carried)
        + f" from raw.{obj.table} where _load_id = ?", [load_id]).fetchone()
    con.executemany(
        "insert into raw.carried_columns values (?, ?, ?, ?, ?)",
        [[load_id, f"{obj.system}/{obj.name}", file_label, column, count]
         for column, count in zip(carried, counts, strict=True)])
    return tuple(carried)


@dataclass(frozen=True)
class PendingFile:
    path: Path
    partition: str | None
    label: str  # its path under landing/, as the manifest names it
    size: int
    sha256: str


@dataclass(frozen=True)
class ObjectPlan:
    obj: LandingObject
    pending: tuple[PendingFile, ...]  # in load order
    skipped: int  # files already in the manifest

    @property
    def pending_bytes(self) -> int:
        return sum(f.size for f in self.pending)


def _check_not_empty(file: PendingFile) -> None:
    """Raise LandingError for a file of 0 bytes, a failed export: a CSV file holds at least its
    header, a Parquet file its footer, a gzipped one the gzip header. Not for a plain .jsonl:
    JSON lines without records are 0 bytes, a day with nothing to export, and load nothing."""
    if file.size == 0 and not file.path.name.lower().endswith(".jsonl"):
        raise LandingError(f"{file.path}: the file is empty (0 bytes); export it again")


def plan_object(con: duckdb.DuckDBPyConnection, obj: LandingObject, landing: Path,
                digests: Mapping[Path, str]) -> ObjectPlan:
    """The object's landing files not yet loaded, each header checked: raise LandingError
    before any file of the object loads when one breaks the contract's header.

    digests: SHA-256 of the object's landing files (landing_digests).
    """
    ensure_raw_tables(con, obj)
    known = {
        (file, size, sha)
        for file, size, sha in con.execute(
            "select file, size_bytes, sha256 from raw.load_manifest where object = ?",
            [f"{obj.system}/{obj.name}"],
        ).fetchall()
    }
    pending = []
    skipped = 0
    for path, partition in landing_files(obj, landing):
        label = str(path.relative_to(landing))
        size = path.stat().st_size
        sha = digests[path]
        if (label, size, sha) in known:
            skipped += 1
        else:
            pending.append(PendingFile(path, partition, label, size, sha))
    for file in pending:
        _check_not_empty(file)
        try:
            _header_mapping(file.path, obj, _file_columns(con, file.path))
        except LandingError:
            if not file.path.name.lower().endswith((".jsonl", ".jsonl.gz")):
                raise
            # _file_columns reads a sample of records, and an export that leaves out empty
            # properties may give a key first after it: every line's keys decide.
            lines = _json_lines(_sql_string(str(file.path)))
            _header_mapping(file.path, obj, _json_keys(con, f"({lines})"))
    return ObjectPlan(obj, tuple(pending), skipped)


def next_load_id(con: duckdb.DuckDBPyConnection) -> int:
    return con.execute("select coalesce(max(load_id), 0) + 1 from raw.load_manifest").fetchone()[0]


def load_planned(con: duckdb.DuckDBPyConnection, plan: ObjectPlan,
                 first_load_id: int) -> ObjectLoad:
    """Load the plan's files in order, file i as load first_load_id + i, each in one
    transaction with its manifest row."""
    obj = plan.obj
    loads = []
    for load_id, file in enumerate(plan.pending, start=first_load_id):
        con.execute("begin transaction")
        try:
            source = _source(con, file.path)
            types = _source_types(con, file.path, source)
            mapping = _header_mapping(file.path, obj, list(types))
            _add_new_columns(con, obj, mapping)
            result = _load_file(con, obj, file.path, file.label, file.partition, source,
                                types, mapping, load_id)
            result = replace(result, columns_carried=_carry_lacked_columns(
                con, obj, file.label, mapping, load_id))
            con.execute(
                "insert into raw.load_manifest values "
                "(?, ?, ?, ?, ?, ?, ?, ?, current_localtimestamp(), ?)",
                [load_id, f"{obj.system}/{obj.name}", file.label, file.size, file.sha256,
                 result.rows_read, result.rows_loaded, result.rows_quarantined,
                 ",".join(mapping.values())],
            )
            con.execute("commit")
        except BaseException:
            con.execute("rollback")
            raise
        loads.append(result)
    return ObjectLoad(obj.table, tuple(loads), plan.skipped)


def load_object(con: duckdb.DuckDBPyConnection, obj: LandingObject, landing: Path) -> ObjectLoad:
    """Load the object's new landing files; raise LandingError before loading any of them
    when one breaks the contract's header."""
    files = [path for path, _ in landing_files(obj, landing)]
    plan = plan_object(con, obj, landing, landing_digests(con, files, landing))
    return load_planned(con, plan, next_load_id(con))


def load_objects(con: duckdb.DuckDBPyConnection, objects: Sequence[LandingObject],
                 landing: Path, workers: int | None = None,
                 ) -> Iterator[tuple[LandingObject, ObjectLoad | Exception]]:
    """Load several objects' new files, objects side by side on their own connections, and
    yield each object with its load, or with the error that stopped it, as it ends.

    DuckDB reads a file and types its rows on about one core (a gzipped file on exactly one),
    so two objects at once use both. Each object's files still load one after the other, in
    order: a file's load ids must stay in file order (re-exports after the exports they
    update), and a crash must not leave a later file of an object loaded without an earlier
    one. Load ids are given out as a one-at-a-time load would give them: object by object,
    file by file, every one larger than any loaded before.
    """
    workers = workers or os.cpu_count() or 1
    with ThreadPoolExecutor(max_workers=workers) as pool:
        files = [path for obj in objects for path, _ in landing_files(obj, landing)]
        # hashlib lets go of the interpreter while it hashes: the files hash side by side too
        digests = landing_digests(con, files, landing, pool.map)
        plans: list[ObjectPlan] = []
        for obj in objects:
            try:
                plans.append(plan_object(con, obj, landing, digests))
            except Exception as error:  # noqa: BLE001 (the object is reported broken)
                yield obj, error
        first_ids, load_id = {}, next_load_id(con)
        for plan in plans:
            first_ids[plan.obj.table], load_id = load_id, load_id + len(plan.pending)

        def run(plan: ObjectPlan) -> ObjectLoad:
            cursor = con.cursor()
            # A cursor is a session of its own, in the machine's time zone until told: the
            # parse of an offset timestamp to UTC, and _loaded_at, read it.
            cursor.execute("set TimeZone = 'UTC'")
            try:
                return load_planned(cursor, plan, first_ids[plan.obj.table])
            finally:
                cursor.close()

        # The largest first, so the last to end is a small one.
        by_size = sorted(plans, key=lambda plan: plan.pending_bytes, reverse=True)
        futures = {pool.submit(run, plan): plan.obj for plan in by_size if plan.pending}
        for plan in plans:
            if not plan.pending:
                yield plan.obj, ObjectLoad(plan.obj.table, (), plan.skipped)
        for future in as_completed(futures):
            error = future.exception()
            yield futures[future], error if error is not None else future.result()
