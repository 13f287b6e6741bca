-- Stage dates of a journey never run backwards: a handoff (MQL) comes no later than sales
-- acceptance, acceptance no later than qualification, qualification no later than the
-- opportunity; a disqualification follows acceptance; an outcome needs an opportunity, and an
-- MQL names the version that made it.
with

funnel as (

    select * from {{ ref('fct_lead_funnel') }}

),

final as (

    select
        journey_id,
        mql_at,
        sal_at,
        sql_at,
        opportunity_created_at,
        won_at,
        lost_at
    from funnel
    where mql_at > sal_at
        or sal_at > sql_at
        or sql_at > opportunity_created_at
        or (sql_at is not null and sal_at is null)
        or (disqualified_at is not null and sal_at is null)
        or (opportunity_id is not null and sql_at is null)
        or ((won_at is not null or lost_at is not null) and opportunity_id is null)
        or (won_at is not null and lost_at is not null)
        or ((mql_at is null) <> (definition_version is null))

)

select * from final
