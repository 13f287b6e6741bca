{#- Definition drift, "one language or two": one row per journey that HubSpot calls MQL (its
    lifecycle stage maps, through lifecycle_stage_map, to mql or a later stage, or HubSpot
    dated its MQL stage) or the contract calls MQL (fct_lead_funnel.mql_at), with whether
    both agree and, when only HubSpot does, the first contract criterion the journey failed
    under the version in force at HubSpot's MQL date (the current version when HubSpot gives
    no date or no version was in force). HubSpot's side covers every HubSpot contact of the
    journey: the earliest MQL date, and MQL when any of them is. When both call it MQL the
    journey agrees whatever the minutes between the two dates.

    Incremental by journey (macros/incremental.sql: drift_journeys_to_rebuild): a journey's
    row follows from its funnel row, its HubSpot contacts, its fit, its touches and their
    scores (the definitions and the seeds are every journey's, and a build after they change
    rebuilds everything: orchestration/build_state.py), so a build computes again the
    journeys with a funnel row, a touch or a fit row written or gone since its newest load
    (scoring computes again no other journeys) and those a HubSpot contact matched since
    joined or left, and writes the rows that differ (by_difference, macros/diffed_table.sql).
    It was a table rewritten by difference until session 32.

    _seen_up_to: the newest load in raw when the row was written, by which publication
    updates the published copy by journey (unique_key). -#}
{{ config(
    materialized=incremental_fact(),
    unique_key='journey_id',
    incremental_strategy='by_difference',
    gone_key='journey_id',
    pre_hook="{{ rebuilt_keys_listed(drift_journeys_to_rebuild()) }}",
    post_hook="{{ gone_rows_emptied_by_a_full_build() }}",
) }}
{%- set rebuilt_only -%}
    {%- if is_incremental() %}
    where journey_id in (select rebuilt_journeys.journey_id from rebuilt_journeys)
    {%- endif %}
{%- endset %}
with

newest_load as (

    {{ newest_load() }}

),

{%- if is_incremental() %}

rebuilt_journeys as (

    select journey_id from {{ rebuilt_keys(this) }}

),
{%- endif %}

funnel as (

    select * from {{ ref('fct_lead_funnel') }}
    {{- rebuilt_only }}

),

hubspot_contacts as (

    select * from {{ ref('int_hubspot_contacts_matched') }}
    {{- rebuilt_only }}

),

lifecycle_stage_map as {{ not_materialized() }} (

    select * from {{ ref('lifecycle_stage_map') }}

),

versions as {{ not_materialized() }} (

    select * from {{ ref('int_lead_definitions_in_force') }}

),

fit as (

    select * from {{ ref('int_journeys_fit_evaluated') }}
    {{- rebuilt_only }}

),

scored_touches as (

    select * from {{ ref('int_touches_scored') }}
    {{- rebuilt_only }}

),

touches as (

    select * from {{ ref('int_touches_unioned') }}
    {{- rebuilt_only }}

),

points as (

    select * from {{ ref('stg_contract__lead_definition_points') }}

),

current_version as (

    select definition_version
    from versions
    where is_current

),

mql_stage as (

    select min(stage_order) as stage_order
    from lifecycle_stage_map
    where funnel_stage = 'mql'

),

hubspot_stages as (

    select
        hubspot_contacts.journey_id,
        hubspot_contacts.became_mql_at,
        coalesce(lifecycle_stage_map.stage_order >= mql_stage.stage_order, false) as is_mql_stage
    from hubspot_contacts
    left join lifecycle_stage_map
        on {{ picklist_key('hubspot_contacts.lifecycle_stage') }}
            = {{ picklist_key('lifecycle_stage_map.lifecycle_stage') }}
    cross join mql_stage
    where hubspot_contacts.journey_id is not null

),

hubspot_mqls as (

    select
        journey_id,
        min(became_mql_at) as hubspot_mql_at
    from hubspot_stages
    where is_mql_stage or became_mql_at is not null
    group by journey_id

),

compared as (

    select
        funnel.journey_id,
        funnel.journey_type,
        funnel.lead_id,
        funnel.hubspot_contact_id,
        funnel.sourced_by,
        funnel.created_at,
        funnel.touches,
        funnel.scored_mql_at,
        hubspot_mqls.hubspot_mql_at,
        funnel.mql_at as contract_mql_at,
        case
            when hubspot_mqls.journey_id is not null and funnel.mql_at is not null then 'both'
            when hubspot_mqls.journey_id is not null then 'hubspot_only'
            else 'contract_only'
        end as agreement
    from funnel
    left join hubspot_mqls
        on funnel.journey_id = hubspot_mqls.journey_id
    where hubspot_mqls.journey_id is not null
        or funnel.mql_at is not null

),

-- HubSpot-only MQLs are checked under the version in force at HubSpot's MQL date
reason_versions as (

    select
        compared.journey_id,
        coalesce(in_force.definition_version, current_version.definition_version) as definition_version
    from compared
    left join versions as in_force
        on compared.hubspot_mql_at >= in_force.effective_from
            and (compared.hubspot_mql_at < in_force.effective_to or in_force.effective_to is null)
    cross join current_version
    where compared.agreement = 'hubspot_only'

),

-- the best window a journey reached under the version (journeys that went through the window)
best_windows as (

    select
        scored_touches.journey_id,
        max(scored_touches.window_points) as best_window_points
    from scored_touches
    inner join reason_versions
        on scored_touches.journey_id = reason_versions.journey_id
            and scored_touches.definition_version = reason_versions.definition_version
    group by scored_touches.journey_id

),

-- otherwise the points of all its touches the version judged (below the threshold by then)
judged_totals as (

    select
        reason_versions.journey_id,
        sum(coalesce(points.points, 0)) as total_points
    from reason_versions
    inner join versions
        on reason_versions.definition_version = versions.definition_version
    inner join touches
        on reason_versions.journey_id = touches.journey_id
            and versions.effective_from <= touches.touched_at
            and (versions.effective_to > touches.touched_at or versions.effective_to is null)
    left join points
        on versions.definition_version = points.definition_version
            and touches.touch_type = points.touch_type
    group by reason_versions.journey_id

),

explained as (

    select
        compared.*,
        reason_versions.definition_version as reason_definition_version,
        -- the earlier of the two MQL dates; HubSpot may call a journey MQL by its stage alone
        coalesce(
            {{ least_not_null(['compared.hubspot_mql_at', 'compared.contract_mql_at']) }},
            compared.created_at
        ) as drift_at,
        case
            when compared.agreement = 'hubspot_only'
                then coalesce(best_windows.best_window_points, judged_totals.total_points, 0)
        end as contract_points_raw,
        case
            when compared.agreement = 'both' then null
            when compared.agreement = 'contract_only' then 'not MQL in HubSpot'
            when not fit.passes_employees then 'fit: employees'
            when not fit.passes_industry then 'fit: industry'
            when not fit.passes_country then 'fit: country'
            when not fit.passes_seniority then 'fit: seniority'
            when compared.touches = 0 then 'no touches'
            -- the contract's score crossed, but only after sales had accepted the lead
            when compared.scored_mql_at is not null then 'scored after sales acceptance'
            else 'score below threshold'
        end as reason
    from compared
    left join reason_versions
        on compared.journey_id = reason_versions.journey_id
    left join fit
        on reason_versions.journey_id = fit.journey_id
            and reason_versions.definition_version = fit.definition_version
    left join best_windows
        on compared.journey_id = best_windows.journey_id
    left join judged_totals
        on compared.journey_id = judged_totals.journey_id

),

final as (

    select
        explained.journey_id,
        explained.journey_type,
        explained.lead_id,
        explained.hubspot_contact_id,
        explained.sourced_by,
        explained.hubspot_mql_at,
        explained.contract_mql_at,
        cast({{ dbt.date_trunc('month', to_reporting_timezone('explained.drift_at')) }} as date) as drift_month,
        explained.agreement,
        explained.reason,
        explained.reason_definition_version,
        cast(explained.contract_points_raw as {{ dbt.type_numeric() }}) as contract_points,
        newest_load.load_id as _seen_up_to
    from explained
    cross join newest_load

)

select * from final
