"""The landing objects as Dagster assets, raw.<system>__<object>, loaded in one step: `raw`.

Each object is its own asset (materialized, or picked alone in the UI), but they load in one
step over one connection: a step costs Dagster's bookkeeping and a warehouse connection, and
17 steps with nothing new to load took about 2 s of every refresh. An object whose files break
the landing contract does not stop the others: they load, then the step fails naming every
broken object, and nothing downstream runs.
"""

import dagster as dg

from orchestration.ingest import LandingError, load_object
from orchestration.landing import OBJECTS, LandingObject
from orchestration.resources import WarehouseResource


def raw_asset_key(obj: LandingObject) -> dg.AssetKey:
    return dg.AssetKey(["raw", obj.table])


def _folder(obj: LandingObject) -> str:
    return f"landing/{obj.system}/" + ("<platform>/" if obj.partition_column else f"{obj.name}/")


@dg.multi_asset(
    name="raw",
    specs=[dg.AssetSpec(raw_asset_key(obj), group_name="landing", kinds={"duckdb"},
                        description=f"New files of {_folder(obj)} loaded into raw.{obj.table}; "
                                    "bad rows quarantined.")
           for obj in OBJECTS],
    can_subset=True,
)
def raw_objects(context: dg.AssetExecutionContext, warehouse: WarehouseResource):
    broken: list[tuple[LandingObject, Exception]] = []
    with warehouse.connect() as con:
        for obj in OBJECTS:
            if raw_asset_key(obj) not in context.selected_asset_keys:
                continue
            try:
                result = load_object(con, obj, warehouse.paths.landing)
            except Exception as error:  # noqa: BLE001 (raised with the others below)
                broken.append((obj, error))
                continue
            total = con.execute(f"select count(*) from raw.{obj.table}").fetchone()[0]
            if result.rows_quarantined:
                context.log.warning(f"{result.rows_quarantined} rows of {_folder(obj)} "
                                    "quarantined: see raw.quarantine")
            yield dg.MaterializeResult(asset_key=raw_asset_key(obj), metadata={
                "new_files": len(result.files),
                "files_already_loaded": result.skipped,
                "rows_loaded": result.rows_loaded,
                "rows_quarantined": result.rows_quarantined,
                "dagster/row_count": total,
            })
    if broken:
        raise LandingError("\n".join(f"{obj.system}/{obj.name}: {error}"
                                     for obj, error in broken)) from None
