"""dbt's unit tests: the SQL of scoring, stage dates, handoffs, nurture, attribution and drift
on hand-made rows. A refresh leaves them out (they check the code, not the data); here they
run against a copy of the session's crafted warehouse, whose tables give them their columns.
And the project's own generic test not_null_columns, on a value removed by hand."""

from __future__ import annotations

import json

import yaml

from crafted_kpis import CUSTOM_FIELD_VARS
from dbt_cli import dbt_build
from homes import copy_home
from orchestration.assets.dbt import dbt_vars
from orchestration.warehouse import connect


def test_every_dbt_unit_test_passes(tmp_path, crafted_company, monkeypatch):
    base, _, _, _ = crafted_company
    home = copy_home(base, tmp_path / "home")
    monkeypatch.setenv("ALIGNMENT_DBT_VARS", yaml.safe_dump(CUSTOM_FIELD_VARS))

    # the vars and target folder of the session's refresh: dbt parses only what changed
    result = dbt_build(home, ["test_type:unit"], dbt_vars(restate=False), "dbt_target",
                       command="test")

    assert result.returncode == 0, result.stdout[-4000:]
    target = home.dbt_target
    declared = json.loads((target / "manifest.json").read_text(encoding="utf-8"))["unit_tests"]
    ran = json.loads((target / "run_results.json").read_text(encoding="utf-8"))["results"]
    assert len(declared) >= 19
    assert sorted(r["unique_id"] for r in ran if r["status"] == "pass") == sorted(declared)


def test_not_null_columns_names_each_column_a_row_lacks(tmp_path, crafted_company, monkeypatch):
    base, _, _, _ = crafted_company
    home = copy_home(base, tmp_path / "home")
    monkeypatch.setenv("ALIGNMENT_DBT_VARS", yaml.safe_dump(CUSTOM_FIELD_VARS))
    with connect(home) as con:
        con.execute("update marts.fct_lead_funnel set sourced_by = null, channel = null "
                    "where journey_id in (select min(journey_id) from marts.fct_lead_funnel)")
        con.execute("update marts.fct_lead_funnel set judged_by = null")

    result = dbt_build(home, ["test_name:not_null_columns,fct_lead_funnel"],
                       dbt_vars(restate=False), "dbt_target", command="test")

    assert result.returncode == 1
    ran = json.loads((home.dbt_target / "run_results.json").read_text(encoding="utf-8"))
    [test] = ran["results"]
    assert (test["status"], test["failures"]) == ("fail", 3)
    # its failing rows: one per column, with how many of the 14 journeys lack it
    with connect(home, read_only=True) as con:
        failing = con.execute(test["compiled_code"]).fetchall()
    assert sorted(failing) == [("channel", 1), ("judged_by", 14), ("sourced_by", 1)]
