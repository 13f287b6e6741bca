"""What a refresh's dbt build does: skip, build incrementally, or rebuild whole."""

from __future__ import annotations

import json

import pytest

from orchestration import build_state
from orchestration.build_state import (
    LastBuild,
    build_fingerprint,
    dbt_threads,
    forget_build,
    last_build,
    plan_build,
    remember_build,
    settled_nodes,
)
from orchestration.home import CONTRACT_FILE
from refresh_progress import published_in_steps

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


def test_settled_nodes_are_those_built_of_seeds_and_the_lead_definitions_alone():
    def node(kind: str, *parents: str, tags: tuple[str, ...] = ()) -> dict:
        return {"resource_type": kind, "depends_on": {"nodes": list(parents)}, "tags": tags}

    manifest = {
        "sources": {"source.a.contract.versions": {"source_name": "contract"},
                    "source.a.salesforce.lead": {"source_name": "salesforce"}},
        "nodes": {
            "seed.a.fx": node("seed"),
            "model.a.spine": node("model"),  # of nothing: constants
            "model.a.versions": node("model", "source.a.contract.versions"),
            "model.a.in_force": node("model", "model.a.versions", "seed.a.fx"),
            "model.a.leads": node("model", "source.a.salesforce.lead"),
            "model.a.funnel": node("model", "model.a.leads", "model.a.in_force"),
            "model.a.clock": node("model", "seed.a.fx", tags=("reads_the_clock",)),
            "model.a.of_clock": node("model", "model.a.clock"),
            "test.a.in_force_unique": node("test", "model.a.in_force"),
            "test.a.funnel_versions": node("test", "model.a.funnel", "model.a.versions"),
            "snapshot.a.versions": node("snapshot", "model.a.versions"),
        }}
    assert settled_nodes(manifest) == {"seed.a.fx", "model.a.spine", "model.a.versions",
                                       "model.a.in_force", "test.a.in_force_unique"}


def test_the_projects_settled_models_are_the_contracts_and_the_references():
    manifest = json.loads(build_state.DBT_PROJECT_DIR.joinpath(
        "target", "manifest.json").read_text(encoding="utf-8"))
    settled = settled_nodes(manifest)
    assert sorted(unique_id.split(".")[-1] for unique_id in settled
                  if unique_id.startswith("model.")) == [
        "int_fx_rates_ranged", "int_lead_definitions_in_force", "metricflow_time_spine",
        "stg_contract__lead_definition_points", "stg_contract__lead_definition_reasons",
        "stg_contract__lead_definition_values", "stg_contract__lead_definition_versions"]
    assert "model.alignment.source_freshness" not in settled


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
    # them (and what is built of them alone), unless they are gone from the warehouse
    assert plan_build(last, "f1", 9).reason \
        == ("loads 8 to 9 are new; the seeds and the models of them and the lead definitions "
            "alone stay as run run-1 built them")
    assert plan_build(last, "f1", 9).reuse_settled
    reload = plan_build(last, "f1", 9, settled_in_warehouse=False)
    assert (reload.reuse_settled, reload.reason) == (False, "loads 8 to 9 are new")
    assert not plan_build(last, "f2", 9).reuse_settled
    assert plan_build(last, "f2", 7).action == "full"
    assert plan_build(last, "f1", 7, full_refresh_asked=True).action == "full"
    # an incremental build's tests of incremental models check the rows after load 7 only;
    # a full build tests every row
    assert plan_build(last, "f1", 9).tested_up_to_load == 7
    assert plan_build(last, "f2", 9).tested_up_to_load is None

    forget_build(home)  # a build started and did not finish
    assert last_build(home) is None


def test_a_large_warehouse_is_built_one_model_at_a_time_and_published_after_its_contract(
        home, monkeypatch, capsys):
    from orchestration.demo import generate
    from orchestration.demo.day_split import hold_back_days, land_day
    from orchestration.refresh import run_refresh

    monkeypatch.delenv("ALIGNMENT_DBT_THREADS", raising=False)
    monkeypatch.delenv("ALIGNMENT_LARGE_WAREHOUSE_ROWS", raising=False)
    assert dbt_threads(61_568_478) == 1  # 10M leads' e-mail events
    assert dbt_threads(61_568_478, incremental=True) == 2  # their daily build
    assert dbt_threads(6_158_608) is None  # 1M leads': the profile's 4
    assert dbt_threads(6_158_608, incremental=True) is None
    monkeypatch.setenv("ALIGNMENT_DBT_THREADS", "3")
    assert dbt_threads(61_568_478) is None  # the profile reads the variable, which wins
    monkeypatch.delenv("ALIGNMENT_DBT_THREADS")
    monkeypatch.setenv("ALIGNMENT_LARGE_WAREHOUSE_ROWS", "6_000_000")  # another machine's
    assert dbt_threads(6_158_608) == 1
    monkeypatch.setenv("ALIGNMENT_LARGE_WAREHOUSE_ROWS", "lots")
    with pytest.raises(ValueError, match="ALIGNMENT_LARGE_WAREHOUSE_ROWS='lots'"):
        dbt_threads(6_158_608)

    # a refresh passes it to dbt and publishes after the KPI contract, not beside it: a small
    # company past a lowered threshold, built whole, then incrementally with its last day
    generate(home.root, leads=300, seed=7)
    hold_back_days(home.root, 1, home.root / "day2")
    monkeypatch.setenv("ALIGNMENT_LARGE_WAREHOUSE_ROWS", "1000")
    capsys.readouterr()
    for full_refresh, threads in ((True, 1), (False, 2)):
        outcome = run_refresh(home)
        progress = capsys.readouterr().err
        assert outcome.ok
        run = json.loads((home.dbt_target / "run_results.json").read_text(encoding="utf-8"))
        assert (bool(run["args"].get("full_refresh")), run["args"].get("threads")) \
            == (full_refresh, threads)
        during_contract, during_publication = published_in_steps(progress)
        assert (during_contract, len(during_publication)) == ([], 26)
        assert "publication after the KPI contract (the largest raw table holds" in progress
        assert outcome.publication.tables == 26
        land_day(home.root / "day2", home.landing)
