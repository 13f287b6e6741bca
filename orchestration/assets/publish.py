"""Publication as the last asset of a refresh: it runs only when every mart was built and no
blocking (error) expectation of the KPI contract failed on any of them."""

from collections.abc import Iterable

import dagster as dg

from orchestration.build_state import last_build
from orchestration.progress import NOTE
from orchestration.publish import DbtBuild, publish
from orchestration.resources import WarehouseResource

PUBLISHED_KEY = dg.AssetKey(["published", "marts"])


# dbt tag of a mart whose rows depend on when it is read (source_freshness): never taken from
# the previous publication.
READS_THE_CLOCK = "reads_the_clock"


def published_marts_asset(mart_specs: Iterable[dg.AssetSpec]) -> dg.AssetsDefinition:
    mart_specs = list(mart_specs)
    dbt_marts = frozenset(spec.key.path[-1] for spec in mart_specs
                          if READS_THE_CLOCK not in spec.tags)

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
                              DbtBuild(build.run_id, dbt_marts) if build else None,
                              log=lambda line: context.log.info(NOTE + line))
        return dg.MaterializeResult(metadata={
            "path": dg.MetadataValue.path(str(warehouse.paths.published)),
            "tables": publication.tables,
            "rows": publication.rows,
            "tables_unchanged": publication.unchanged,
            "hashed_columns": ", ".join(publication.hashed_columns) or "none",
        })

    return published_marts
