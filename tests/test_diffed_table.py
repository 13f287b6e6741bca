"""Tables rewritten by difference (dbt_project/macros/diffed_table.sql) on bad input: a model
that gives one key two rows gets both into its table, as a rebuild would, and its unique test
fails; once the input is right again, the table is what it was."""

from __future__ import annotations

import re

import duckdb
import pytest

from dbt_cli import dbt_build
from homes import copy_home

DBT_VARS = {"restate": False, "reporting_timezone": "UTC"}
REWRITTEN = re.compile(r"marts\.fct_lead_funnel rewritten by difference: (\d+) rows written, "
                       r"(\d+) deleted")


def _rows(home, sql, params=()):
    with duckdb.connect(str(home.warehouse), read_only=True) as con:
        return con.execute(sql, list(params)).fetchall()


def _execute(home, sql, params=()):
    with duckdb.connect(str(home.warehouse)) as con:
        con.execute(sql, list(params))


@pytest.fixture
def home(tmp_path, demo_2k):
    base, _ = demo_2k
    return copy_home(base, tmp_path / "home")


def test_a_key_given_two_rows_keeps_both_and_fails_its_unique_test(home):
    before = _rows(home, "select * from marts.fct_lead_funnel order by journey_id")
    (journey, lead), = _rows(home, """
        select journey_id, lead_id from marts.fct_lead_funnel
        where lead_id is not null and not stage_dates_inferred order by journey_id limit 1""")
    # Bad input: the lead's stage dates twice, one copy saying they were inferred, so the
    # funnel's join gives the journey two rows that differ in stage_dates_inferred.
    _execute(home, """
        insert into intermediate.int_lead_stages_dated
        select * replace (true as stage_dates_inferred)
        from intermediate.int_lead_stages_dated where lead_id = ?""", [lead])

    built = dbt_build(home, ["fct_lead_funnel"], DBT_VARS, "dbt_target_diffed")
    assert built.returncode == 1, built.stdout[-3000:]
    assert REWRITTEN.findall(built.stdout) == [("1", "0")], built.stdout[-3000:]
    assert re.search(r"FAIL 1 valid_columns_fct_lead_funnel_", built.stdout), built.stdout[-3000:]
    assert _rows(home, """
        select stage_dates_inferred from marts.fct_lead_funnel where journey_id = ?
        order by 1""", [journey]) == [(False,), (True,)]

    _execute(home, """
        delete from intermediate.int_lead_stages_dated
        where lead_id = ? and stage_dates_inferred""", [lead])
    again = dbt_build(home, ["fct_lead_funnel"], DBT_VARS, "dbt_target_diffed")
    assert again.returncode == 0, again.stdout[-3000:]
    assert REWRITTEN.findall(again.stdout) == [("0", "1")], again.stdout[-3000:]
    assert _rows(home, "select * from marts.fct_lead_funnel order by journey_id") == before
