"""Publication as the last asset of a refresh: it runs only when every mart was built and no
blocking (error) expectation of the KPI contract failed on any of them."""

from collections.abc import Iterable

import dagster as dg

from orchestration.build_state import last_build
from orchestration.publish import DbtBuild, publish
from orchestration.resources import WarehouseResource

PUBLISHED_KEY = dg.AssetKey(["published", "marts"])


def published_marts_asset(mart_keys: Iterable[dg.AssetKey]) -> dg.AssetsDefinition:
    mart_keys = list(mart_keys)
    dbt_marts = frozenset(key.path[-1] for key in mart_keys)

    @dg.asset(
        key=PUBLISHED_KEY,
        deps=mart_keys,
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
                              DbtBuild(build.run_id, dbt_marts) if build else None)
        return dg.MaterializeResult(metadata={
            "path": dg.MetadataValue.path(str(warehouse.paths.published)),
            "tables": publication.tables,
            "rows": publication.rows,
            "tables_unchanged": publication.unchanged,
            "hashed_columns": ", ".join(publication.hashed_columns) or "none",
        })

    return published_marts
