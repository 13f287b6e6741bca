{#- Definition drift per month (fct_definition_drift.drift_month): how many journeys HubSpot
    and the contract both call MQL, only HubSpot does, only the contract does, and the share
    on which they agree (null when the month has none). -#}
with

drift as (

    select * from {{ ref('fct_definition_drift') }}

),

counted as (

    select
        drift_month,
        count(*) as journeys,
        count(case when agreement = 'both' then 1 end) as both_count,
        count(case when agreement = 'hubspot_only' then 1 end) as hubspot_only_count,
        count(case when agreement = 'contract_only' then 1 end) as contract_only_count
    from drift
    group by drift_month

),

final as (

    select
        drift_month,
        journeys,
        both_count,
        hubspot_only_count,
        contract_only_count,
        {{ safe_divide('both_count', 'both_count + hubspot_only_count + contract_only_count') }}
            as agreement_rate
    from counted

)

select * from final
