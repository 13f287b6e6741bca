"""The landing objects as Dagster assets, raw.<system>__<object>, loaded in one step: `raw`.

Each object is its own asset (materialized, or picked alone in the UI), but they load in one
step over one warehouse: a step costs Dagster's bookkeeping and a warehouse connection, and
17 steps with nothing new to load took about 2 s of every refresh. Within the step, objects
load side by side, one per core (orchestration/ingest.py: load_objects). An object whose
files break the landing contract does not stop the others: they load, then the step fails
naming every broken object, and nothing downstream runs.
"""

import dagster as dg

from orchestration.ingest import LandingError, load_objects
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
    selected = [obj for obj in OBJECTS if raw_asset_key(obj) in context.selected_asset_keys]
    with warehouse.connect() as con:
        for obj, outcome in load_objects(con, selected, warehouse.paths.landing):
            if isinstance(outcome, Exception):
                broken.append((obj, outcome))
                continue
            total = con.execute(f"select count(*) from raw.{obj.table}").fetchone()[0]
            for file in outcome.files:
                if file.columns_carried:
                    context.log.warning(
                        f"{file.file} lacks {', '.join(file.columns_carried)}, which earlier "
                        "files gave: its records keep their earlier values (raw.carried_columns)")
            if outcome.rows_quarantined:
                context.log.warning(f"{outcome.rows_quarantined} rows of {_folder(obj)} "
                                    "quarantined: see raw.quarantine")
            yield dg.MaterializeResult(asset_key=raw_asset_key(obj), metadata={
                "new_files": len(outcome.files),
                "files_already_loaded": outcome.skipped,
                "rows_loaded": outcome.rows_loaded,
                "rows_quarantined": outcome.rows_quarantined,
                "dagster/row_count": total,
            })
    if broken:
        # In the landing contract's order, whichever order the objects ended in.
        broken.sort(key=lambda item: OBJECTS.index(item[0]))
        raise LandingError("\n".join(f"{obj.system}/{obj.name}: {error}"
                                     for obj, error in broken)) from None
