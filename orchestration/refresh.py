"""Run the refresh (or the contract check alone) in-process and say plainly what failed."""

from __future__ import annotations

import dataclasses
from contextlib import redirect_stdout
from dataclasses import dataclass
from typing import TYPE_CHECKING

from orchestration.contract_process import contract_process
from orchestration.home import Home
from orchestration.lock import writer_lock
from orchestration.long_lived import long_lived_objects

if TYPE_CHECKING:
    # Dagster and the code location are imported by run_job, with the collector off.
    import dagster as dg

    from orchestration.publish import Publication


@dataclass(frozen=True)
class ContractCheck:
    severity: str  # error or warn
    passed: bool
    summary: str  # orchestration.kpi_contract.Outcome.summary


@dataclass(frozen=True)
class RefreshOutcome:
    success: bool
    run_id: str
    failures: tuple[str, ...]  # "<step>: <why>"
    failed_checks: tuple[str, ...]  # "<asset>: <check>" of dbt tests that failed
    dbt_checks: int  # dbt tests reported: run by this build, or unchanged since the last
    contract: tuple[ContractCheck, ...]  # every KPI contract expectation checked
    log: str  # dbt's full output of this run
    publication: Publication | None = None  # what BI tools read after the run
    stale_lock: str | None = None  # a dead run's lock this run cleared

    @property
    def published(self) -> bool:
        """This run published the marts (else BI tools still read the previous version)."""
        return self.publication is not None and self.publication.run_id == self.run_id

    @property
    def contract_errors(self) -> tuple[ContractCheck, ...]:
        return tuple(c for c in self.contract if not c.passed and c.severity == "error")

    @property
    def contract_warnings(self) -> tuple[ContractCheck, ...]:
        return tuple(c for c in self.contract if not c.passed and c.severity == "warn")

    @property
    def ok(self) -> bool:
        """The run succeeded and no blocking (error) expectation of the contract failed."""
        return self.success and not self.contract_errors


def _failure_text(event: dg.DagsterEvent) -> str:
    error = event.step_failure_data.error
    # The user-facing cause is the innermost error; Dagster wraps it in framework errors.
    while error.cause is not None:
        error = error.cause
    return error.message.strip()


def _outcome(result: dg.ExecuteInProcessResult, log: str) -> RefreshOutcome:
    failures, failed_checks, contract, dbt_checks = [], [], [], 0
    for event in result.all_events:
        if event.event_type_value == "STEP_FAILURE":
            failures.append(f"{event.step_key}: {_failure_text(event)}")
        elif event.event_type_value == "ASSET_CHECK_EVALUATION":
            evaluation = event.event_specific_data
            if "suite" in evaluation.metadata:
                contract.append(ContractCheck(evaluation.metadata["severity"].value,
                                              evaluation.passed,
                                              evaluation.metadata["summary"].value))
            else:
                dbt_checks += 1
                if not evaluation.passed:
                    failed_checks.append(
                        f"{evaluation.asset_key.to_user_string()}: {evaluation.check_name}")
    return RefreshOutcome(result.success, result.run_id, tuple(failures), tuple(failed_checks),
                          dbt_checks, tuple(contract), log)


def run_job(home: Home, job_name: str, tags: dict[str, str] | None = None) -> RefreshOutcome:
    """Run a job of the code location in this process.

    Raises WarehouseBusy at once when another run holds the home (before the code location
    loads); the run itself then holds the lock through the warehouse resource.
    """
    with writer_lock(home, f"alignment {job_name}") as stale_lock:
        pass
    home.export()
    # Started first: it imports Great Expectations on the other core meanwhile.
    with contract_process():
        with long_lived_objects():
            # Imported once the home is exported: the code location reads it on import.
            from orchestration.assets.publish import discard_unpublished
            from orchestration.definitions import build_definitions
            from orchestration.progress import progress_logger
            from orchestration.publish import current_publication
            from orchestration.run_instance import run_instance

            defs = build_definitions(home, loggers={"progress": progress_logger})
            job = defs.resolve_job_def(job_name)
        log = home.root / "logs" / f"{job_name}.log"
        log.parent.mkdir(parents=True, exist_ok=True)
        # dagster-dbt echoes every dbt log line to stdout: keep them in the log, show progress.
        with (run_instance() as instance, log.open("w", encoding="utf-8") as out,
              redirect_stdout(out)):
            try:
                result = job.execute_in_process(instance=instance, raise_on_error=False,
                                                tags=tags, run_config={"loggers": {"progress": {}}})
            finally:
                # A publication prepared beside the contract that the contract then blocked.
                discard_unpublished()
    return dataclasses.replace(_outcome(result, str(log)),
                               publication=current_publication(home), stale_lock=stale_lock)


def run_refresh(home: Home, *, restate: bool = False, full_refresh: bool = False
                ) -> RefreshOutcome:
    """Materialize every asset once: ingest, validate the contract, dbt build, KPI contract.

    restate: judge all history by the current lead definition; the run carries the tag
    alignment/restate=true and the funnel's rows say judged_by='current_version_restated'.
    full_refresh: rebuild the incremental facts from raw (tag alignment/full_refresh=true);
    a refresh does so by itself when the models, seeds, vars or contract changed.
    """
    from orchestration.assets.dbt import FULL_REFRESH_TAG, RESTATE_TAG

    tags = {RESTATE_TAG: "true"} if restate else {}
    if full_refresh:
        tags[FULL_REFRESH_TAG] = "true"
    return run_job(home, "refresh", tags or None)


def run_contract_check(home: Home) -> RefreshOutcome:
    """Check the KPI contract against the warehouse as it is; nothing is rebuilt."""
    return run_job(home, "contract_check")
