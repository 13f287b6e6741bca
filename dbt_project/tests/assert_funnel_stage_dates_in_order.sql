-- Stage dates of a journey never run backwards: MQL no later than the handoff (SRL), the
-- handoff no later than sales acceptance, acceptance no later than qualification,
-- qualification no later than the opportunity; a disqualification follows acceptance; an
-- outcome needs an opportunity; an MQL names the version that made it, and the handoff is the
-- SRL.
with

funnel as (

    select * from {{ ref('fct_lead_funnel') }}

),

final as (

    select
        journey_id,
        mql_at,
        srl_at,
        sal_at,
        sql_at,
        opportunity_created_at,
        won_at,
        lost_at
    from funnel
    where mql_at > sal_at
        or mql_at > srl_at
        or srl_at > sal_at
        or (srl_at is not null and mql_at is null)
        or (handed_over_at is null) <> (srl_at is null)
        or handed_over_at <> srl_at
        or is_handed_over <> (srl_at is not null)
        or ((mql_at is null) <> (mql_definition_version is null))
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
