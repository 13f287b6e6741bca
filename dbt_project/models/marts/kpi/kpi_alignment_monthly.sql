{#- The alignment scorecard, one row per reporting month: the agreed lead figure (marketing's
    handoffs and how sales took them), the handoff SLA, sourcing, conversion, pipeline and
    revenue by source, spend and cost per lead, revenue growth, and each KPI's class against
    the benchmarks (seeds/alignment_benchmarks.csv). It reads the detail marts and only adds
    up: lead counts follow the creation cohort as fct_funnel_monthly does, handoff outcomes
    and the SLA come from fct_lead_handoff (by the lead's cohort month too), pipeline by the
    month an opportunity was created, won revenue by the month of its close date, spend by the
    month fct_campaign_spend_monthly puts it in. Amounts in the reporting currency
    (fct_opportunities.amount_converted, fct_campaign_spend_monthly.spend_converted); a sum
    holding one without an FX rate is null (macros/currency.sql). Rates are null when their
    denominator is 0. -#}
{%- set kpis = scorecard_kpis() -%}

with

months as (

    select * from {{ ref('int_kpi_months') }}

),

funnel_monthly as (

    select * from {{ ref('fct_funnel_monthly') }}

),

funnel as {{ not_materialized() }} (

    select * from {{ ref('fct_lead_funnel') }}

),

handoffs as {{ not_materialized() }} (

    select * from {{ ref('fct_lead_handoff') }}
    where sourced_by = 'marketing'

),

opportunities as (

    select * from {{ ref('fct_opportunities') }}

),

spend as (

    select * from {{ ref('fct_campaign_spend_monthly') }}

),

source_channel_map as (

    select * from {{ ref('source_channel_map') }}

),

-- "one language or two": computed once, in the drift mart
definition_drift as (

    select
        drift_month as report_month,
        agreement_rate as definition_agreement_rate
    from {{ ref('fct_definition_drift_monthly') }}

),

benchmarks as (

    select * from {{ ref('alignment_benchmarks') }}

),

cohorts as (

    select
        cohort_month as report_month,
        sum(leads) as leads,
        sum(case when sourced_by = 'marketing' then leads else 0 end) as marketing_leads,
        sum(case when sourced_by = 'marketing' then mqls else 0 end) as marketing_mqls,
        sum(case when sourced_by = 'marketing' then handoffs else 0 end) as marketing_handoffs,
        sum(case when sourced_by = 'marketing' then handed_over_accepted else 0 end) as marketing_accepted,
        sum(sals) as sals,
        sum(case when sourced_by = 'sales' then sals else 0 end) as sales_sourced_sals,
        sum(sqls) as sqls,
        sum(won) as won_leads
    from funnel_monthly
    group by cohort_month

),

handoff_outcomes as (

    select
        cohort_month as report_month,
        count(case when outcome = 'accepted' then 1 end) as handoffs_accepted_on_time,
        count(case when outcome = 'rejected' then 1 end) as handoffs_rejected_on_time,
        count(case when outcome = 'ignored' then 1 end) as handoffs_ignored,
        count(case when outcome = 'pending' then 1 end) as handoffs_pending,
        count(sla_met) as handoffs_sla_due,
        count(case when sla_met then 1 end) as handoffs_sla_met
    from handoffs
    group by cohort_month

),

rejection_counts as (

    select
        cohort_month as report_month,
        coalesce(rejection_reason, 'unspecified') as rejection_reason,
        count(*) as rejections
    from handoffs
    where outcome = 'rejected'
    group by
        cohort_month,
        coalesce(rejection_reason, 'unspecified')

),

rejection_summaries as (

    select
        report_month,
        {{ dbt.listagg(
            dbt.concat(['rejection_reason', "': '", 'cast(rejections as ' ~ dbt.type_string() ~ ')']),
            "', '",
            'order by rejections desc, rejection_reason') }} as rejections_by_reason
    from rejection_counts
    group by report_month

),

-- median speed to lead: the middle response (the mean of the two middle ones for an even count)
responses_ranked as (

    select
        cohort_month as report_month,
        response_minutes,
        row_number() over (partition by cohort_month order by response_minutes) as response_rank,
        count(*) over (partition by cohort_month) as responses
    from handoffs
    where response_minutes is not null

),

medians as (

    select
        report_month,
        avg(response_minutes) as median_response_minutes
    from responses_ranked
    where response_rank in (floor((responses + 1) / 2.0), ceil((responses + 1) / 2.0))
    group by report_month

),

mql_conversions as (

    select
        {{ reporting_month('created_at') }} as report_month,
        count(case when mql_at is not null and sql_at is not null then 1 end) as marketing_mqls_to_sql
    from funnel
    where sourced_by = 'marketing'
    group by {{ reporting_month('created_at') }}

),

-- who sourced each opportunity: its lead journey's sourcing, else its own LeadSource
opportunity_sources as (

    select
        opportunities.opportunity_id,
        opportunities.created_at,
        opportunities.won_at,
        opportunities.amount,
        opportunities.amount_converted,
        coalesce(funnel.sourced_by, source_channel_map.sourced_by, 'unknown') as sourced_by
    from opportunities
    left join funnel
        on opportunities.journey_id = funnel.journey_id
    left join source_channel_map
        on {{ picklist_key('source_channel_map.source_system') }} = 'salesforce'
            and {{ picklist_key('opportunities.lead_source') }} = {{ picklist_key('source_channel_map.source_value') }}

),

pipeline as (

    select
        {{ reporting_month('created_at') }} as report_month,
        {{ sum_converted('amount_converted', 'amount') }} as pipeline_amount,
        {{ sum_converted('amount_converted', 'amount', "sourced_by = 'marketing'") }} as marketing_pipeline_amount,
        {{ sum_converted('amount_converted', 'amount', "sourced_by = 'sales'") }} as sales_pipeline_amount,
        {{ sum_converted('amount_converted', 'amount', "sourced_by = 'partner'") }} as partner_pipeline_amount
    from opportunity_sources
    group by {{ reporting_month('created_at') }}

),

-- a close date is a calendar date: its own month, not shifted by the time zone
bookings as (

    select
        cast({{ dbt.date_trunc('month', 'won_at') }} as date) as report_month,
        {{ sum_converted('amount_converted', 'amount') }} as won_amount,
        {{ sum_converted('amount_converted', 'amount', "sourced_by = 'marketing'") }} as marketing_won_amount,
        {{ sum_converted('amount_converted', 'amount', "sourced_by = 'sales'") }} as sales_won_amount,
        {{ sum_converted('amount_converted', 'amount', "sourced_by = 'partner'") }} as partner_won_amount
    from opportunity_sources
    where won_at is not null
    group by cast({{ dbt.date_trunc('month', 'won_at') }} as date)

),

spend_monthly as (

    select
        spend_month as report_month,
        {{ sum_converted('spend_converted', 'spend') }} as spend,
        {{ sum_converted('spend_converted', 'spend', 'not is_attributable') }} as unattributed_spend
    from spend
    group by spend_month

),

joined as (

    select
        months.report_month,
        months.is_complete_month,
        coalesce(cohorts.leads, 0) as leads,
        coalesce(cohorts.marketing_leads, 0) as marketing_leads,
        coalesce(cohorts.marketing_mqls, 0) as marketing_mqls,
        coalesce(cohorts.marketing_handoffs, 0) as marketing_handoffs,
        coalesce(cohorts.marketing_accepted, 0) as marketing_accepted,
        coalesce(handoff_outcomes.handoffs_accepted_on_time, 0) as handoffs_accepted_on_time,
        coalesce(handoff_outcomes.handoffs_rejected_on_time, 0) as handoffs_rejected_on_time,
        coalesce(handoff_outcomes.handoffs_ignored, 0) as handoffs_ignored,
        coalesce(handoff_outcomes.handoffs_pending, 0) as handoffs_pending,
        rejection_summaries.rejections_by_reason,
        coalesce(cohorts.sals, 0) as sals,
        coalesce(cohorts.sales_sourced_sals, 0) as sales_sourced_sals,
        coalesce(handoff_outcomes.handoffs_sla_due, 0) as handoffs_sla_due,
        coalesce(handoff_outcomes.handoffs_sla_met, 0) as handoffs_sla_met,
        medians.median_response_minutes,
        coalesce(mql_conversions.marketing_mqls_to_sql, 0) as marketing_mqls_to_sql,
        coalesce(cohorts.sqls, 0) as sqls,
        coalesce(cohorts.won_leads, 0) as won_leads,
        {#- a month without a row has no amount: 0; one with a row keeps its null (no FX rate) #}
        {%- for source, amounts in [
            ('pipeline', ['pipeline_amount', 'marketing_pipeline_amount', 'sales_pipeline_amount', 'partner_pipeline_amount']),
            ('bookings', ['won_amount', 'marketing_won_amount', 'sales_won_amount', 'partner_won_amount']),
            ('spend_monthly', ['spend', 'unattributed_spend'])] %}
        {%- for amount in amounts %}
        case when {{ source }}.report_month is null then 0 else {{ source }}.{{ amount }} end as {{ amount }},
        {%- endfor %}
        {%- endfor %}
        definition_drift.definition_agreement_rate
    from months
    left join cohorts
        on months.report_month = cohorts.report_month
    left join handoff_outcomes
        on months.report_month = handoff_outcomes.report_month
    left join rejection_summaries
        on months.report_month = rejection_summaries.report_month
    left join medians
        on months.report_month = medians.report_month
    left join mql_conversions
        on months.report_month = mql_conversions.report_month
    left join pipeline
        on months.report_month = pipeline.report_month
    left join bookings
        on months.report_month = bookings.report_month
    left join spend_monthly
        on months.report_month = spend_monthly.report_month
    left join definition_drift
        on months.report_month = definition_drift.report_month

),

rated as (

    select
        *,
        {{ safe_divide('marketing_accepted', 'marketing_handoffs') }} as acceptance_rate,
        {{ safe_divide('sales_sourced_sals', 'sals') }} as sales_sourced_lead_share,
        {{ safe_divide('sales_pipeline_amount', 'pipeline_amount') }} as sales_sourced_pipeline_share,
        {{ safe_divide('handoffs_sla_met', 'handoffs_sla_due') }} as sla_compliance_rate,
        {{ safe_divide('marketing_mqls_to_sql', 'marketing_mqls') }} as mql_to_sql_rate,
        {{ safe_divide('won_leads', 'sqls') }} as sql_to_won_rate,
        {{ safe_divide('unattributed_spend', 'spend') }} as unattributed_spend_share,
        {{ safe_divide('spend', 'marketing_leads') }} as cost_per_lead,
        {{ safe_divide('spend', 'marketing_handoffs') }} as cost_per_sales_ready_lead
    from joined

),

-- the same month a year earlier (null in the first year of data)
compared as (

    select
        rated.*,
        year_ago.won_amount as won_amount_year_ago,
        year_ago.cost_per_lead as cost_per_lead_year_ago,
        {{ safe_divide('rated.won_amount - year_ago.won_amount', 'year_ago.won_amount') }} as revenue_growth,
        {{ safe_divide(
            'rated.cost_per_lead - year_ago.cost_per_lead',
            'year_ago.cost_per_lead',
        ) }} as cost_per_lead_change
    from rated
    left join rated as year_ago
        on rated.report_month = cast({{ dbt.dateadd('month', 12, 'year_ago.report_month') }} as date)

),

kpi_values as (

    {%- for kpi in kpis %}
    select
        report_month,
        '{{ kpi }}' as kpi,
        cast({{ kpi }} as {{ type_double() }}) as kpi_value
    from compared
    {{ 'union all' if not loop.last }}
    {%- endfor %}

),

classified as (

    select
        kpi_values.report_month,
        kpi_values.kpi,
        {{ benchmark_class(
            'kpi_values.kpi_value',
            'benchmarks.best_in_class_threshold',
            'benchmarks.laggard_threshold',
            'benchmarks.better_when') }} as benchmark_class
    from kpi_values
    left join benchmarks
        on kpi_values.kpi = benchmarks.kpi

),

classes as (

    select
        report_month{% for kpi in kpis %},
        max(case when kpi = '{{ kpi }}' then benchmark_class end) as {{ kpi }}_class{% endfor %}
    from classified
    group by report_month

),

final as (

    select
        compared.report_month,
        compared.is_complete_month,
        compared.leads,
        compared.marketing_leads,
        compared.marketing_mqls,
        compared.marketing_handoffs,
        compared.marketing_accepted,
        compared.acceptance_rate,
        compared.handoffs_accepted_on_time,
        compared.handoffs_rejected_on_time,
        compared.handoffs_ignored,
        compared.handoffs_pending,
        compared.rejections_by_reason,
        compared.sals,
        compared.sales_sourced_sals,
        compared.sales_sourced_lead_share,
        compared.handoffs_sla_due,
        compared.handoffs_sla_met,
        compared.sla_compliance_rate,
        compared.median_response_minutes,
        compared.marketing_mqls_to_sql,
        compared.mql_to_sql_rate,
        compared.sqls,
        compared.won_leads,
        compared.sql_to_won_rate,
        compared.pipeline_amount,
        compared.marketing_pipeline_amount,
        compared.sales_pipeline_amount,
        compared.partner_pipeline_amount,
        compared.sales_sourced_pipeline_share,
        compared.won_amount,
        compared.marketing_won_amount,
        compared.sales_won_amount,
        compared.partner_won_amount,
        compared.won_amount_year_ago,
        compared.revenue_growth,
        compared.spend,
        compared.unattributed_spend,
        compared.unattributed_spend_share,
        compared.definition_agreement_rate,
        compared.cost_per_lead,
        compared.cost_per_sales_ready_lead,
        compared.cost_per_lead_year_ago,
        compared.cost_per_lead_change{% for kpi in kpis %},
        classes.{{ kpi }}_class{% endfor %}
    from compared
    inner join classes
        on compared.report_month = classes.report_month

)

select * from final
