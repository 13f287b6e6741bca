"""The KPI contract as Dagster asset checks: one check per expectation, on its mart's asset.

Every suite is checked in one step, `kpi_contract`: one Great Expectations context, one read of
each mart and one rendering of Data Docs per run (three steps cost about 2 s more per refresh).
Each check's description names its suite and who signed it.

Every check is declared blocking, so publication waits for the whole contract (and publishes
this run's results with it); Dagster blocks downstream assets only on a failure of severity
ERROR, which is what an `error` expectation reports. A `warn` one never blocks.

In a refresh that built nothing (dbt skipped), the expectations on tables take the outcomes
the last validation found on the same build's tables (kpi_contract.Validation); `alignment
check` validates everything, since it is asked for after marts were rebuilt by hand.
"""

from collections.abc import Callable
from dataclasses import replace
from functools import partial

import dagster as dg

from orchestration.build_state import last_build
from orchestration.contract_process import run_suites
from orchestration.kpi_contract import (
    Outcome,
    Suite,
    Validation,
    expectation_parameters,
    last_validation,
    mart_tables,
    only,
    record_results,
    remember_validation,
    reusable,
    validator_version,
)
from orchestration.progress import NOTE
from orchestration.resources import WarehouseResource

SEVERITY = {"error": dg.AssetCheckSeverity.ERROR, "warn": dg.AssetCheckSeverity.WARN}


def mart_key(mart: str) -> dg.AssetKey:
    return dg.AssetKey(["marts", mart])


def _check_result(outcome: Outcome, run_id: str, checked_in: str) -> dg.AssetCheckResult:
    e = outcome.expectation
    failing = [p for p in outcome.periods if not p.passed]
    metadata = {
        "suite": e.suite,
        "severity": e.severity,
        "summary": outcome.summary,
        "checked_rows": outcome.checked_rows,
        "failing_rows": outcome.failing_rows,
        "failing_periods": ", ".join(f"{p.period:%Y-%m}" for p in failing if p.period),
        # this run, or the earlier one whose validation of the same build's tables it took
        "validated_in_run": checked_in,
        "history": dg.MetadataValue.md(
            f"`select * from marts.contract_results where run_id = '{run_id}' "
            f"and expectation = '{e.name}'`"),
    }
    return dg.AssetCheckResult(asset_key=mart_key(e.mart), check_name=e.name,
                               passed=outcome.passed, severity=SEVERITY[e.severity],
                               metadata=metadata)


def contract_checks(suites: list[Suite], reuse_in_job: str,
                    meanwhile: Callable[[dg.AssetCheckExecutionContext, WarehouseResource],
                                        bool] | None = None) -> dg.AssetChecksDefinition:
    """The check of every suite; runs of job reuse_in_job take earlier outcomes that hold.

    meanwhile: what the step does while the contract's own process validates (a run of
    reuse_in_job prepares its publication: orchestration/assets/publish.py), as
    contract_process.run_suites takes it."""
    specs = [dg.AssetCheckSpec(name=e.name, asset=mart_key(e.mart),
                               description=f"{e.description} ({suite.name}, signed by "
                                           f"{suite.signed_by})", blocking=True)
             for suite in suites for e in suite.expectations]
    signed = "; ".join(f"{s.name}: {s.description} (expectations/{s.file.name}, signed by "
                       f"{s.signed_by})" for s in suites)

    @dg.multi_asset_check(specs=specs, name="kpi_contract",
                          description=f"The KPI contract. {signed}")
    def _check(context: dg.AssetCheckExecutionContext, warehouse: WarehouseResource):
        home, run_id = warehouse.paths, context.run.run_id
        expectations = [e for suite in suites for e in suite.expectations]
        build = last_build(home)
        current = Validation(build.run_id if build else "", expectation_parameters(home),
                             validator_version(), {})
        tables = mart_tables(home)
        earlier = last_validation(home) if context.run.job_name == reuse_in_job else None
        checked, pending = reusable(expectations, earlier, current, tables)
        if checked:
            context.log.info(f"{NOTE}KPI contract: {len(checked)} expectations on the "
                             f"tables of build {current.build_run_id} as its last validation "
                             f"found them; {len(pending)} validated")
        if pending:
            also = (partial(meanwhile, context, warehouse)
                    if meanwhile is not None and context.run.job_name == reuse_in_job else None)
            checked |= {o.expectation.key: (o, run_id)
                        for o in run_suites(home, only(suites, pending), run_id, also)}
        if current.build_run_id:
            remember_validation(home, replace(current, checked={
                key: found for key, found in checked.items()
                if found[0].expectation.mart in tables}))
        outcomes = [checked[e.key] for e in expectations]
        record_results(home, run_id, [outcome for outcome, _ in outcomes])
        for outcome, checked_in in outcomes:
            yield _check_result(outcome, run_id, checked_in)

    return _check
