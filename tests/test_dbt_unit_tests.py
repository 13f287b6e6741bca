"""dbt's unit tests: the SQL of scoring, stage dates, handoffs, nurture, attribution and drift
on hand-made rows. A refresh leaves them out (they check the code, not the data); here they
run against a copy of the session's crafted warehouse, whose tables give them their columns."""

from __future__ import annotations

import json

import yaml

from crafted_kpis import CUSTOM_FIELD_VARS
from dbt_cli import dbt_build
from homes import copy_home
from orchestration.assets.dbt import dbt_vars


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
