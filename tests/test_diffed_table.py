"""Rows written by difference (dbt_project/macros/diffed_table.sql), on fct_touchpoints, an
incremental model built by_difference: on bad input a model that gives one key two rows gets
both into its table, as a rebuild would, and its unique test fails; once the input is right
again, the table is what it was. The journeys whose rows went are recorded gone. The input is
edited by hand, marked with a load newer than any (int_touches_unioned's _seen_up_to, its gone
rows), as a build upstream would mark what it wrote."""

from __future__ import annotations

import re

import duckdb
import pytest

from dbt_cli import dbt_build
from homes import copy_home

DBT_VARS = {"restate": False, "reporting_timezone": "UTC"}
REWRITTEN = re.compile(r"marts\.fct_touchpoints rewritten by difference: (\d+) rows written, "
                       r"(\d+) deleted")
TOUCHPOINTS = "select * from marts.fct_touchpoints order by journey_id, touch_id, touched_at"


def _rows(home, sql, params=()):
    with duckdb.connect(str(home.warehouse), read_only=True) as con:
        return con.execute(sql, list(params)).fetchall()


def _execute(home, sql, params=()):
    with duckdb.connect(str(home.warehouse)) as con:
        con.execute(sql, list(params))


def _newer_load(home) -> int:
    """A load after every load the warehouse's builds have seen: what marks a hand edit."""
    return _rows(home, "select max(_seen_up_to) + 1 from intermediate.int_touches_unioned")[0][0]


@pytest.fixture
def home(tmp_path, demo_2k):
    base, _ = demo_2k
    return copy_home(base, tmp_path / "home")


def test_a_key_given_two_rows_keeps_both_and_fails_its_unique_test(home):
    before = _rows(home, TOUCHPOINTS)
    (journey, touch), = _rows(home, """
        select journey_id, touch_id from marts.fct_touchpoints
        where touch_id in (select touch_id from intermediate.int_touches_unioned)
        order by touch_id limit 1""")
    # Bad input: the touch twice, one copy a second later, so the touchpoints' union gives
    # the key (journey, touch) two rows that differ in touched_at.
    newer = _newer_load(home)
    _execute(home, """
        insert into intermediate.int_touches_unioned
        select * replace (touched_at + interval 1 second as touched_at, ? as _seen_up_to)
        from intermediate.int_touches_unioned where touch_id = ?""", [newer, touch])

    built = dbt_build(home, ["fct_touchpoints"], DBT_VARS, "dbt_target_diffed")
    assert built.returncode == 1, built.stdout[-3000:]
    assert REWRITTEN.findall(built.stdout) == [("1", "0")], built.stdout[-3000:]
    assert re.search(r"FAIL 1 unique_combination_of_columns_fct_touchpoints_journey_id__touch_id",
                     built.stdout), built.stdout[-3000:]
    first, second = _rows(home, """
        select touched_at from marts.fct_touchpoints where journey_id = ? and touch_id = ?
        order by 1""", [journey, touch])
    assert (second[0] - first[0]).total_seconds() == 1

    _execute(home, """
        delete from intermediate.int_touches_unioned
        where touch_id = ? and touched_at = (
            select max(touched_at) from intermediate.int_touches_unioned where touch_id = ?)""",
             [touch, touch])
    _execute(home, "update intermediate.int_touches_unioned set _seen_up_to = ? "
                   "where touch_id = ?", [newer, touch])
    again = dbt_build(home, ["fct_touchpoints"], DBT_VARS, "dbt_target_diffed")
    assert again.returncode == 0, again.stdout[-3000:]
    assert REWRITTEN.findall(again.stdout) == [("0", "1")], again.stdout[-3000:]
    assert _rows(home, TOUCHPOINTS) == before


GONE = "select journey_id, _seen_up_to from intermediate.fct_touchpoints__gone order by journey_id"


def test_the_journeys_whose_touches_went_are_recorded_until_a_full_rebuild(home):
    # gone_key='journey_id': a journey whose rows were deleted and none written is recorded
    # with the build's newest load; a journey with a row written is not (its mark tells).
    (moved_from, moved), (changed_journey, changed), (emptied, _) = _rows(home, """
        select journey_id, min(touch_id) from marts.fct_touchpoints
        where touch_id in (select touch_id from intermediate.int_touches_unioned)
        group by journey_id having count(*) > 1 order by journey_id limit 3""")
    moved_to, = _rows(home, """
        select max(journey_id) from intermediate.int_touches_unioned""")[0]
    newer = _newer_load(home)
    _execute(home, "update intermediate.int_touches_unioned set journey_id = ?, _seen_up_to = ? "
                   "where touch_id = ?", [moved_to, newer, moved])
    _execute(home, "update intermediate.int_touches_unioned set touched_at = touched_at "
                   "+ interval 1 second, _seen_up_to = ? where touch_id = ?", [newer, changed])
    _execute(home, "delete from intermediate.int_touches_unioned where journey_id = ?", [emptied])
    _execute(home, "insert into intermediate.int_touches_unioned__gone values (?, ?), (?, ?)",
             [moved_from, newer, emptied, newer])
    newest, = _rows(home, "select max(load_id) from raw.load_manifest")[0]
    before = _rows(home, GONE)  # those the demo's incremental refresh recorded

    built = dbt_build(home, ["fct_touchpoints"], DBT_VARS, "dbt_target_diffed")
    assert built.returncode == 0, built.stdout[-3000:]
    after = _rows(home, GONE)
    assert len(after) == len(before) + 2
    assert sorted(set(after) - set(before)) == sorted([(moved_from, newest), (emptied, newest)])
    assert sorted(_rows(home, """
        select journey_id, _seen_up_to from marts.fct_touchpoints where touch_id in (?, ?)""",
                        [moved, changed])) == sorted([(moved_to, newest), (changed_journey, newest)])

    rebuilt = dbt_build(home, ["fct_touchpoints"], DBT_VARS, "dbt_target_diffed",
                        full_refresh=True)
    assert rebuilt.returncode == 0, rebuilt.stdout[-3000:]
    assert _rows(home, GONE) == []
