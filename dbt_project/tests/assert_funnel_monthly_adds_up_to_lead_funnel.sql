-- The monthly KPIs count every journey of the funnel once, and every won amount.
{{ config(meta={'dagster': {'ref': {'name': 'fct_funnel_monthly'}}}) }}
with

funnel_totals as (

    select
        count(*) as leads,
        count(mql_at) as mqls,
        count(handed_over_at) as handoffs,
        count(won_at) as won,
        coalesce(sum(case when won_at is not null then amount end), 0) as won_amount
    from {{ ref('fct_lead_funnel') }}

),

monthly_totals as (

    select
        coalesce(sum(leads), 0) as leads,
        coalesce(sum(mqls), 0) as mqls,
        coalesce(sum(handoffs), 0) as handoffs,
        coalesce(sum(won), 0) as won,
        coalesce(sum(won_amount), 0) as won_amount
    from {{ ref('fct_funnel_monthly') }}

),

final as (

    select
        funnel_totals.leads as funnel_leads,
        monthly_totals.leads as monthly_leads,
        funnel_totals.mqls as funnel_mqls,
        monthly_totals.mqls as monthly_mqls,
        funnel_totals.handoffs as funnel_handoffs,
        monthly_totals.handoffs as monthly_handoffs,
        funnel_totals.won as funnel_won,
        monthly_totals.won as monthly_won
    from funnel_totals
    cross join monthly_totals
    where funnel_totals.leads <> monthly_totals.leads
        or funnel_totals.mqls <> monthly_totals.mqls
        or funnel_totals.handoffs <> monthly_totals.handoffs
        or funnel_totals.won <> monthly_totals.won
        or abs(funnel_totals.won_amount - monthly_totals.won_amount) > 0.01

)

select * from final
