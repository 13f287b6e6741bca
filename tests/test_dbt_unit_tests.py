"""dbt's unit tests: the SQL of scoring, stage dates, handoffs, nurture, attribution and drift
on hand-made rows. A refresh leaves them out (they check the code, not the data); here they
run against a copy of the session's crafted warehouse, whose tables give them their columns.
And the project's own generic test not_null_columns, on a value removed by hand."""

from __future__ import annotations

import json

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
    the unit tests, then not_null_columns on the funnel after values are removed by hand."""
    home = copy_home(crafted_company[0], tmp_path_factory.mktemp("dbt_tests") / "home")
    seen = {"home": home}
    with pytest.MonkeyPatch.context() as env:
        env.setenv("ALIGNMENT_DBT_VARS", yaml.safe_dump(CUSTOM_FIELD_VARS))
        # the vars and target folder of the session's refresh
        seen["unit"] = dbt_build(home, ["test_type:unit"], dbt_vars(restate=False),
                                 "dbt_target", command="test")
        seen["unit_results"] = _results(home)
        with connect(home) as con:
            con.execute("update marts.fct_lead_funnel set sourced_by = null, channel = null "
                        "where journey_id in (select min(journey_id) from marts.fct_lead_funnel)")
            con.execute("update marts.fct_lead_funnel set judged_by = null")
        seen["not_null"] = dbt_build(home, ["test_name:not_null_columns,fct_lead_funnel"],
                                     dbt_vars(restate=False), "dbt_target", command="test")
        seen["not_null_results"] = _results(home)
    return seen


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


def test_not_null_columns_names_each_column_a_row_lacks(runs):
    assert runs["not_null"].returncode == 1
    [test] = runs["not_null_results"]["results"]
    assert (test["status"], test["failures"]) == ("fail", 3)
    # its failing rows: one per column, with how many of the 14 journeys lack it
    with connect(runs["home"], read_only=True) as con:
        failing = con.execute(test["compiled_code"]).fetchall()
    assert sorted(failing) == [("channel", 1), ("judged_by", 14), ("sourced_by", 1)]
