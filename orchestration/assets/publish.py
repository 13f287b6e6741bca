"""Publication as the last asset of a refresh: it runs only when every mart was built and no
blocking (error) expectation of the KPI contract failed on any of them."""

from collections.abc import Iterable

import dagster as dg

from orchestration.publish import publish
from orchestration.resources import WarehouseResource

PUBLISHED_KEY = dg.AssetKey(["published", "marts"])


def published_marts_asset(mart_keys: Iterable[dg.AssetKey]) -> dg.AssetsDefinition:
    @dg.asset(
        key=PUBLISHED_KEY,
        deps=list(mart_keys),
        group_name="published",
        kinds={"duckdb", "parquet"},
        description="Every table of schema marts, copied to $ALIGNMENT_HOME/marts.duckdb and "
                    "marts/*.parquet and swapped in atomically; personal data hashed "
                    "(docs/bi.md).",
    )
    def published_marts(context: dg.AssetExecutionContext,
                        warehouse: WarehouseResource) -> dg.MaterializeResult:
        publication = publish(warehouse.paths, context.run.run_id)
        return dg.MaterializeResult(metadata={
            "path": dg.MetadataValue.path(str(warehouse.paths.published)),
            "tables": publication.tables,
            "rows": publication.rows,
            "hashed_columns": ", ".join(publication.hashed_columns) or "none",
        })

    return published_marts
