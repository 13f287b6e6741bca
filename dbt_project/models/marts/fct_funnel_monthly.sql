{#- Funnel KPIs per cohort month (month the lead was created, in var reporting_timezone),
    sourced_by and channel: how many leads reached each stage, and stage-to-stage conversion
    rates (null, not 0, when nothing reached the earlier stage). Handoff KPIs (acceptance,
    rejection, pending) count the handoffs: the sales-ready leads (SRL). Amounts in the
    reporting currency (macros/currency.sql). -#}
with

funnel as (

    select * from {{ ref('fct_lead_funnel') }}

),

cohorts as (

    select
        cast({{ dbt.date_trunc('month', to_reporting_timezone('created_at')) }} as date) as cohort_month,
        sourced_by,
        channel,
        mql_at,
        handed_over_at,
        sal_at,
        rejected_at,
        sql_at,
        opportunity_id,
        won_at,
        lost_at,
        amount,
        amount_converted,
        is_handed_over,
        is_accepted
    from funnel

),

counted as (

    select
        cohort_month,
        sourced_by,
        channel,
        count(*) as leads,
        count(mql_at) as mqls,
        count(handed_over_at) as handoffs,
        count(case when is_handed_over and is_accepted then 1 end) as handed_over_accepted,
        count(
            case when is_handed_over and not is_accepted and rejected_at is not null then 1 end
        ) as handed_over_rejected,
        count(
            case when is_handed_over and not is_accepted and rejected_at is null then 1 end
        ) as handed_over_pending,
        count(sal_at) as sals,
        count(rejected_at) as rejected,
        count(sql_at) as sqls,
        count(opportunity_id) as opportunities,
        count(won_at) as won,
        count(lost_at) as lost,
        {{ sum_converted('amount_converted', 'amount', 'won_at is not null') }} as won_amount,
        {{ sum_converted('amount_converted', 'amount', 'opportunity_id is not null') }} as pipeline_amount
    from cohorts
    group by
        cohort_month,
        sourced_by,
        channel

),

final as (

    select
        cohort_month,
        sourced_by,
        channel,
        leads,
        mqls,
        handoffs,
        handed_over_accepted,
        handed_over_rejected,
        handed_over_pending,
        sals,
        rejected,
        sqls,
        opportunities,
        won,
        lost,
        won_amount,
        pipeline_amount,
        {{ safe_divide('mqls', 'leads') }} as mql_rate,
        {{ safe_divide('handoffs', 'mqls') }} as srl_rate,
        {{ safe_divide('handed_over_accepted', 'handoffs') }} as acceptance_rate,
        {{ safe_divide('handed_over_rejected', 'handoffs') }} as handoff_rejection_rate,
        {{ safe_divide('handed_over_pending', 'handoffs') }} as handoff_pending_rate,
        {{ safe_divide('sqls', 'sals') }} as sql_rate,
        {{ safe_divide('opportunities', 'sqls') }} as opportunity_rate,
        {{ safe_divide('won', 'won + lost') }} as win_rate,
        {{ safe_divide('won', 'leads') }} as lead_to_won_rate
    from counted

)

select * from final
