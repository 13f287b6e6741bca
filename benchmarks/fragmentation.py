"""Do deleted rows pile up in a table that refreshes rewrite in place?

Tables rewritten by difference and the incremental facts delete changed rows and insert them
again on every refresh. This copies a mart of a built warehouse into a scratch database and
plays DAYS such refreshes on it (SHARE of the rows deleted by row id and inserted again,
then a checkpoint), printing the file's size, its row groups and a full scan's time.

    python benchmarks/fragmentation.py benchmarks/work/leads_1000000/warehouse.duckdb
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

import duckdb


def report(con: duckdb.DuckDBPyConnection, database: Path, day: int) -> None:
    started = time.perf_counter()
    rows, _ = con.execute("select count(*), sum(hash(t)) from t").fetchone()
    scan = time.perf_counter() - started
    groups, = con.execute(
        "select count(distinct row_group_id) from pragma_storage_info('t')").fetchone()
    print(f"day {day}: {rows} rows, {database.stat().st_size >> 20} MB, {groups} row groups, "
          f"full scan {scan:.2f} s", flush=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("warehouse", type=Path)
    parser.add_argument("--table", default="marts.fct_lead_funnel")
    parser.add_argument("--days", type=int, default=30)
    parser.add_argument("--share", type=int, default=10, help="percent of rows rewritten a day")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        database = Path(scratch) / "fragmentation.duckdb"
        con = duckdb.connect(str(database))
        con.execute(f"attach '{args.warehouse}' as warehouse (read_only)")
        con.execute(f"create table t as select * from warehouse.{args.table}")
        con.execute("detach warehouse")
        con.execute("checkpoint")
        report(con, database, 0)
        for day in range(1, args.days + 1):
            con.execute("begin")
            con.execute("create temp table day as select rowid as _row, * from t "
                        f"using sample {args.share} percent (bernoulli)")
            con.execute("delete from t where rowid in (select _row from day)")
            # the same rows again: to the storage a changed row is a deleted and an inserted one
            con.execute("insert into t select * exclude (_row) from day")
            con.execute("drop table day")
            con.execute("commit")
            con.execute("checkpoint")
            if day in (1, 5, 10, 20, 30) or day == args.days:
                report(con, database, day)
        con.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
