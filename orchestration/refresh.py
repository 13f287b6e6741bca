"""Run the refresh job in-process and say plainly what failed."""

from __future__ import annotations

from contextlib import redirect_stdout
from dataclasses import dataclass

import dagster as dg

from orchestration.home import Home
from orchestration.progress import progress_logger


@dataclass(frozen=True)
class RefreshOutcome:
    success: bool
    run_id: str
    failures: tuple[str, ...]  # "<step>: <why>"
    failed_checks: tuple[str, ...]  # "<asset>: <check>" of dbt tests that failed
    log: str  # dbt's full output of this run


def _failure_text(event: dg.DagsterEvent) -> str:
    error = event.step_failure_data.error
    # The user-facing cause is the innermost error; Dagster wraps it in framework errors.
    while error.cause is not None:
        error = error.cause
    return error.message.strip()


def run_refresh(home: Home, *, restate: bool = False) -> RefreshOutcome:
    """Materialize every asset once: ingest, validate the contract, dbt build.

    restate: judge all history by the current lead definition; the run carries the tag
    alignment/restate=true and the funnel's rows say judged_by='current_version_restated'.
    """
    home.export()
    # Imported once the home is exported: the code location reads it on import.
    from orchestration.assets.dbt import RESTATE_TAG
    from orchestration.definitions import build_definitions

    defs = build_definitions(home, loggers={"progress": progress_logger})
    job = defs.resolve_job_def("refresh")
    log = home.root / "logs" / "refresh.log"
    log.parent.mkdir(parents=True, exist_ok=True)
    # dagster-dbt echoes every dbt log line to stdout: keep them in the log, show progress.
    with (dg.DagsterInstance.ephemeral() as instance, log.open("w", encoding="utf-8") as out,
          redirect_stdout(out)):
        result = job.execute_in_process(
            instance=instance, raise_on_error=False,
            tags={RESTATE_TAG: "true"} if restate else None,
            run_config={"loggers": {"progress": {}}})
        failures = tuple(
            f"{event.step_key}: {_failure_text(event)}"
            for event in result.all_events
            if event.event_type_value == "STEP_FAILURE"
        )
        failed_checks = tuple(
            f"{event.event_specific_data.asset_key.to_user_string()}: "
            f"{event.event_specific_data.check_name}"
            for event in result.all_events
            if event.event_type_value == "ASSET_CHECK_EVALUATION"
            and not event.event_specific_data.passed
        )
        return RefreshOutcome(result.success, result.run_id, failures, failed_checks, str(log))
