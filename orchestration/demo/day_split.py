"""Hold back the tail of a generated company (its last day, or more), to land it later as
new landing files: `make bench` measures the refresh that loads one more day, and the tests
check that such a refresh builds the same warehouse as a full rebuild.

Every row whose own date (creation, submission, event or spend day) falls on or after the
cutoff moves from landing/ to a day folder with the same layout, file names and format;
re-export files move whole (they are the export day's updates). Rows without a readable date
(the generator's deliberately broken ones among them) stay in the base, so nothing is lost.
"""

from __future__ import annotations

import csv
import datetime as dt
import gzip
import json
import os
import shutil
from concurrent.futures import ProcessPoolExecutor
from multiprocessing import get_context
from pathlib import Path

import duckdb

from orchestration.demo.truth import TRUTH_FILE

# The column that dates a row, by the names the generator's objects use.
DATE_COLUMNS = ("CreatedDate", "created_date", "submitted_at", "property_createdate",
                "createdate", "created", "date")


def _moment(text: str | None) -> dt.datetime | None:
    if not text:
        return None
    try:
        moment = dt.datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment.replace(tzinfo=None) if moment.tzinfo is None else (
        moment.astimezone(dt.UTC).replace(tzinfo=None))


def _clearly_before(cutoff: dt.datetime) -> str:
    return (cutoff - dt.timedelta(days=2)).date().isoformat()


def _is_later(text: str | None, cutoff: dt.datetime, clearly_before: str) -> bool:
    """Whether a row dated `text` falls on or after the cutoff; undated rows do not.

    clearly_before: the ISO date two days before the cutoff's. A text that starts with a
    calendar date (YYYY-MM-) and sorts before it is earlier whatever its time and offset (an
    offset is under a day), or not a date at all, and so are most rows of a company's
    history: they are decided without parsing, which was most of a split's time. Any other
    text is parsed.
    """
    if (text and text[:4].isdigit() and text[4:5] == "-" and text[7:8] == "-"
            and text[:10] < clearly_before):
        return False
    moment = _moment(text)
    return moment is not None and moment >= cutoff


def _open(path: Path, mode: str):
    if path.suffix == ".gz":
        # level 1, as the bench gzips the exports: level 9 took half of a gzipped split's time
        return gzip.open(path, mode + "t", newline="", encoding="utf-8", compresslevel=1)
    return path.open(mode, newline="", encoding="utf-8")


def _split_csv(source: Path, base: Path, day: Path, cutoff: dt.datetime) -> int:
    moved = 0
    clearly_before = _clearly_before(cutoff)
    with _open(source, "r") as handle, _open(base, "w") as kept, _open(day, "w") as later:
        reader = csv.reader(handle)
        header = next(reader)
        column = next((header.index(c) for c in DATE_COLUMNS if c in header), None)
        writers = [csv.writer(kept, quoting=csv.QUOTE_ALL), csv.writer(later, quoting=csv.QUOTE_ALL)]
        for writer in writers:
            writer.writerow(header)
        for row in reader:
            is_later = (column is not None and column < len(row)
                        and _is_later(row[column], cutoff, clearly_before))
            moved += is_later
            writers[is_later].writerow(row)
    return moved


def _split_jsonl(source: Path, base: Path, day: Path, cutoff: dt.datetime) -> int:
    moved = 0
    clearly_before = _clearly_before(cutoff)
    with _open(source, "r") as handle, _open(base, "w") as kept, _open(day, "w") as later:
        for line in handle:
            try:
                record = json.loads(line)
                date = next((record[c] for c in DATE_COLUMNS if c in record), None)
                is_later = _is_later(date, cutoff, clearly_before)
            except (json.JSONDecodeError, TypeError, AttributeError):
                is_later = False
            moved += is_later
            (later if is_later else kept).write(line)
    return moved


def _split_parquet(source: Path, base: Path, day: Path, cutoff: dt.datetime) -> int:
    con = duckdb.connect()
    try:
        columns = [row[0] for row in con.execute(
            "select name from parquet_schema(?)", [str(source)]).fetchall()]
        column = next(c for c in DATE_COLUMNS if c in columns)
        later = f"cast(\"{column}\" as timestamp) >= ?"
        con.execute(f"copy (select * from read_parquet(?) where not coalesce({later}, false)) "
                    f"to '{base}' (format parquet)", [str(source), cutoff])
        con.execute(f"copy (select * from read_parquet(?) where {later}) "
                    f"to '{day}' (format parquet)", [str(source), cutoff])
        return con.execute(f"select count(*) from read_parquet(?) where {later}",
                           [str(source), cutoff]).fetchone()[0]
    finally:
        con.close()


def hold_back_days(home: Path, days: float, day_folder: Path) -> int:
    """Move the rows of the generated company in `home` dated in the last `days` before its
    export moment (demo_truth.json) from landing/ to day_folder/; return how many."""
    truth = json.loads((home / TRUTH_FILE).read_text(encoding="utf-8"))
    export_at = dt.datetime.fromisoformat(truth["window"]["export_at"].replace("Z", "+00:00"))
    cutoff = export_at.astimezone(dt.UTC).replace(tzinfo=None) - dt.timedelta(days=days)
    return hold_back_rows(home / "landing", day_folder, cutoff)


def hold_back_rows(landing: Path, day_folder: Path, cutoff: dt.datetime) -> int:
    """Move rows dated at or after `cutoff` from landing/ to day_folder/; return how many.

    Files are split side by side, one process per core: a file's split is Python's work on
    one core (10M leads are 23 GB of exports).
    """
    sources = sorted(p for p in landing.rglob("*") if p.is_file())
    days = [day_folder / source.relative_to(landing) for source in sources]
    # spawn, not fork: the caller may have threads (DuckDB's, a test runner's)
    with ProcessPoolExecutor(os.cpu_count(), mp_context=get_context("spawn")) as pool:
        return sum(pool.map(_hold_back_file, sources, days, [cutoff] * len(sources)))


def _hold_back_file(source: Path, day: Path, cutoff: dt.datetime) -> int:
    day.parent.mkdir(parents=True, exist_ok=True)
    if "reexport" in source.name:
        shutil.move(source, day)
        return 0
    # same suffixes (.csv.gz stays gzip), moved back over the source when written
    base = source.with_name("." + source.name)
    name = source.name.removesuffix(".gz")
    split = (_split_csv if name.endswith(".csv") else _split_jsonl
             if name.endswith(".jsonl") else _split_parquet
             if name.endswith(".parquet") else None)
    if split is None:
        return 0
    moved = split(source, base, day, cutoff)
    base.replace(source)
    if not moved:
        # nothing of that day: no file lands (an empty one would have no columns)
        day.unlink()
    return moved


def land_day(day_folder: Path, landing: Path) -> None:
    """Land the held-back day: each file beside the base files, under a new name."""
    for source in sorted(p for p in day_folder.rglob("*") if p.is_file()):
        target = landing / source.relative_to(day_folder)
        target = target.with_name(f"day2_{target.name}")
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(source, target)
