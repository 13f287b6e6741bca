-- Every journey the contract calls MQL is in the drift mart, and each row's agreement matches
-- its dates: 'both' and 'contract_only' have a contract MQL, 'hubspot_only' has none and says
-- why, under which version; the monthly drift counts every row once.
{{ config(meta={'dagster': {'ref': {'name': 'fct_definition_drift'}}}) }}
with

funnel as (

    select * from {{ ref('fct_lead_funnel') }}

),

drift as (

    select * from {{ ref('fct_definition_drift') }}

),

monthly as (

    select * from {{ ref('fct_definition_drift_monthly') }}

),

row_problems as (

    select
        coalesce(funnel.journey_id, drift.journey_id) as journey_id,
        drift.agreement,
        drift.reason
    from funnel
    full outer join drift
        on funnel.journey_id = drift.journey_id
    where (funnel.mql_at is not null and drift.journey_id is null)
        or (drift.journey_id is not null and funnel.journey_id is null)
        or (drift.agreement in ('both', 'contract_only') and drift.contract_mql_at is null)
        or (drift.agreement = 'hubspot_only' and drift.contract_mql_at is not null)
        or (drift.agreement = 'hubspot_only' and (drift.reason is null or drift.reason_definition_version is null))
        or (drift.agreement = 'both' and drift.reason is not null)
        or (drift.agreement = 'contract_only' and drift.reason <> 'not MQL in HubSpot')

),

drift_totals as (

    select count(*) as journeys
    from drift

),

monthly_totals as (

    select
        coalesce(sum(journeys), 0) as journeys,
        coalesce(sum(both_count + hubspot_only_count + contract_only_count), 0) as counted
    from monthly

),

total_problems as (

    select
        'monthly totals' as journey_id,
        cast(null as {{ dbt.type_string() }}) as agreement,
        cast(null as {{ dbt.type_string() }}) as reason
    from drift_totals
    cross join monthly_totals
    where drift_totals.journeys <> monthly_totals.journeys
        or drift_totals.journeys <> monthly_totals.counted

),

final as (

    select * from row_problems
    union all
    select * from total_problems

)

select * from final
