"""The Dagster code location: everything assembled in one place."""

from __future__ import annotations

import dagster as dg

from orchestration.assets.contract import lead_definitions
from orchestration.assets.dbt import (
    DBT_EXECUTABLE,
    DBT_MANIFEST,
    DBT_PROJECT,
    DbtCoreResource,
    alignment_dbt,
)
from orchestration.assets.ingestion import raw_objects
from orchestration.assets.kpi_contract import contract_checks
from orchestration.assets.publish import prepared_during_the_contract, published_marts_asset
from orchestration.assets.report import alignment_report
from orchestration.home import Home, contract_file
from orchestration.kpi_contract import load_suites
from orchestration.resources import WarehouseResource
from orchestration.schedules import refresh_schedule
from orchestration.sensors import landing_sensor

# One process writes warehouse.duckdb at a time: steps run one after another in-process.
refresh_job = dg.define_asset_job(
    "refresh", selection=dg.AssetSelection.all(), executor_def=dg.in_process_executor,
    description="Load new landing files, validate the lead definitions, dbt build, check the "
                "KPI contract, publish the marts, write the alignment report.",
)


def contract_check_job(checks: dg.AssetChecksDefinition) -> dg.UnresolvedAssetJobDefinition:
    return dg.define_asset_job(
        "contract_check", selection=dg.AssetSelection.checks(checks),
        executor_def=dg.in_process_executor,
        description="Check the KPI contract (expectations/) against the warehouse as it is.")


def build_definitions(home: Home, loggers: dict | None = None) -> dg.Definitions:
    marts = [spec for spec in alignment_dbt.specs if spec.key.path[0] == "marts"]
    checks = contract_checks(load_suites(), reuse_in_job=refresh_job.name,
                             meanwhile=prepared_during_the_contract(marts, DBT_MANIFEST))
    return dg.Definitions(
        assets=[raw_objects, lead_definitions, alignment_dbt,
                published_marts_asset(marts, DBT_MANIFEST), alignment_report],
        asset_checks=[checks],
        jobs=[refresh_job, contract_check_job(checks)],
        schedules=[refresh_schedule(refresh_job)],
        sensors=[landing_sensor(refresh_job, home)],
        resources={
            "warehouse": WarehouseResource(home=str(home.root), contract=str(contract_file())),
            "dbt": DbtCoreResource(project_dir=DBT_PROJECT, dbt_executable=DBT_EXECUTABLE),
        },
        loggers=loggers,
    )


defs = build_definitions(Home.resolve())
