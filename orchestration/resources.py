"""The warehouse as a Dagster resource: where the home folder is, and a writer connection."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import dagster as dg
import duckdb

from orchestration.home import Home
from orchestration.warehouse import connect


class WarehouseResource(dg.ConfigurableResource):
    """The ALIGNMENT_HOME folder (landing files in, warehouse.duckdb out) and the signed lead
    definitions the funnel is built from."""

    home: str
    contract: str

    @property
    def paths(self) -> Home:
        return Home.resolve(self.home)

    @contextmanager
    def connect(self, read_only: bool = False) -> Iterator[duckdb.DuckDBPyConnection]:
        with connect(self.paths, read_only=read_only) as con:
            yield con
