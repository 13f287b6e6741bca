"""Compact per-asset progress for `alignment refresh`, as a Dagster logger."""

from __future__ import annotations

import logging
import sys
import time

import dagster as dg
from dagster._core.log_manager import get_log_record_metadata, has_log_record_metadata

# Prefix of a step's log message meant for the person running the refresh (printed as is).
NOTE = "alignment: "
# Metadata of an asset a run reports unchanged rather than rebuilt (no "built" line).
UNCHANGED = "alignment/unchanged"


class _ProgressHandler(logging.Handler):
    def __init__(self) -> None:
        super().__init__(level=logging.DEBUG)
        self.started = time.monotonic()

    def emit(self, record: logging.LogRecord) -> None:
        if not has_log_record_metadata(record):
            return
        metadata = get_log_record_metadata(record)
        event = metadata["dagster_event"]
        elapsed = f"{time.monotonic() - self.started:6.1f}s"
        if event is None:
            if metadata["orig_message"].startswith(NOTE):
                print(f"{elapsed}  {metadata['orig_message'].removeprefix(NOTE)}",
                      file=sys.stderr, flush=True)
            return
        if event.event_type_value == "ASSET_MATERIALIZATION":
            materialization = event.event_specific_data.materialization
            if UNCHANGED not in materialization.metadata:
                print(f"{elapsed}  built  {materialization.asset_key.to_user_string()}",
                      file=sys.stderr, flush=True)
        elif event.event_type_value == "ASSET_CHECK_EVALUATION":
            check = event.event_specific_data
            if not check.passed:
                print(f"{elapsed}  check failed  {check.asset_key.to_user_string()}: "
                      f"{check.check_name}", file=sys.stderr, flush=True)
        elif event.event_type_value == "STEP_START":
            print(f"{elapsed}  start  {event.step_key}", file=sys.stderr, flush=True)
        elif event.event_type_value == "STEP_FAILURE":
            print(f"{elapsed}  FAILED {event.step_key}", file=sys.stderr, flush=True)


@dg.logger(description="One line per step started, asset built and failed check, on stderr.")
def progress_logger(_init_context: dg.InitLoggerContext) -> logging.Logger:
    log = logging.Logger("alignment.progress", level=logging.DEBUG)
    log.addHandler(_ProgressHandler())
    return log
