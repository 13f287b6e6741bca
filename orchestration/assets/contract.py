"""The agreed lead definitions, validated and landed before any dbt model runs."""

from pathlib import Path

import dagster as dg

from orchestration.contract import load_contract, write_contract_tables
from orchestration.resources import WarehouseResource

CONTRACT_ASSET_KEY = dg.AssetKey(["contract", "lead_definitions"])


@dg.asset(
    key=CONTRACT_ASSET_KEY,
    group_name="contract",
    kinds={"duckdb"},
    description="The lead definitions (seeds/lead_definitions.toml or $ALIGNMENT_CONTRACT), "
                "validated, as contract.lead_definition_* tables.",
)
def lead_definitions(warehouse: WarehouseResource) -> dg.MaterializeResult:
    # Raises ContractError naming version and field: nothing downstream runs.
    versions = load_contract(Path(warehouse.contract))
    with warehouse.connect() as con:
        write_contract_tables(con, versions)
    current = versions[-1]
    return dg.MaterializeResult(metadata={
        "versions": len(versions),
        "current_version": current.version,
        "mql_threshold": current.mql_threshold,
        "contract_file": warehouse.contract,
    })
