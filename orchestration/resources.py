"""The warehouse as a Dagster resource: where the home folder is, and a writer connection."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import ExitStack, contextmanager

import dagster as dg
import duckdb
from pydantic import PrivateAttr

from orchestration.home import Home
from orchestration.lock import writer_lock
from orchestration.warehouse import connect


class WarehouseResource(dg.ConfigurableResource):
    """The ALIGNMENT_HOME folder (landing files in, warehouse.duckdb out) and the signed lead
    definitions the funnel is built from.

    A run that uses it holds the home's writer lock from its first step to its end, whether
    the CLI, a schedule or the UI launched it: a second run fails at once, naming the first.
    """

    home: str
    contract: str
    _held: ExitStack | None = PrivateAttr(default=None)

    @property
    def paths(self) -> Home:
        return Home.resolve(self.home)

    def setup_for_execution(self, context: dg.InitResourceContext) -> None:
        self._held = ExitStack()
        note = self._held.enter_context(
            writer_lock(self.paths, f"Dagster run {context.run.run_id if context.run else None}"))
        if note:
            context.log.warning(note)

    def teardown_after_execution(self, context: dg.InitResourceContext) -> None:
        if self._held is not None:
            self._held.close()
            self._held = None

    @contextmanager
    def connect(self, read_only: bool = False) -> Iterator[duckdb.DuckDBPyConnection]:
        with connect(self.paths, read_only=read_only) as con:
            yield con
