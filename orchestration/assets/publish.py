"""Publication as the last asset of a refresh: it runs only when every mart was built and no
blocking (error) expectation of the KPI contract failed on any of them."""

from collections.abc import Iterable

import dagster as dg
from dagster_dbt.asset_utils import DAGSTER_DBT_UNIQUE_ID_METADATA_KEY as DBT_UNIQUE_ID

from orchestration.build_state import READS_THE_CLOCK, last_build
from orchestration.progress import NOTE
from orchestration.publish import ROW_MARK, DbtBuild, publish
from orchestration.resources import WarehouseResource

PUBLISHED_KEY = dg.AssetKey(["published", "marts"])


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


def published_marts_asset(mart_specs: Iterable[dg.AssetSpec],
                          manifest: dict) -> dg.AssetsDefinition:
    mart_specs = list(mart_specs)
    dbt_marts = frozenset(spec.key.path[-1] for spec in mart_specs
                          if READS_THE_CLOCK not in spec.tags)
    marked = marked_marts(mart_specs, manifest)

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
        build = last_build(warehouse.paths)
        publication = publish(warehouse.paths, context.run.run_id,
                              DbtBuild(build.run_id, dbt_marts, build.loaded_up_to,
                                       build.built_on, marked) if build else None,
                              log=lambda line: context.log.info(NOTE + line))
        return dg.MaterializeResult(metadata={
            "path": dg.MetadataValue.path(str(warehouse.paths.published)),
            "tables": publication.tables,
            "rows": publication.rows,
            "tables_unchanged": publication.unchanged,
            "tables_updated_by_key": publication.updated,
            "hashed_columns": ", ".join(publication.hashed_columns) or "none",
        })

    return published_marts
