"""One Dagster asset per landing object: new files into raw.<system>__<object>."""

import dagster as dg

from orchestration.ingest import load_object
from orchestration.landing import OBJECTS, LandingObject
from orchestration.resources import WarehouseResource


def raw_asset_key(obj: LandingObject) -> dg.AssetKey:
    return dg.AssetKey(["raw", obj.table])


def build_ingestion_asset(obj: LandingObject) -> dg.AssetsDefinition:
    folder = f"landing/{obj.system}/" + ("<platform>/" if obj.partition_column else f"{obj.name}/")

    @dg.asset(
        key=raw_asset_key(obj),
        group_name="landing",
        kinds={"duckdb"},
        description=f"New files of {folder} loaded into raw.{obj.table}; bad rows quarantined.",
    )
    def _ingest(context: dg.AssetExecutionContext,
                warehouse: WarehouseResource) -> dg.MaterializeResult:
        with warehouse.connect() as con:
            result = load_object(con, obj, warehouse.paths.landing)
            total = con.execute(f"select count(*) from raw.{obj.table}").fetchone()[0]
        if result.rows_quarantined:
            context.log.warning(
                f"{result.rows_quarantined} rows of {folder} quarantined: see raw.quarantine")
        return dg.MaterializeResult(metadata={
            "new_files": len(result.files),
            "files_already_loaded": result.skipped,
            "rows_loaded": result.rows_loaded,
            "rows_quarantined": result.rows_quarantined,
            "dagster/row_count": total,
        })

    return _ingest


INGESTION_ASSETS = [build_ingestion_asset(obj) for obj in OBJECTS]
