"""A published table brought up to date by the rows that differ, instead of copied whole.

After a daily refresh most rows of a mart are those the previous publication holds. Copying
every row into the new file is a full write (at 10M leads 23.4 s for fct_touchpoints alone);
comparing is a read: every row of both versions is hashed (two 64-bit hashes of all its
columns, in opposite orders), the hashes are counted on each side, and only the rows of
hashes counted differently are deleted from the copy and inserted from the warehouse (9.5 s
for fct_touchpoints when nothing differs; docs/performance.md, session 19). Counting, not
matching, keeps duplicates exact: a row the warehouse holds twice is published twice.
"""

from __future__ import annotations

from dataclasses import dataclass

import duckdb


@dataclass(frozen=True)
class Difference:
    written: int  # rows inserted into the published table
    deleted: int  # rows deleted from it


def _row_hashes(columns: list[str]) -> str:
    return f"hash({', '.join(columns)}), hash({', '.join(reversed(columns))})"


def same_columns(con: duckdb.DuckDBPyConnection, select: str, published: str) -> bool:
    """Whether the published table has the names and types, in order, of the select."""
    def described(sql: str) -> list[tuple[str, str]]:
        return [(row[0], row[1]) for row in con.execute(f"describe {sql}").fetchall()]
    return described(select) == described(f"select * from {published}")


def write_by_difference(con: duckdb.DuckDBPyConnection, source: str, expressions: list[str],
                        published: str) -> Difference | None:
    """Make `published` (a copy of the previous publication's table, with the columns of the
    expressions: same_columns) hold exactly the rows of `select expressions from source`,
    writing only the rows that differ.

    None, the table untouched, when more than half of its rows would be written: deleting
    and inserting most of a table costs more than writing it whole, which the caller does.
    """
    names = [row[0] for row in con.execute(f"describe select * from {published}").fetchall()]
    new_rows = _row_hashes(expressions)
    old_rows = _row_hashes([f'"{name}"' for name in names])
    con.execute(f"""
        create or replace temp table differing_rows as
        select
            hash_1,
            hash_2,
            count(*) filter (where is_new) as in_new,
            count(*) filter (where not is_new) as in_old
        from (
            select {new_rows}, true from {source}
            union all
            select {old_rows}, false from {published}
        ) as row_hashes (hash_1, hash_2, is_new)
        group by hash_1, hash_2
        having in_new <> in_old""")
    try:
        written, deleted = con.execute(
            "select coalesce(sum(in_new), 0), coalesce(sum(in_old), 0) from differing_rows"
        ).fetchone()
        if written > con.execute(f"select count(*) from {published}").fetchone()[0] // 2:
            return None
        if deleted:
            con.execute(f"delete from {published} where ({old_rows}) in "
                        "(select hash_1, hash_2 from differing_rows where in_old > 0)")
        if written:
            con.execute(f"insert into {published} select {', '.join(expressions)} "
                        f"from {source} where ({new_rows}) in "
                        "(select hash_1, hash_2 from differing_rows where in_new > 0)")
        return Difference(int(written), int(deleted))
    finally:
        con.execute("drop table differing_rows")
