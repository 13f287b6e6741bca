"""The Dagster instance a refresh runs in: Dagster's ephemeral one, with a faster event log.

Dagster's in-memory event log opens a new SQLite connection, and sets two pragmas on it, for
every read and write: about four per event, and a refresh stores some 900 events (every
asset, every dbt test as a check, planned and done). It also opens one to ask whether a table
exists, twice per check event. The event log here keeps the connection it holds for the life
of the instance and knows its tables; the statements, the lock and the tables are Dagster's.
A refresh with nothing new spends about 4 s less at 20k leads (docs/performance.md).
"""

from __future__ import annotations

from contextlib import contextmanager

import dagster as dg
from dagster._core.instance import InstanceType
from dagster._core.launcher.sync_in_memory_run_launcher import SyncInMemoryRunLauncher
from dagster._core.run_coordinator import DefaultRunCoordinator
from dagster._core.storage.event_log import InMemoryEventLogStorage
from dagster._core.storage.event_log.schema import SqlEventLogStorageMetadata
from dagster._core.storage.noop_compute_log_manager import NoOpComputeLogManager
from dagster._core.storage.root import TemporaryLocalArtifactStorage
from dagster._core.storage.runs import InMemoryRunStorage


class HeldConnectionEventLog(InMemoryEventLogStorage):
    """InMemoryEventLogStorage on the one connection it already holds (the same lock: its
    callers never nest, so one connection serves them one after another)."""

    @contextmanager
    def _connect(self):
        with self._db_lock, self._held_conn.begin():
            yield self._held_conn

    def has_table(self, table_name: str) -> bool:
        # The storage creates every table of the metadata as it starts and never drops one.
        return table_name in SqlEventLogStorageMetadata.tables


def run_instance() -> dg.DagsterInstance:
    """What DagsterInstance.ephemeral() builds, with HeldConnectionEventLog."""
    return dg.DagsterInstance(
        instance_type=InstanceType.EPHEMERAL,
        local_artifact_storage=TemporaryLocalArtifactStorage(),
        run_storage=InMemoryRunStorage(),
        event_storage=HeldConnectionEventLog(),
        compute_log_manager=NoOpComputeLogManager(),
        run_coordinator=DefaultRunCoordinator(),
        run_launcher=SyncInMemoryRunLauncher(),
    )
