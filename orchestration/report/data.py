"""What the alignment report shows, read from the marts: SQL in DuckDB, pandas only to hand
the small results to Altair.

Every query names its tables `marts.<table>`: that resolves in warehouse.duckdb (schema
`marts`) and in the published marts.duckdb (catalog `marts`). A mart that does not exist yet
reads as None, and the report says "no data yet" for that section instead of failing.
"""

from __future__ import annotations

from datetime import date, datetime

import duckdb
import pandas as pd

from orchestration.home import SEEDS_DIR

BENCHMARK_SEED = SEEDS_DIR / "alignment_benchmarks.csv"

# The funnel's stages in order, as fct_funnel_monthly counts them (creation cohort).
FUNNEL_STAGES = (
    ("leads", "Leads"),
    ("mqls", "MQLs"),
    ("handoffs", "Handed to sales"),
    ("sals", "Accepted by sales (SAL)"),
    ("sqls", "Qualified (SQL)"),
    ("opportunities", "Opportunities"),
    ("won", "Won"),
)

# Speed-to-lead buckets: lower bound in minutes, label. A handoff no sales touch answered yet
# is its own bar.
RESPONSE_BUCKETS = (
    (0, "under 5 min"),
    (5, "5-60 min"),
    (60, "1-4 hours"),
    (240, "4-24 hours"),
    (1440, "1-3 days"),
    (4320, "over 3 days"),
)
NO_TOUCH = "no sales touch"

# The dbt marts the queries below read (the report asset's upstream). contract_results is
# written by the KPI contract's checks, not by dbt, and is no asset.
MARTS_READ = (
    "fct_funnel_monthly",
    "kpi_alignment_monthly",
    "kpi_contract_monthly",
    "fct_lead_handoff",
    "fct_nurture_pool",
    "fct_nurture_pool_monthly",
    "fct_campaign_roi",
    "fct_alignment_symptoms",
    "kpi_rejection_reasons_monthly",
)

NURTURE_AGES = (
    ("aged_0_3_months", "0-3 months"),
    ("aged_3_6_months", "3-6 months"),
    ("aged_6_12_months", "6-12 months"),
    ("aged_over_12_months", "over 12 months"),
)


def frame(con: duckdb.DuckDBPyConnection, sql: str,
          params: list | None = None) -> pd.DataFrame | None:
    """The query's result, or None when a mart it reads is not there (not built yet)."""
    try:
        return con.execute(sql, params or []).df()
    except duckdb.CatalogException:
        return None


def as_of(con: duckdb.DuckDBPyConnection) -> datetime | date | None:
    """The data's as-of moment (the marts' as_of_at: the latest event in the exports), else
    the last reporting month."""
    for sql in ("select max(as_of_at) from marts.fct_lead_handoff",
                "select max(as_of_at) from marts.fct_nurture_pool",
                "select max(report_month) from marts.kpi_alignment_monthly"):
        result = frame(con, sql)
        if result is not None and not result.empty and pd.notna(result.iat[0, 0]):
            return pd.Timestamp(result.iat[0, 0]).to_pydatetime()
    return None


def funnel(con: duckdb.DuckDBPyConnection) -> pd.DataFrame | None:
    """Journeys reaching each stage, by who sourced them, over every cohort (long form: one
    row per stage and sourcing)."""
    columns = ", ".join(column for column, _ in FUNNEL_STAGES)
    labels = " ".join(f"when '{column}' then '{label}'" for column, label in FUNNEL_STAGES)
    orders = " ".join(f"when '{column}' then {order}"
                      for order, (column, _) in enumerate(FUNNEL_STAGES))
    return frame(con, f"""
        with by_source as (
            select sourced_by, {", ".join(f"cast(coalesce(sum({c}), 0) as bigint) as {c}"
                                          for c, _ in FUNNEL_STAGES)}
            from marts.fct_funnel_monthly
            group by sourced_by
        ),
        stages as (
            unpivot by_source on {columns} into name stage_column value journeys
        ),
        cohorts as (
            select min(cohort_month) as first_month, max(cohort_month) as last_month
            from marts.fct_funnel_monthly
        )
        select case stage_column {labels} end as stage,
               case stage_column {orders} end as stage_order,
               sourced_by, journeys, first_month, last_month
        from stages cross join cohorts
        order by stage_order, sourced_by""")


def acceptance(con: duckdb.DuckDBPyConnection) -> pd.DataFrame | None:
    """The scorecard's acceptance rate per complete month, with its benchmark class."""
    return frame(con, """
        select report_month, strftime(report_month, '%Y-%m-%d') as month,
               cast(marketing_handoffs as bigint) as marketing_handoffs,
               cast(marketing_accepted as bigint) as marketing_accepted,
               acceptance_rate,
               acceptance_rate_class
        from marts.kpi_alignment_monthly
        where is_complete_month and acceptance_rate is not null
        order by report_month""")


def rejection_reasons(con: duckdb.DuckDBPyConnection, months: int = 12) -> pd.DataFrame | None:
    """Why sales rejected marketing's handoffs over the last `months` complete months with
    handoffs: per reason, the rejections, their share of the handoffs and of the rejections."""
    return frame(con, """
        with recent as (
            select report_month from marts.kpi_alignment_monthly
            where is_complete_month and marketing_handoffs > 0
            order by report_month desc limit ?
        ),
        handoffs as (
            select sum(marketing_handoffs) as handoffs from marts.kpi_alignment_monthly
            where report_month in (select report_month from recent)
        )
        select rejection_reason, max(rejection_reason_description) as description,
               cast(sum(rejections) as bigint) as rejections,
               sum(rejections) / any_value(handoffs.handoffs) as rejection_rate,
               sum(rejections) / sum(sum(rejections)) over () as share_of_rejections,
               (select min(report_month) from recent) as first_month,
               (select max(report_month) from recent) as last_month
        from marts.kpi_rejection_reasons_monthly cross join handoffs
        where report_month in (select report_month from recent)
        group by rejection_reason
        order by rejections desc, rejection_reason""", [months])


def acceptance_benchmark(con: duckdb.DuckDBPyConnection) -> tuple[float, float] | None:
    """(laggard, best in class) acceptance thresholds: the benchmark seed as the warehouse
    loaded it (schema `reference`); the published marts.duckdb carries schema marts only, so
    there the project's seed file, which the warehouse is built from, stands in."""
    select = """select cast(laggard_threshold as double), cast(best_in_class_threshold as double)
                from {source} where kpi = 'acceptance_rate'"""
    result = frame(con, select.format(source="reference.alignment_benchmarks"))
    if result is None and BENCHMARK_SEED.exists():
        result = frame(con, select.format(source="read_csv(?, header = true)"),
                       [str(BENCHMARK_SEED)])
    if result is None or result.empty:
        return None
    return float(result.iat[0, 0]), float(result.iat[0, 1])


def acceptance_floor(con: duckdb.DuckDBPyConnection) -> float | None:
    """The acceptance rate marketing signed for (the latest month's commitment)."""
    result = frame(con, """
        select min_acceptance_rate from marts.kpi_contract_monthly
        where min_acceptance_rate is not null
        order by report_month desc limit 1""")
    if result is None or result.empty:
        return None
    return float(result.iat[0, 0])


def speed_to_lead(con: duckdb.DuckDBPyConnection) -> pd.DataFrame | None:
    """Marketing's handoffs by time to the first sales touch, and whether the SLA was met."""
    cases = "\n".join(f"when response_minutes >= {low} then '{label}'"
                      for low, label in reversed(RESPONSE_BUCKETS))
    orders = "\n".join(f"when response_minutes >= {low} then {order}"
                       for order, (low, _) in reversed(list(enumerate(RESPONSE_BUCKETS))))
    return frame(con, f"""
        select
            case when response_minutes is null then '{NO_TOUCH}' {cases} end as bucket,
            case when response_minutes is null then {len(RESPONSE_BUCKETS)} {orders} end
                as bucket_order,
            case when sla_met then 'SLA met' when not sla_met then 'SLA missed'
                 else 'SLA still open' end as sla,
            count(*) as handoffs
        from marts.fct_lead_handoff
        where sourced_by = 'marketing'
        group by all
        order by bucket_order, sla""")


def speed_to_lead_summary(con: duckdb.DuckDBPyConnection) -> dict | None:
    result = frame(con, """
        select count(*) as handoffs,
               count(response_minutes) as touched,
               median(response_minutes) as median_minutes,
               count(*) filter (where sla_met) as sla_met,
               count(sla_met) as sla_decided
        from marts.fct_lead_handoff
        where sourced_by = 'marketing'""")
    if result is None or not result.iat[0, 0]:
        return None
    return result.to_dict("records")[0]


def nurture(con: duckdb.DuckDBPyConnection) -> pd.DataFrame | None:
    """The nurture pool at each month end, by age (long form: one row per month and age)."""
    columns = ", ".join(column for column, _ in NURTURE_AGES)
    labels = " ".join(f"when '{column}' then '{label}'" for column, label in NURTURE_AGES)
    orders = " ".join(f"when '{column}' then {order}"
                      for order, (column, _) in enumerate(NURTURE_AGES))
    return frame(con, f"""
        with ages as (
            unpivot (select report_month, {columns} from marts.fct_nurture_pool_monthly)
            on {columns} into name age_column value leads
        )
        select report_month, strftime(report_month, '%Y-%m-%d') as month,
               case age_column {labels} end as age,
               case age_column {orders} end as age_order,
               leads
        from ages
        order by report_month, age_order""")


def nurture_now(con: duckdb.DuckDBPyConnection) -> dict | None:
    """The pool at the last snapshot (the as-of moment)."""
    result = frame(con, """
        select report_month, snapshot_at, pool_size, nurture_window_days, past_nurture_window,
               past_nurture_window_share
        from marts.fct_nurture_pool_monthly
        order by report_month desc limit 1""")
    if result is None or result.empty:
        return None
    return result.to_dict("records")[0]


def _known_sum(column: str) -> str:
    """SQL: the sum of ``column``, null when a row's value is unknown (an amount without an FX
    rate: "Amounts and currencies" in the marts docs), not the sum of the others."""
    return f"case when count({column}) = count(*) then sum({column}) end"


def campaign_roi(con: duckdb.DuckDBPyConnection, top: int = 12) -> pd.DataFrame | None:
    """Lifetime ROI under every attribution model of the campaigns with spend that spent or
    earned the most: months summed first, then divided (docs/attribution.md). A month whose
    spend or revenue is unknown (a currency without an FX rate) leaves the lifetime figure and
    the ROI unknown."""
    return frame(con, f"""
        with lifetime as (
            select campaign_key,
                   any_value(coalesce(campaign_name, campaign_key)) as campaign_name,
                   any_value(channel) as channel,
                   attribution_model,
                   any_value(currency) as currency,
                   {_known_sum("spend")} as spend,
                   {_known_sum("attributed_won_revenue")} as won_revenue,
                   {_known_sum("attributed_pipeline")} as pipeline
            from marts.fct_campaign_roi
            where line_type = 'campaign'
            group by campaign_key, attribution_model
        ),
        ranked as (
            select campaign_key,
                   dense_rank() over (order by greatest(max(spend), max(won_revenue)) desc,
                                            campaign_key) as campaign_rank
            from lifetime
            group by campaign_key
            having max(spend) > 0 or max(spend) is null
        )
        select lifetime.*,
               (won_revenue - spend) / spend as roi,
               ranked.campaign_rank
        from lifetime
        inner join ranked using (campaign_key)
        where ranked.campaign_rank <= ?
        order by campaign_rank, attribution_model""", [top])


def roi_totals(con: duckdb.DuckDBPyConnection) -> dict | None:
    """Campaigns with spend, and their spend (null when some is unknown) and won revenue, under
    the linear model."""
    result = frame(con, f"""
        with lifetime as (
            select campaign_key, {_known_sum("spend")} as spend,
                   {_known_sum("attributed_won_revenue")} as won_revenue,
                   any_value(currency) as currency
            from marts.fct_campaign_roi
            where line_type = 'campaign' and attribution_model = 'linear'
            group by campaign_key
        )
        select count(*) filter (where spend > 0 or spend is null) as campaigns_with_spend,
               {_known_sum("spend")} as spend,
               count(*) filter (where spend > 0 and won_revenue > spend) as paying_back,
               any_value(currency) as currency
        from lifetime""")
    if result is None or not result.iat[0, 0]:
        return None
    return result.to_dict("records")[0]


def contract_status(con: duckdb.DuckDBPyConnection) -> pd.DataFrame | None:
    """Each expectation of the latest KPI contract check: passed or not, how many periods
    failed, and the value against the agreed threshold of its latest failing period (else its
    latest period)."""
    return frame(con, """
        with latest as (
            select * from marts.contract_results
            where run_id = (select max_by(run_id, checked_at) from marts.contract_results)
        ),
        ranked as (
            select *,
                   row_number() over (partition by suite, expectation
                                      order by passed, period desc nulls last) as pick
            from latest
        )
        select suite, expectation, severity, mart,
               bool_and(passed) as passed,
               count(*) filter (where not passed) as failing_periods,
               count(period) as periods,
               any_value(period) filter (where pick = 1) as period,
               any_value(value) filter (where pick = 1) as value,
               any_value(threshold) filter (where pick = 1) as threshold,
               max(checked_at) as checked_at,
               any_value(run_id) as run_id
        from ranked
        group by suite, expectation, severity, mart
        order by case suite when 'marketing' then 0 when 'sales' then 1 else 2 end,
                 suite, passed, expectation""")


def symptoms(con: duckdb.DuckDBPyConnection) -> pd.DataFrame | None:
    """Every symptom found, month by month."""
    return frame(con, """
        select report_month, strftime(report_month, '%Y-%m-%d') as month, symptom, measure,
               measured_value, threshold, evidence
        from marts.fct_alignment_symptoms
        order by report_month, symptom""")


def months(con: duckdb.DuckDBPyConnection) -> pd.DataFrame | None:
    """The reporting months of the scorecard (the axis of the symptoms' timeline)."""
    return frame(con, """
        select report_month, strftime(report_month, '%Y-%m-%d') as month, is_complete_month
        from marts.kpi_alignment_monthly
        order by report_month""")
