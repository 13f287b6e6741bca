-- The monthly KPIs count every journey of the funnel once, and every won amount; a won amount
-- with no FX rate makes its month's won_amount unknown (null) rather than too small.
{{ config(meta={'dagster': {'ref': {'name': 'fct_funnel_monthly'}}}) }}
with

funnel_totals as (

    select
        count(*) as leads,
        count(mql_at) as mqls,
        count(handed_over_at) as handoffs,
        count(won_at) as won,
        coalesce(sum(case when won_at is not null then amount_converted end), 0) as won_amount,
        count(case when won_at is not null and amount is not null and amount_converted is null then 1 end)
            as unconverted_won
    from {{ ref('fct_lead_funnel') }}

),

monthly_totals as (

    select
        coalesce(sum(leads), 0) as leads,
        coalesce(sum(mqls), 0) as mqls,
        coalesce(sum(handoffs), 0) as handoffs,
        coalesce(sum(won), 0) as won,
        coalesce(sum(won_amount), 0) as won_amount,
        count(case when won_amount is null then 1 end) as unknown_won_amounts
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
        or (funnel_totals.unconverted_won = 0) <> (monthly_totals.unknown_won_amounts = 0)
        or (funnel_totals.unconverted_won = 0
            and abs(funnel_totals.won_amount - monthly_totals.won_amount) > 0.01)

)

select * from final
