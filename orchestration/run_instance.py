"""The Dagster instance a refresh runs in: Dagster's ephemeral one, with an event log that
stores nothing.

The instance lives as long as the run. The run's events reach the refresh in the result's
event list, and its log through Dagster's loggers; the event log is read by no one after the
run. Storing its ~950 events (every asset and every dbt test as a check, planned and done)
cost a 20k refresh ~2.8 s of CPU on the interpreter lock dbt's threads share (serializing
each and an SQL insert; docs/performance.md, session 45). What Dagster reads from the event
log during the run, an input's latest materialization for its data-version provenance and a
check's target materialization (~480 reads, ~0.8 s), it is told at once there is none:
provenance no one reads.
"""

from __future__ import annotations

from collections.abc import Sequence

import dagster as dg
from dagster._core.events.log import EventLogEntry
from dagster._core.instance import InstanceType
from dagster._core.launcher.sync_in_memory_run_launcher import SyncInMemoryRunLauncher
from dagster._core.run_coordinator import DefaultRunCoordinator
from dagster._core.storage.event_log import AssetRecord, InMemoryEventLogStorage
from dagster._core.storage.noop_compute_log_manager import NoOpComputeLogManager
from dagster._core.storage.root import TemporaryLocalArtifactStorage
from dagster._core.storage.runs import InMemoryRunStorage


class RunEventLog(InMemoryEventLogStorage):
    """Dagster's in-memory event log, kept empty."""

    def store_event(self, event: EventLogEntry) -> None:
        """Not stored: see the module's docstring."""

    def get_asset_records(self, asset_keys: Sequence[dg.AssetKey] | None = None
                          ) -> Sequence[AssetRecord]:
        return []  # no event stored, no asset recorded

    @property
    def asset_records_have_last_observation(self) -> bool:
        # An asset's record would hold its last observation: Dagster asks the event log for
        # one only when it found no record and records hold none.
        return True


def run_instance() -> dg.DagsterInstance:
    """What DagsterInstance.ephemeral() builds, with RunEventLog."""
    return dg.DagsterInstance(
        instance_type=InstanceType.EPHEMERAL,
        local_artifact_storage=TemporaryLocalArtifactStorage(),
        run_storage=InMemoryRunStorage(),
        event_storage=RunEventLog(),
        compute_log_manager=NoOpComputeLogManager(),
        run_coordinator=DefaultRunCoordinator(),
        run_launcher=SyncInMemoryRunLauncher(),
    )
