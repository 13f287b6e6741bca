"""Publication as the last asset of a refresh: it runs only when every mart was built and no
blocking (error) expectation of the KPI contract failed on any of them.

While the KPI contract's process validates the marts, the run's process waits: a refresh run
by `alignment refresh` (orchestration/refresh.py) writes the publication meanwhile, but for
the contract's results (prepared_during_the_contract), and the publication's step writes them
and swaps it in. A run the contract blocks never swaps it in, and the refresh removes it.
"""

from collections.abc import Callable, Iterable

import dagster as dg
from dagster_dbt.asset_utils import DAGSTER_DBT_UNIQUE_ID_METADATA_KEY as DBT_UNIQUE_ID

from orchestration.build_state import (
    READS_THE_CLOCK,
    is_large_warehouse,
    largest_raw_table_rows,
    last_build,
)
from orchestration.home import Home
from orchestration.kpi_contract import RESULTS_TABLE
from orchestration.progress import NOTE
from orchestration.publish import ROW_MARK, DbtBuild, Prepared, discard, finish, prepare
from orchestration.resources import WarehouseResource

PUBLISHED_KEY = dg.AssetKey(["published", "marts"])
# Publications written while the contract ran, by run id, until their step swaps them in.
_prepared: dict[str, Prepared] = {}


def marked_marts(mart_specs: Iterable[dg.AssetSpec],
                 manifest: dict) -> dict[str, tuple[str, ...]]:
    """The marts whose rows carry ROW_MARK, by their key (unique_key: a column or a list):
    incremental marts, and tables rewritten by difference that mark the rows they write.
    Publication brings them up to date by key after an incremental build."""
    marked = {}
    for spec in mart_specs:
        node = manifest["nodes"].get(spec.metadata.get(DBT_UNIQUE_ID), {})
        key = node.get("config", {}).get("unique_key")
        if node.get("config", {}).get("materialized") in ("incremental", "diffed_table") \
                and key and ROW_MARK in node.get("columns", {}):
            marked[spec.key.path[-1]] = (key,) if isinstance(key, str) else tuple(key)
    return marked


def _dbt_build(home: Home, mart_specs: list[dg.AssetSpec], manifest: dict) -> DbtBuild | None:
    """The dbt build the warehouse's marts come from, as publication builds on it."""
    build = last_build(home)
    if build is None:
        return None
    dbt_marts = frozenset(spec.key.path[-1] for spec in mart_specs
                          if READS_THE_CLOCK not in spec.tags)
    return DbtBuild(build.run_id, dbt_marts, build.loaded_up_to, build.built_on,
                    marked_marts(mart_specs, manifest))


def prepared_during_the_contract(mart_specs: Iterable[dg.AssetSpec], manifest: dict
                                 ) -> Callable[[dg.AssetCheckExecutionContext, WarehouseResource],
                                               bool]:
    """What the KPI contract's step does while the contract's process validates: write this
    run's publication, but for the contract's results, when the run publishes. True when it
    did (the run has no heavy work left)."""
    mart_specs = list(mart_specs)

    def prepare_publication(context: dg.AssetCheckExecutionContext,
                            warehouse: WarehouseResource) -> bool:
        selected = context.run.asset_selection  # empty when the job runs whole
        if selected and PUBLISHED_KEY not in selected:
            return False
        home = warehouse.paths
        try:
            # A large warehouse's contract process holds gigabytes of frames (5.4 GB at 10M
            # leads): publication beside it would take the refresh over its memory
            # (docs/performance.md).
            with warehouse.connect(read_only=True) as con:
                largest_raw = largest_raw_table_rows(con)
            if is_large_warehouse(largest_raw):
                context.log.info(f"{NOTE}publication after the KPI contract (the largest raw "
                                 f"table holds {largest_raw:,} rows: a large warehouse)")
                return False
            _prepared[context.run.run_id] = prepare(
                home, context.run.run_id, _dbt_build(home, mart_specs, manifest),
                log=lambda line: context.log.info(NOTE + line), later=(RESULTS_TABLE,))
        except Exception as error:  # noqa: BLE001 (publication's own step tries again)
            context.log.warning(f"publication not prepared beside the contract: {error}")
            return False
        return True

    return prepare_publication


def discard_unpublished() -> None:
    """Remove the publications prepared by runs that did not swap them in (the contract
    blocked them, or a step failed)."""
    while _prepared:
        discard(_prepared.popitem()[1])


def published_marts_asset(mart_specs: Iterable[dg.AssetSpec],
                          manifest: dict) -> dg.AssetsDefinition:
    mart_specs = list(mart_specs)

    @dg.asset(
        key=PUBLISHED_KEY,
        deps=[spec.key for spec in mart_specs],
        group_name="published",
        kinds={"duckdb", "parquet"},
        description="Every table of schema marts, copied to $ALIGNMENT_HOME/marts.duckdb and "
                    "marts/*.parquet and swapped in atomically; personal data hashed "
                    "(docs/bi.md).",
    )
    def published_marts(context: dg.AssetExecutionContext,
                        warehouse: WarehouseResource) -> dg.MaterializeResult:
        home = warehouse.paths

        def log(line: str) -> None:
            context.log.info(NOTE + line)

        prepared = _prepared.pop(context.run.run_id, None) or prepare(
            home, context.run.run_id, _dbt_build(home, mart_specs, manifest), log)
        publication = finish(home, prepared, log)
        return dg.MaterializeResult(metadata={
            "path": dg.MetadataValue.path(str(warehouse.paths.published)),
            "tables": publication.tables,
            "rows": publication.rows,
            "tables_unchanged": publication.unchanged,
            "tables_updated_by_key": publication.updated,
            "hashed_columns": ", ".join(publication.hashed_columns) or "none",
        })

    return published_marts
