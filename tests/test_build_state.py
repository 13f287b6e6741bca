"""What a refresh's dbt build does: skip, build incrementally, or rebuild whole."""

from __future__ import annotations

import json

from orchestration import build_state
from orchestration.build_state import (
    LastBuild,
    build_fingerprint,
    dbt_threads,
    forget_build,
    last_build,
    plan_build,
    remember_build,
)
from orchestration.home import CONTRACT_FILE

VARS = {"restate": False, "reporting_timezone": "UTC"}


def test_the_fingerprint_follows_the_vars_and_the_lead_definitions(tmp_path, monkeypatch):
    shipped = build_fingerprint(VARS)
    assert build_fingerprint(dict(VARS)) == shipped
    assert build_fingerprint({**VARS, "restate": True}) != shipped
    draft = tmp_path / "draft.toml"
    draft.write_text(CONTRACT_FILE.read_text(encoding="utf-8") + "\n# a draft\n",
                     encoding="utf-8")
    monkeypatch.setenv("ALIGNMENT_CONTRACT", str(draft))
    assert build_fingerprint(VARS) != shipped


def test_a_build_skips_builds_on_or_rebuilds_the_last_complete_one(home):
    assert last_build(home) is None
    assert plan_build(None, "f1", 7).action == "full"
    remember_build(home, LastBuild("f1", 7, "run-1"))
    last = last_build(home)
    assert last == LastBuild("f1", 7, "run-1")

    assert plan_build(last, "f1", 7).action == "skip"
    assert "since run run-1" in plan_build(last, "f1", 7).reason
    assert plan_build(last, "f1", 9).action == "incremental"
    # the seeds' files are those of the last build: it loaded them, an incremental one keeps
    # them, unless they are gone from the warehouse
    assert plan_build(last, "f1", 9).reason \
        == "loads 8 to 9 are new; the seeds stay as run run-1 loaded them"
    assert plan_build(last, "f1", 9).reuse_seeds
    reload = plan_build(last, "f1", 9, seeds_in_warehouse=False)
    assert (reload.reuse_seeds, reload.reason) == (False, "loads 8 to 9 are new")
    assert not plan_build(last, "f2", 9).reuse_seeds
    assert plan_build(last, "f2", 7).action == "full"
    assert plan_build(last, "f1", 7, full_refresh_asked=True).action == "full"
    # an incremental build's tests of incremental models check the rows after load 7 only;
    # a full build tests every row
    assert plan_build(last, "f1", 9).tested_up_to_load == 7
    assert plan_build(last, "f2", 9).tested_up_to_load is None

    forget_build(home)  # a build started and did not finish
    assert last_build(home) is None


def test_a_large_warehouse_is_built_one_model_at_a_time(home, monkeypatch):
    from orchestration.demo import generate
    from orchestration.demo.day_split import hold_back_days, land_day
    from orchestration.refresh import run_refresh

    monkeypatch.delenv("ALIGNMENT_DBT_THREADS", raising=False)
    assert dbt_threads(61_568_478) == 1  # 10M leads' e-mail events
    assert dbt_threads(61_568_478, incremental=True) == 2  # their daily build
    assert dbt_threads(6_158_608) is None  # 1M leads': the profile's 4
    assert dbt_threads(6_158_608, incremental=True) is None
    monkeypatch.setenv("ALIGNMENT_DBT_THREADS", "3")
    assert dbt_threads(61_568_478) is None  # the profile reads the variable, which wins
    monkeypatch.delenv("ALIGNMENT_DBT_THREADS")

    # a refresh passes it to dbt: a small company past a lowered threshold, built whole, then
    # incrementally with its last day
    generate(home.root, leads=300, seed=7)
    hold_back_days(home.root, 1, home.root / "day2")
    monkeypatch.setattr(build_state, "ONE_MODEL_AT_A_TIME_FROM_ROWS", 1_000)
    assert run_refresh(home).ok
    run = json.loads((home.dbt_target / "run_results.json").read_text(encoding="utf-8"))
    assert (bool(run["args"].get("full_refresh")), run["args"].get("threads")) == (True, 1)
    land_day(home.root / "day2", home.landing)
    assert run_refresh(home).ok
    run = json.loads((home.dbt_target / "run_results.json").read_text(encoding="utf-8"))
    assert (bool(run["args"].get("full_refresh")), run["args"].get("threads")) == (False, 2)
