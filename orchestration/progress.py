"""Compact per-asset progress for `alignment refresh`, as a Dagster logger."""

from __future__ import annotations

import logging
import sys
import time

import dagster as dg
from dagster._core.log_manager import get_log_record_metadata, has_log_record_metadata


class _ProgressHandler(logging.Handler):
    def __init__(self) -> None:
        super().__init__(level=logging.DEBUG)
        self.started = time.monotonic()

    def emit(self, record: logging.LogRecord) -> None:
        if not has_log_record_metadata(record):
            return
        event = get_log_record_metadata(record)["dagster_event"]
        if event is None:
            return
        elapsed = f"{time.monotonic() - self.started:6.1f}s"
        if event.event_type_value == "ASSET_MATERIALIZATION":
            key = event.event_specific_data.materialization.asset_key.to_user_string()
            print(f"{elapsed}  built  {key}", file=sys.stderr, flush=True)
        elif event.event_type_value == "ASSET_CHECK_EVALUATION":
            check = event.event_specific_data
            if not check.passed:
                print(f"{elapsed}  check failed  {check.asset_key.to_user_string()}: "
                      f"{check.check_name}", file=sys.stderr, flush=True)
        elif event.event_type_value == "STEP_START" and not event.step_key.startswith("raw__"):
            # one line per ingestion asset is enough; other steps say when they begin
            print(f"{elapsed}  start  {event.step_key}", file=sys.stderr, flush=True)
        elif event.event_type_value == "STEP_FAILURE":
            print(f"{elapsed}  FAILED {event.step_key}", file=sys.stderr, flush=True)


@dg.logger(description="One line per step started, asset built and failed check, on stderr.")
def progress_logger(_init_context: dg.InitLoggerContext) -> logging.Logger:
    log = logging.Logger("alignment.progress", level=logging.DEBUG)
    log.addHandler(_ProgressHandler())
    return log
