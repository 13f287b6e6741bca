"""The Dagster code location loads, and its asset graph is wired the way the data flows."""

from __future__ import annotations

import dagster as dg

from orchestration.assets.dbt import DBT_MANIFEST
from orchestration.definitions import build_definitions
from orchestration.landing import OBJECTS
from orchestration.run_instance import run_instance


def test_definitions_load_with_the_whole_asset_graph(home):
    defs = build_definitions(home)
    graph = defs.resolve_asset_graph()
    keys = {key.to_user_string() for key in graph.get_all_asset_keys()}

    assert {f"raw/{obj.table}" for obj in OBJECTS} <= keys
    assert {"contract/lead_definitions", "marts/fct_lead_funnel", "marts/fct_funnel_monthly",
            "marts/dim_account", "marts/dim_campaign", "marts/dim_owner",
            "reference/lead_status_map"} <= keys
    # dbt's sources are the ingestion assets themselves, not look-alike external assets.
    leads = graph.get(dg.AssetKey(["staging", "stg_salesforce__leads"]))
    assert dg.AssetKey(["raw", "salesforce__lead"]) in leads.parent_keys
    versions = graph.get(dg.AssetKey(["staging", "stg_contract__lead_definition_versions"]))
    assert dg.AssetKey(["contract", "lead_definitions"]) in versions.parent_keys
    assert not graph.get(dg.AssetKey(["raw", "salesforce__lead"])).is_external


def test_the_refresh_job_schedule_and_sensor_are_defined(home, monkeypatch):
    monkeypatch.setenv("ALIGNMENT_REFRESH_CRON", "30 5 * * 1-5")
    defs = build_definitions(home)

    schedule = defs.resolve_schedule_def("daily_refresh")
    assert (schedule.cron_schedule, schedule.execution_timezone) == ("30 5 * * 1-5", "UTC")
    assert schedule.job_name == "refresh"
    assert defs.resolve_sensor_def("new_landing_files").job_name == "refresh"
    # Every dbt test is an asset check on the model it tests; a singular test reading several
    # models names the one it guards (meta.dagster.ref), or Dagster would never show it.
    checks = {key for key in defs.resolve_asset_graph().asset_check_keys}
    tests = [node for node in DBT_MANIFEST["nodes"].values() if node["resource_type"] == "test"]
    assert {check.name for check in checks} >= {test["name"] for test in tests}
    assert dg.AssetCheckKey(dg.AssetKey(["marts", "fct_lead_funnel"]),
                            "assert_every_live_lead_is_one_journey") in checks


def test_the_landing_sensor_asks_for_a_refresh_only_when_files_change(home):
    sensor = build_definitions(home).resolve_sensor_def("new_landing_files")
    lead_file = home.landing / "salesforce" / "Lead" / "Lead_1.csv"
    lead_file.parent.mkdir(parents=True)
    lead_file.write_text("Id\n00Q1\n")

    first = sensor.evaluate_tick(dg.build_sensor_context(cursor=None))
    again = sensor.evaluate_tick(dg.build_sensor_context(cursor=first.cursor))
    (home.landing / "salesforce" / "Lead" / "Lead_2.csv").write_text("Id\n00Q2\n")
    after_new_file = sensor.evaluate_tick(dg.build_sensor_context(cursor=first.cursor))

    assert len(first.run_requests) == 1
    assert again.run_requests == [] and again.skip_message == "no new landing files"
    assert len(after_new_file.run_requests) == 1


def test_publication_waits_for_every_mart_and_the_blocking_contract(home):
    defs = build_definitions(home)
    graph = defs.resolve_asset_graph()
    published = graph.get(dg.AssetKey(["published", "marts"]))
    marts = {key for key in graph.get_all_asset_keys()
             if key.path[0] == "marts" and not graph.get(key).is_external}
    assert marts <= set(published.parent_keys)
    report = graph.get(dg.AssetKey(["reports", "alignment_report"]))
    assert dg.AssetKey(["published", "marts"]) in report.parent_keys
    # one check per expectation of expectations/, each on its mart, all blocking (an `error`
    # failure blocks publication; a `warn` one only reports)
    contract = {key for key in graph.asset_check_keys
                if key.name in {"acceptance_rate", "no_handoff_left_unworked",
                                "funnel_never_grows_down__leads_mqls"}}
    assert {(key.asset_key.path[-1], key.name) for key in contract} == {
        ("kpi_contract_monthly", "acceptance_rate"),
        ("kpi_contract_handoffs", "no_handoff_left_unworked"),
        ("fct_funnel_monthly", "funnel_never_grows_down__leads_mqls")}
    assert all(graph.get_check_spec(key).blocking for key in contract)
    assert defs.resolve_job_def("contract_check").name == "contract_check"


def test_a_run_on_the_refresh_instance_gives_its_events_to_the_result_and_stores_none():
    @dg.asset
    def leads() -> int:
        return 3

    @dg.asset_check(asset=leads)
    def leads_counted(leads: int) -> dg.AssetCheckResult:
        return dg.AssetCheckResult(passed=leads == 3, metadata={"leads": leads})

    with run_instance() as instance:
        result = dg.materialize([leads, leads_counted], instance=instance)
        evaluations = result.get_asset_check_evaluations()

        assert result.success
        assert [event.asset_key for event in result.get_asset_materialization_events()] == [
            dg.AssetKey("leads")]
        assert [(e.check_name, e.passed, e.metadata["leads"].value) for e in evaluations] == [
            ("leads_counted", True, 3)]
        # The run's status is kept (run storage); its events are not (the event log).
        assert instance.get_run_by_id(result.run_id).status == dg.DagsterRunStatus.SUCCESS
        assert instance.all_logs(result.run_id) == []
        assert instance.get_asset_records() == []
