"""dbt's unit tests: the SQL of scoring, stage dates, handoffs, nurture, attribution and drift
on hand-made rows. A refresh leaves them out (they check the code, not the data); here they
run against a copy of the session's crafted warehouse, whose tables give them their columns.
And the project's own generic test valid_columns, on values broken by hand, on every row and,
as an incremental refresh runs it, on the rows newer than the last tested build; and, run so
too, the singular test that no conversion is lost and the relationships of the touchpoints
to the funnel."""

from __future__ import annotations

import json
from collections import Counter

import pytest
import yaml

from crafted_kpis import CUSTOM_FIELD_VARS
from dbt_cli import dbt_build
from homes import copy_home
from orchestration.assets.dbt import dbt_vars
from orchestration.warehouse import connect


@pytest.fixture(scope="module")
def runs(tmp_path_factory, crafted_company):
    """On one copy of the session's crafted warehouse (dbt parses a new home whole once):
    the unit tests, then valid_columns on the funnel after values are broken by hand."""
    home = copy_home(crafted_company[0], tmp_path_factory.mktemp("dbt_tests") / "home")
    seen = {"home": home}
    with pytest.MonkeyPatch.context() as env:
        env.setenv("ALIGNMENT_DBT_VARS", yaml.safe_dump(CUSTOM_FIELD_VARS))
        # the vars and target folder of the session's refresh
        seen["unit"] = dbt_build(home, ["test_type:unit"], dbt_vars(restate=False),
                                 "dbt_target", command="test")
        seen["unit_results"] = _results(home)
        with connect(home) as con:
            first, last = con.execute("select min(journey_id), max(journey_id) "
                                      "from marts.fct_lead_funnel").fetchone()
            con.execute("update marts.fct_lead_funnel set sourced_by = null, channel = null, "
                        "journey_type = 'lead' where journey_id = ?", [first])
            con.execute("update marts.fct_lead_funnel set judged_by = null")
            con.execute("update marts.fct_lead_funnel set journey_id = ? where journey_id = ?",
                        [first, last])
        seen["duplicated"] = first
        seen["valid_columns"] = dbt_build(home, ["test_name:valid_columns,fct_lead_funnel"],
                                          dbt_vars(restate=False), "dbt_target", command="test")
        seen["valid_columns_results"] = _results(home)
        seen["since_load"] = _break_touches(home)
        # as an incremental refresh runs the test: the rows up to load 1 passed it before
        env.setenv("ALIGNMENT_TESTED_UP_TO_LOAD", "1")
        seen["since"] = dbt_build(home, ["test_name:valid_columns,int_touches_unioned"],
                                  dbt_vars(restate=False), "dbt_target", command="test")
        seen["since_results"] = _results(home)
        seen["lost"] = _lose_conversions(home)
        seen["conversions"] = dbt_build(
            home, ["assert_every_conversion_is_attributed_or_unattributed"],
            dbt_vars(restate=False), "dbt_target", command="test")
        seen["conversions_results"] = _results(home)
    return seen


@pytest.fixture(scope="module")
def orphans(tmp_path_factory, crafted_company):
    """On a copy of its own (the funnel loses journeys): the relationships of the touchpoints
    to the funnel and the test that every live lead is one journey, as an incremental
    refresh runs them, after _orphan_touchpoints."""
    home = copy_home(crafted_company[0], tmp_path_factory.mktemp("orphans") / "home")
    with pytest.MonkeyPatch.context() as env:
        env.setenv("ALIGNMENT_DBT_VARS", yaml.safe_dump(CUSTOM_FIELD_VARS))
        env.setenv("ALIGNMENT_TESTED_UP_TO_LOAD", "1")
        seen = {"home": home, **_orphan_touchpoints(home)}
        seen["run"] = dbt_build(home, ["relationships_since_tested_fct_touchpoints_*",
                                       "assert_every_live_lead_is_one_journey"],
                                dbt_vars(restate=False), "dbt_target", command="test")
        seen["results"] = {result["unique_id"].split(".")[2].split("_fct_")[0]: result
                           for result in _results(home)["results"]}
    return seen


def _orphan_touchpoints(home) -> dict:
    """Three lead journeys' funnel rows deleted, the leads, the funnel's rows and the
    touchpoints marked as written by load 1: the first journey recorded gone by load 2, the
    second not recorded (as no build deletes), the third with one touchpoint and its lead
    written by load 2."""
    with connect(home) as con:
        journeys = [row[0] for row in con.execute("""
            select journey_id from marts.fct_touchpoints
            where journey_id in (select journey_id from marts.fct_lead_funnel
                                 where journey_type = 'salesforce_lead')
            group by journey_id having count(*) >= 2 order by journey_id limit 3""").fetchall()]
        con.execute("update marts.fct_touchpoints set _seen_up_to = 1")
        con.execute("update marts.fct_lead_funnel set _seen_up_to = 1")
        con.execute("update staging.stg_salesforce__leads set _load_id = 1")
        con.execute("update staging.stg_salesforce__leads set _load_id = 2 "
                    "where 'sf_lead:' || lead_id = ?", journeys[2:])
        con.execute("delete from marts.fct_lead_funnel where journey_id in (?, ?, ?)", journeys)
        con.execute("insert into intermediate.fct_lead_funnel__gone values (?, 2)", journeys[:1])
        con.execute("""update marts.fct_touchpoints set _seen_up_to = 2 where touch_id = (
            select min(touch_id) from marts.fct_touchpoints where journey_id = ?)""",
                    journeys[2:])
        gone_touches, = con.execute("select count(*) from marts.fct_touchpoints "
                                    "where journey_id = ?", journeys[:1]).fetchone()
    return {"gone": journeys[0], "gone_touches": gone_touches, "written": journeys[2]}


def _lose_conversions(home) -> dict:
    """Every conversion, touch and attribution row marked as written by load 1; then, of three
    attributed conversions of three journeys: one whose journey lost a touch after load 1
    (its gone row) lost its rows (computed again, none written back), one whose inputs did
    not change lost them too, one got a second row, unattributed, written by load 2."""
    with connect(home) as con:
        (rebuilt, journey), (kept, _), (doubled, _) = con.execute("""
            select conversion_id, journey_id from intermediate.int_conversions_listed
            where conversion_id in (
                select conversion_id from marts.fct_attribution where is_attributed)
            qualify row_number() over (partition by journey_id order by conversion_id) = 1
            order by journey_id limit 3""").fetchall()
        con.execute("update intermediate.int_conversions_listed set _seen_up_to = 1")
        con.execute("update marts.fct_touchpoints set _seen_up_to = 1")
        con.execute("update marts.fct_attribution set _seen_up_to = 1")
        con.execute("insert into intermediate.fct_touchpoints__gone values (?, 2)", [journey])
        con.execute("delete from marts.fct_attribution where conversion_id in (?, ?)",
                    [rebuilt, kept])
        con.execute("insert into marts.fct_attribution by name select * replace "
                    "(false as is_attributed, 2 as _seen_up_to) from marts.fct_attribution "
                    "where conversion_id = ? limit 1", [doubled])
    return {"rebuilt": rebuilt, "kept": kept, "doubled": doubled}


def _break_touches(home) -> dict:
    """The touches marked as written by load 1, but for three written by load 2; broken: an old
    and a new touch without a type, two old touches and an old and a new one sharing an id."""
    with connect(home) as con:
        ids = [row[0] for row in con.execute(
            "select touch_id from intermediate.int_touches_unioned order by touch_id "
            "limit 7").fetchall()]
        con.execute("update intermediate.int_touches_unioned set _seen_up_to = 1")
        con.execute("update intermediate.int_touches_unioned set _seen_up_to = 2 "
                    "where touch_id in (?, ?, ?)", ids[:3])
        con.execute("update intermediate.int_touches_unioned set touch_type = null "
                    "where touch_id in (?, ?)", [ids[0], ids[3]])
        con.execute("update intermediate.int_touches_unioned set touch_id = ? "
                    "where touch_id = ?", [ids[4], ids[5]])
        con.execute("update intermediate.int_touches_unioned set touch_id = ? "
                    "where touch_id = ?", [ids[6], ids[1]])
    return {"new_without_type": ids[0], "new_sharing_an_old_id": ids[6]}


def _results(home) -> dict:
    return json.loads((home.dbt_target / "run_results.json").read_text(encoding="utf-8"))


def test_every_dbt_unit_test_passes(runs):
    result = runs["unit"]
    assert result.returncode == 0, result.stdout[-4000:]
    declared = json.loads((runs["home"].dbt_target / "manifest.json").read_text(
        encoding="utf-8"))["unit_tests"]
    ran = runs["unit_results"]["results"]
    assert len(declared) >= 19
    assert sorted(r["unique_id"] for r in ran if r["status"] == "pass") == sorted(declared)


def test_valid_columns_names_each_column_and_rule_a_row_breaks(runs):
    assert runs["valid_columns"].returncode == 1
    [test] = runs["valid_columns_results"]["results"]
    assert (test["status"], test["failures"]) == ("fail", 5)
    # its failing rows: column, rule, offending value, how many of the 14 journeys break it
    with connect(runs["home"], read_only=True) as con:
        failing = con.execute(test["compiled_code"]).fetchall()
    assert sorted(failing) == [
        ("channel", "not_null", None, 1),
        ("journey_id", "unique", runs["duplicated"], 2),
        ("journey_type", "accepted_values", "lead", 1),
        ("judged_by", "not_null", None, 14),
        ("sourced_by", "not_null", None, 1),
    ]


def test_valid_columns_after_an_incremental_build_checks_the_rows_it_wrote(runs):
    assert runs["since"].returncode == 1
    [test] = runs["since_results"]["results"]
    assert "_seen_up_to > 1" in test["compiled_code"]
    # the old touch without a type and the old touches sharing an id passed the last build's
    # test; the new touch sharing an old one's id is a duplicate all the same
    with connect(runs["home"], read_only=True) as con:
        failing = con.execute(test["compiled_code"]).fetchall()
    assert sorted(failing) == [
        ("touch_id", "unique", runs["since_load"]["new_sharing_an_old_id"], 2),
        ("touch_type", "not_null", None, 1),
    ]


def test_every_conversion_attributed_after_an_incremental_build_checks_what_can_have_changed(
        runs):
    assert runs["conversions"].returncode == 1
    [test] = runs["conversions_results"]["results"]
    assert "_seen_up_to > 1" in test["compiled_code"]
    # the conversion of the journey computed again and the one with a row written by load 2
    # fail; the other conversion's rows are as the last tested build left them
    with connect(runs["home"], read_only=True) as con:
        failing = con.execute(test["compiled_code"]).fetchall()
    lost = runs["lost"]
    assert sorted(row[0] for row in failing) == sorted([lost["rebuilt"], lost["doubled"]])


def test_relationships_after_an_incremental_build_checks_rows_written_and_parents_gone(
        orphans):
    assert orphans["run"].returncode == 1
    test = orphans["results"]["relationships_since_tested"]
    assert "_seen_up_to > 1" in test["compiled_code"]
    assert "fct_lead_funnel__gone" in test["compiled_code"]
    # every touchpoint of the journey recorded gone, and the one written since of the third;
    # the unrecorded journey's touchpoints are as the last tested build left them
    with connect(orphans["home"], read_only=True) as con:
        failing = Counter(row[0] for row in con.execute(test["compiled_code"]).fetchall())
    assert failing == {orphans["gone"]: orphans["gone_touches"], orphans["written"]: 1}
    assert orphans["gone_touches"] >= 2


def test_every_live_lead_one_journey_after_an_incremental_build_checks_what_changed(orphans):
    test = orphans["results"]["assert_every_live_lead_is_one_journey"]
    assert "_load_id > 1" in test["compiled_code"]
    # the lead whose journey the funnel recorded gone and the one a newer load brought fail;
    # the lead whose journey went unrecorded is as the last tested build left it
    with connect(orphans["home"], read_only=True) as con:
        failing = {f"sf_lead:{row[0]}" for row in con.execute(test["compiled_code"]).fetchall()}
    assert failing == {orphans["gone"], orphans["written"]}
