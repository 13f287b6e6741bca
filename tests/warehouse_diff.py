"""Compare every table dbt built in two copies of a warehouse, row for row."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import duckdb

from orchestration.home import Home
from orchestration.refresh import RefreshOutcome, run_refresh

# What dbt builds; raw and contract are landed by the refresh itself.
BUILT_SCHEMAS = ("staging", "intermediate", "marts", "reference", "semantic")
# Appended by each run (the KPI contract's history), or computed at read time (now()).
RUN_DEPENDENT = {"marts.contract_results", "marts.source_freshness"}
# A record of builds alone, kept beside a model (macros/gone_rows.sql, companion_table): the
# keys gone since the last full build, the keys the last incremental build computed again.
BUILD_RECORDS = re.compile(r"intermediate\.\w+__(gone|rebuilt)")
# What records how incremental builds got to a table rather than what it holds: compared
# without these columns, on the rows where the condition holds. int_identity_journeys keeps
# the load after which each key last changed, and a gone key until the next build, as the
# journey digests do for journeys; int_touches_unioned, the per-journey models,
# int_lead_stages_dated, int_hubspot_contacts_matched, int_journeys_identified and
# fct_lead_funnel the newest load when each row was written (and
# int_hubspot_contacts_matched the journey of the row each replaced); the tables rewritten by
# difference the newest load when each row was written.
BUILD_HISTORY = {"intermediate.int_identity_journeys": ("changed_after_load",
                                                        "journey_id is not null"),
                 "intermediate.int_nurture_inputs_digested": ("changed_after_load",
                                                              "funnel is not null"),
                 "intermediate.int_touches_unioned": ("_seen_up_to", "true"),
                 "intermediate.int_touches_scored": ("_seen_up_to", "true"),
                 "intermediate.int_journeys_scored": ("_seen_up_to", "true"),
                 "intermediate.int_nurture_stays": ("_seen_up_to", "true"),
                 "intermediate.int_lead_stages_dated": ("_seen_up_to", "true"),
                 "intermediate.int_hubspot_contacts_matched": (("_seen_up_to",
                                                                 "replaced_journey_id"), "true"),
                 "intermediate.int_journeys_identified": ("_seen_up_to", "true"),
                 "marts.fct_lead_funnel": ("_seen_up_to", "true"),
                 "marts.fct_attribution": ("_seen_up_to", "true"),
                 "marts.fct_touchpoints": ("_seen_up_to", "true"),
                 "marts.fct_definition_drift": ("_seen_up_to", "true"),
                 "intermediate.int_journeys_fit_evaluated": ("_seen_up_to", "true"),
                 "intermediate.int_opportunities_stage_dated": ("_seen_up_to", "true"),
                 "intermediate.int_conversions_listed": ("_seen_up_to", "true"),
                 "intermediate.int_sales_touches_unioned": ("_seen_up_to", "true"),
                 "intermediate.int_campaign_keys_mapped": ("_seen_up_to", "true"),
                 "marts.fct_opportunities": ("_seen_up_to", "true")}


def _significant(column: str) -> str:
    # Sums of doubles differ in the last bits with the order DuckDB's threads add them: compare
    # ten significant digits (a wrong value differs far more).
    return (f'case when "{column}" = 0 or not isfinite("{column}") then "{column}" '
            f'else round("{column}", 9 - cast(floor(log10(abs("{column}"))) as integer)) '
            f'end as "{column}"')


def _columns(con: duckdb.DuckDBPyConnection, table: str) -> str:
    schema, name = table.split(".")
    history, _ = BUILD_HISTORY.get(table, ((), None))
    history = (history,) if isinstance(history, str) else history
    return ", ".join(
        _significant(column) if kind in ("DOUBLE", "FLOAT") else f'"{column}"'
        for column, kind in con.execute(
            "select column_name, data_type from information_schema.columns "
            "where table_catalog = 'current' and table_schema = ? and table_name = ? "
            "order by column_name", [schema, name]).fetchall()
        if column not in history)


def table_differences(current: str, other: str) -> dict[str, tuple[int, int]]:
    """{table: (rows only in current, rows only in other)} for every table that differs,
    or exists in one warehouse only; an empty dict when both hold the same rows."""
    con = duckdb.connect()
    try:
        con.execute(f"attach '{current}' as current (read_only)")
        con.execute(f"attach '{other}' as other (read_only)")
        tables = {
            catalog: {f"{schema}.{name}" for schema, name in con.execute(
                "select table_schema, table_name from information_schema.tables "
                "where table_catalog = ? and table_schema in "
                f"({', '.join('?' * len(BUILT_SCHEMAS))})",
                [catalog, *BUILT_SCHEMAS]).fetchall()
                if not BUILD_RECORDS.fullmatch(f"{schema}.{name}")} - RUN_DEPENDENT
            for catalog in ("current", "other")}
        differences = {table: (-1, -1) for table in tables["current"] ^ tables["other"]}
        for table in sorted(tables["current"] & tables["other"]):
            columns = _columns(con, table)
            _, rows = BUILD_HISTORY.get(table, (None, "true"))
            only_current, only_other = (
                con.execute(f"select count(*) from (select {columns} from {a}.{table} "
                            f"where {rows} except all select {columns} from {b}.{table} "
                            f"where {rows})").fetchone()[0]
                for a, b in (("current", "other"), ("other", "current")))
            if only_current or only_other:
                differences[table] = (only_current, only_other)
        return differences
    finally:
        con.close()


def rebuilt_in_full(home: Home, folder: Path) -> tuple[RefreshOutcome, dict[str, tuple[int, int]]]:
    """A full rebuild of a home that incremental refreshes built, and the tables in which the
    rebuild differs from what they built (table_differences)."""
    built = folder / "incremental.duckdb"
    shutil.copy(home.warehouse, built)
    outcome = run_refresh(home, full_refresh=True)
    return outcome, table_differences(str(home.warehouse), str(built))
