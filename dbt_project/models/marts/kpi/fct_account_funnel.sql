{#- The account-based funnel, one row per Salesforce account: target account (every account in
    the CRM; there is no separate target list yet) → engaged (a marketing touch of a lead
    journey converted to the account) → MQL (such a journey became an MQL) → opportunity → won,
    with the first date of each. Leads are tied to an account only by their conversion: an
    unconverted lead of the same company is not matched by name. -#}

with

accounts as (

    select * from {{ ref('dim_account') }}

),

funnel as {{ not_materialized() }} (

    select * from {{ ref('fct_lead_funnel') }}

),

touches as (

    select * from {{ ref('int_touches_unioned') }}

),

opportunities as (

    select * from {{ ref('fct_opportunities') }}

),

account_journeys as (

    select
        account_id,
        count(*) as lead_journeys,
        min(mql_at) as first_mql_at
    from funnel
    where account_id is not null
    group by account_id

),

account_touches as (

    select
        funnel.account_id,
        count(*) as touches,
        min(touches.touched_at) as first_engaged_at
    from funnel
    inner join touches
        on funnel.journey_id = touches.journey_id
    where funnel.account_id is not null
    group by funnel.account_id

),

account_opportunities as (

    select
        account_id,
        count(*) as opportunities,
        min(created_at) as first_opportunity_at,
        count(won_at) as won_opportunities,
        min(won_at) as first_won_at,
        {{ sum_converted('amount_converted', 'amount', 'won_at is not null') }} as won_amount
    from opportunities
    where account_id is not null
    group by account_id

),

final as (

    select
        accounts.account_id,
        accounts.account_name,
        accounts.industry,
        accounts.billing_country,
        accounts.owner_id,
        true as is_target_account,
        coalesce(account_journeys.lead_journeys, 0) as lead_journeys,
        coalesce(account_touches.touches, 0) as touches,
        account_touches.first_engaged_at is not null as is_engaged,
        account_touches.first_engaged_at,
        account_journeys.first_mql_at is not null as has_mql,
        account_journeys.first_mql_at,
        account_opportunities.first_opportunity_at is not null as has_opportunity,
        account_opportunities.first_opportunity_at,
        coalesce(account_opportunities.opportunities, 0) as opportunities,
        account_opportunities.first_won_at is not null as is_won,
        account_opportunities.first_won_at,
        coalesce(account_opportunities.won_opportunities, 0) as won_opportunities,
        case when account_opportunities.account_id is null then 0 else account_opportunities.won_amount end as won_amount,
        case
            when account_opportunities.first_won_at is not null then 'won'
            when account_opportunities.first_opportunity_at is not null then 'opportunity'
            when account_journeys.first_mql_at is not null then 'mql'
            when account_touches.first_engaged_at is not null then 'engaged'
            else 'target'
        end as furthest_stage
    from accounts
    left join account_journeys
        on accounts.account_id = account_journeys.account_id
    left join account_touches
        on accounts.account_id = account_touches.account_id
    left join account_opportunities
        on accounts.account_id = account_opportunities.account_id

)

select * from final
