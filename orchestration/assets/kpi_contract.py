"""The KPI contract as Dagster asset checks: one check per expectation, on its mart's asset.

Every suite is checked in one step, `kpi_contract`: one Great Expectations context, one read of
each mart and one rendering of Data Docs per run (three steps cost about 2 s more per refresh).
Each check's description names its suite and who signed it.

Every check is declared blocking, so publication waits for the whole contract (and publishes
this run's results with it); Dagster blocks downstream assets only on a failure of severity
ERROR, which is what an `error` expectation reports. A `warn` one never blocks.
"""

import dagster as dg

from orchestration.contract_process import run_suites
from orchestration.kpi_contract import Outcome, Suite, record_results
from orchestration.resources import WarehouseResource

SEVERITY = {"error": dg.AssetCheckSeverity.ERROR, "warn": dg.AssetCheckSeverity.WARN}


def mart_key(mart: str) -> dg.AssetKey:
    return dg.AssetKey(["marts", mart])


def _check_result(outcome: Outcome, run_id: str) -> dg.AssetCheckResult:
    e = outcome.expectation
    failing = [p for p in outcome.periods if not p.passed]
    metadata = {
        "suite": e.suite,
        "severity": e.severity,
        "summary": outcome.summary,
        "checked_rows": outcome.checked_rows,
        "failing_rows": outcome.failing_rows,
        "failing_periods": ", ".join(f"{p.period:%Y-%m}" for p in failing if p.period),
        "history": dg.MetadataValue.md(
            f"`select * from marts.contract_results where run_id = '{run_id}' "
            f"and expectation = '{e.name}'`"),
    }
    return dg.AssetCheckResult(asset_key=mart_key(e.mart), check_name=e.name,
                               passed=outcome.passed, severity=SEVERITY[e.severity],
                               metadata=metadata)


def contract_checks(suites: list[Suite]) -> dg.AssetChecksDefinition:
    specs = [dg.AssetCheckSpec(name=e.name, asset=mart_key(e.mart),
                               description=f"{e.description} ({suite.name}, signed by "
                                           f"{suite.signed_by})", blocking=True)
             for suite in suites for e in suite.expectations]
    signed = "; ".join(f"{s.name}: {s.description} (expectations/{s.file.name}, signed by "
                       f"{s.signed_by})" for s in suites)

    @dg.multi_asset_check(specs=specs, name="kpi_contract",
                          description=f"The KPI contract. {signed}")
    def _check(context: dg.AssetCheckExecutionContext, warehouse: WarehouseResource):
        outcomes = run_suites(warehouse.paths, suites, context.run.run_id)
        record_results(warehouse.paths, context.run.run_id, outcomes)
        for outcome in outcomes:
            yield _check_result(outcome, context.run.run_id)

    return _check
