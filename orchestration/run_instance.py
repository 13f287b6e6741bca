"""The Dagster instance a refresh runs in: Dagster's ephemeral one, with an event log that
stores nothing.

The instance lives as long as the run. The run's events reach the refresh in the result's
event list, and its log through Dagster's loggers; the event log is read by no one after the
run. Storing its ~950 events (every asset and every dbt test as a check, planned and done)
cost a 20k refresh ~2.8 s of CPU on the interpreter lock dbt's thread shares (serializing
each and an SQL insert; docs/performance.md, session 45). What Dagster reads from the event
log during the run, an input's latest materialization for its data-version provenance and a
check's target materialization (~480 reads), then finds none: provenance no one reads.

Those reads go through Dagster's in-memory SQLite log, which opens a new connection, and sets
two pragmas on it, for every statement, and one more to ask whether a table exists. The event
log here keeps the connection it holds for the life of the instance and knows its tables;
the statements, the lock and the tables are Dagster's.
"""

from __future__ import annotations

from contextlib import contextmanager

import dagster as dg
from dagster._core.events.log import EventLogEntry
from dagster._core.instance import InstanceType
from dagster._core.launcher.sync_in_memory_run_launcher import SyncInMemoryRunLauncher
from dagster._core.run_coordinator import DefaultRunCoordinator
from dagster._core.storage.event_log import InMemoryEventLogStorage
from dagster._core.storage.event_log.schema import SqlEventLogStorageMetadata
from dagster._core.storage.noop_compute_log_manager import NoOpComputeLogManager
from dagster._core.storage.root import TemporaryLocalArtifactStorage
from dagster._core.storage.runs import InMemoryRunStorage


class RunEventLog(InMemoryEventLogStorage):
    """InMemoryEventLogStorage that stores no event, read on the one connection it already
    holds (the same lock: its callers never nest, so one connection serves them one after
    another)."""

    @contextmanager
    def _connect(self):
        with self._db_lock, self._held_conn.begin():
            yield self._held_conn

    def has_table(self, table_name: str) -> bool:
        # The storage creates every table of the metadata as it starts and never drops one.
        return table_name in SqlEventLogStorageMetadata.tables

    def store_event(self, event: EventLogEntry) -> None:
        """Not stored: see the module's docstring."""


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
