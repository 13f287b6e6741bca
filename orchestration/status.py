"""What the warehouse holds now: last loads, quarantine, mart row counts."""

from __future__ import annotations

from orchestration.home import Home
from orchestration.warehouse import connect


def warehouse_status(home: Home) -> str:
    with connect(home, read_only=True) as con:
        def table(sql: str) -> str:
            relation = con.sql(sql)
            return str(relation) if relation.limit(1).fetchall() else "  (none)\n"

        has = {row[0] for row in con.execute(
            "select table_schema || '.' || table_name from information_schema.tables").fetchall()}
        parts = [f"warehouse: {home.warehouse}\n"]
        if "raw.load_manifest" in has:
            parts.append("Loads per landing object:\n" + table("""
                select object, count(*) as files, sum(rows_read) as rows_read,
                       sum(rows_loaded) as rows_loaded, sum(rows_quarantined) as quarantined,
                       max(loaded_at) as last_loaded_at
                from raw.load_manifest group by object order by object"""))
            parts.append("Quarantined rows by reason (raw.quarantine):\n" + table("""
                select object, reason, count(*) as rows
                from raw.quarantine group by all order by object, rows desc"""))
        if "raw.carried_columns" in has:
            parts.append("Columns a file lacked, kept from earlier versions "
                         "(raw.carried_columns):\n" + table("""
                select object, column_name, count(*) as files,
                       sum(records_carried) as records_carried, max(file) as last_file
                from raw.carried_columns group by all order by object, column_name"""))
        marts = sorted(name for name in has if name.startswith("marts."))
        if marts:
            counts = " union all ".join(
                f"select '{name}' as mart, count(*) as rows from {name}" for name in marts)
            parts.append("Marts:\n" + table(counts + " order by mart"))
        return "\n".join(parts)


def funnel_summary(home: Home) -> str:
    """The headline funnel by sourcing, for the end of `make demo`."""
    with connect(home, read_only=True) as con:
        return str(con.sql("""
            select sourced_by, count(*) as leads,
                   count(mql_at) as mqls,
                   count(*) filter (where is_handed_over) as handed_over,
                   round(count(*) filter (where is_handed_over and is_accepted)
                         / nullif(count(*) filter (where is_handed_over), 0), 3)
                       as acceptance_rate,
                   count(sal_at) as accepted_by_sales,
                   count(opportunity_id) as opportunities,
                   count(won_at) as won,
                   round(sum(case when won_at is not null then amount end), 0) as won_amount
            from marts.fct_lead_funnel group by sourced_by order by leads desc"""))
