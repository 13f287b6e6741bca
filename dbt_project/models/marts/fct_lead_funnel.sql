{#- The funnel, one row per lead journey (a Salesforce lead, or a HubSpot-only inquiry):
    when it reached each stage of the demand waterfall, who sourced it, and where it stands.
    The handoff to sales is the sales-ready lead (SRL) of the agreed contract; MQL and SRL
    count only when they came no later than sales acceptance.

    Incremental by journey (macros/incremental.sql: funnel_journeys_to_rebuild): a journey's
    row follows from its journey row, its scores, its lead's stage dates and custom columns,
    its opportunity and whether its account exists (the definitions and reasons are every
    journey's, and a build after they change rebuilds everything:
    orchestration/build_state.py), so a build computes again the journeys any of those
    changed for (listed in intermediate.fct_lead_funnel__rebuilt) and writes those whose row
    differs from the built one (by_difference, macros/diffed_table.sql: at 10M leads a day
    reads again 715k journeys, most of which come out as they were); a journey gone is
    deleted and recorded in intermediate.fct_lead_funnel__gone. _seen_up_to: the newest load
    in raw when the row was written. -#}
-- depends_on: {{ ref('int_touches_unioned') }}
-- depends_on: {{ ref('int_journeys_fit_evaluated') }}
-- depends_on: {{ ref('int_hubspot_contacts_matched') }}
-- depends_on: {{ ref('stg_salesforce__lead_history') }}
-- depends_on: {{ ref('stg_salesforce__opportunity_history') }}
{{ config(
    materialized=incremental_fact(),
    unique_key='journey_id',
    incremental_strategy='by_difference',
    gone_key='journey_id',
    pre_hook="{{ rebuilt_keys_listed(funnel_journeys_to_rebuild()) }}",
    post_hook="{{ gone_rows_emptied_by_a_full_build() }}",
) }}
{%- set custom_columns = existing_columns(ref('stg_salesforce__leads'), var('lead_custom_columns', [])) -%}
with
{%- if is_incremental() %}

rebuilt_journeys as (

    select journey_id from {{ rebuilt_keys(this) }}

),
{%- endif %}

journeys as (

    select * from {{ ref('int_journeys_identified') }}
    {%- if is_incremental() %}
    where journey_id in (select rebuilt_journeys.journey_id from rebuilt_journeys)
    {%- endif %}

),

scores as (

    select * from {{ ref('int_journeys_scored') }}
    {%- if is_incremental() %}
    where journey_id in (select rebuilt_journeys.journey_id from rebuilt_journeys)
    {%- endif %}

),

lead_stages as {{ not_materialized() }} (

    select * from {{ ref('int_lead_stages_dated') }}
    {%- if is_incremental() %}
    where lead_id in (select journeys.lead_id from journeys)
    {%- endif %}

),

newest_load as (

    {{ newest_load() }}

),

-- the opportunities credited to the journeys built (macros/opportunity_sources.sql): a
-- journey converted into an opportunity credited to another has none here
credited_opportunities as (

    select
        journey_id,
        opportunity_id
    from (
        select
            journey_id,
            opportunity_id,
            {{ opportunity_source_rank() }} as journey_rank
        from {{ ref('int_journeys_identified') }}
        where opportunity_id is not null
        {%- if is_incremental() %}
            and opportunity_id in (select journeys.opportunity_id from journeys)
        {%- endif %}
    ) as ranked
    where journey_rank = 1

),

opportunities as (

    select * from {{ ref('stg_salesforce__opportunities') }}
    where not is_deleted

),

opportunity_stages as (

    select * from {{ ref('int_opportunities_stage_dated') }}

),

accounts as (

    select * from {{ ref('stg_salesforce__accounts') }}
    where not is_deleted

),

leads as (

    select * from {{ ref('stg_salesforce__leads') }}

),

versions as {{ not_materialized() }} (

    select * from {{ ref('int_lead_definitions_in_force') }}

),

reasons as (

    select * from {{ ref('stg_contract__lead_definition_reasons') }}

),

current_version as (

    select definition_version
    from versions
    where is_current

),

joined as (

    select
        journeys.journey_id,
        journeys.journey_type,
        journeys.lead_id,
        journeys.hubspot_contact_id,
        journeys.account_id,
        journeys.company,
        journeys.email,
        journeys.created_at,
        journeys.sourced_by,
        journeys.channel,
        journeys.lead_source,
        journeys.owner_id,
        journeys.hubspot_lifecycle_stage,
        credited.opportunity_id,
        coalesce(scores.touches, 0) as touches,
        scores.first_touch_at,
        scores.mql_at as scored_mql_at,
        scores.definition_version as scored_definition_version,
        scores.mql_touch_type as scored_mql_touch_type,
        scores.mql_score as scored_mql_score,
        scores.srl_at as scored_srl_at,
        scores.srl_definition_version as scored_srl_definition_version,
        lead_stages.current_status,
        lead_stages.current_status_stage,
        lead_stages.accepted_at,
        lead_stages.qualified_at,
        lead_stages.converted_at,
        lead_stages.rejected_at,
        lead_stages.disqualified_at,
        lead_stages.rejection_reason,
        lead_stages.recycled_at,
        coalesce(lead_stages.stage_dates_inferred, false) as stage_dates_inferred,
        opportunities.created_at as opportunity_created_at,
        opportunities.amount,
        opportunity_stages.amount_converted,
        opportunity_stages.won_at,
        opportunity_stages.lost_at,
        credited.opportunity_id is not null and opportunities.opportunity_id is null as is_opportunity_missing,
        journeys.account_id is not null and accounts.account_id is null as is_account_missing
    from journeys
    left join scores
        on journeys.journey_id = scores.journey_id
    left join lead_stages
        on journeys.lead_id = lead_stages.lead_id
    left join credited_opportunities as credited
        on journeys.journey_id = credited.journey_id
    left join opportunities
        on credited.opportunity_id = opportunities.opportunity_id
    left join opportunity_stages
        on credited.opportunity_id = opportunity_stages.opportunity_id
    left join accounts
        on journeys.account_id = accounts.account_id

),

-- SQL: sales confirmed the need (qualified status, conversion or an opportunity)
sql_dated as (

    select
        *,
        {{ least_not_null(['qualified_at', 'converted_at', 'opportunity_created_at']) }} as sql_at
    from joined

),

-- SAL: sales accepted the lead; a lead sales qualified was accepted no later than that
sal_dated as (

    select
        *,
        {{ least_not_null(['accepted_at', 'sql_at']) }} as sal_at
    from sql_dated

),

-- MQL and SRL (the handoff): a score crossed after sales already accepted the lead hands
-- nothing over
mql_dated as (

    select
        *,
        case
            when scored_mql_at is not null and (sal_at is null or scored_mql_at <= sal_at)
                then scored_mql_at
        end as mql_at,
        case
            when scored_srl_at is not null and (sal_at is null or scored_srl_at <= sal_at)
                then scored_srl_at
        end as srl_at
    from sal_dated

),

-- A rejected lead's first rejection. Per lead, from its stages: a second reader of the
-- journeys' joined rows would make DuckDB keep every column of every journey for both (at
-- 10M leads the model took 40 s so, against 25 s).
rejections as (

    select
        lead_id,
        rejection_reason,
        {{ least_not_null(['rejected_at', 'disqualified_at']) }} as first_rejecting_at
    from lead_stages
    where rejection_reason is not null

),

-- what the reason code means: the version in force at the rejection, else the current one
reason_versions as (

    select
        rejections.lead_id,
        rejections.rejection_reason,
        coalesce(in_force.definition_version, current_version.definition_version) as definition_version
    from rejections
    left join versions as in_force
        on rejections.first_rejecting_at >= in_force.effective_from
            and (rejections.first_rejecting_at < in_force.effective_to or in_force.effective_to is null)
    cross join current_version

),

rejection_reasons as (

    select
        reason_versions.lead_id,
        reasons.reason_description
    from reason_versions
    inner join reasons
        on reason_versions.definition_version = reasons.definition_version
            and {{ picklist_key('reason_versions.rejection_reason') }} = reasons.rejection_reason

),

-- the custom lead columns of var lead_custom_columns; none listed: no rows to join
custom_lead_columns as (

    select
        lead_id{% for column in custom_columns %},
        {{ adapter.quote(column) }}{% endfor %}
    from leads
    where {{ 'true' if custom_columns else '1 = 0' }}

),

final as (

    select
        mql_dated.journey_id,
        mql_dated.journey_type,
        mql_dated.lead_id,
        mql_dated.hubspot_contact_id,
        mql_dated.account_id,
        mql_dated.company,
        mql_dated.email,
        mql_dated.created_at,
        mql_dated.sourced_by,
        mql_dated.channel,
        mql_dated.lead_source,
        mql_dated.owner_id,
        mql_dated.current_status,
        mql_dated.hubspot_lifecycle_stage,
        mql_dated.touches,
        mql_dated.first_touch_at,
        mql_dated.mql_at,
        mql_dated.srl_at,
        mql_dated.srl_at as handed_over_at,
        -- the version that qualified the handoff, else the MQL
        case
            when mql_dated.srl_at is not null then mql_dated.scored_srl_definition_version
            when mql_dated.mql_at is not null then mql_dated.scored_definition_version
        end as definition_version,
        case when mql_dated.mql_at is not null then mql_dated.scored_definition_version end as mql_definition_version,
        case when mql_dated.mql_at is not null then mql_dated.scored_mql_touch_type end as mql_touch_type,
        case when mql_dated.mql_at is not null then mql_dated.scored_mql_score end as mql_score,
        mql_dated.sal_at,
        mql_dated.rejected_at,
        mql_dated.disqualified_at,
        mql_dated.rejection_reason,
        rejection_reasons.reason_description as rejection_reason_description,
        mql_dated.recycled_at,
        mql_dated.sql_at,
        mql_dated.opportunity_id,
        mql_dated.opportunity_created_at,
        mql_dated.won_at,
        mql_dated.lost_at,
        mql_dated.amount,
        mql_dated.amount_converted,
        case
            when mql_dated.won_at is not null then 'won'
            when mql_dated.lost_at is not null then 'lost'
            when mql_dated.opportunity_id is not null then 'opportunity'
            -- rejected the handoff, or disqualified after acceptance: closed without a deal
            when mql_dated.current_status_stage = 'rejected' then 'rejected'
            when mql_dated.current_status_stage = 'recycled' then 'recycled'
            when mql_dated.sql_at is not null then 'sql'
            when mql_dated.sal_at is not null then 'sal'
            when mql_dated.mql_at is not null then 'mql'
            else 'inquiry'
        end as current_stage,
        mql_dated.srl_at is not null as is_handed_over,
        mql_dated.sal_at is not null as is_accepted,
        mql_dated.stage_dates_inferred,
        mql_dated.is_account_missing,
        mql_dated.is_opportunity_missing,
        '{{ judged_by() }}' as judged_by,
        mql_dated.scored_mql_at,
        newest_load.load_id as _seen_up_to{% for column in custom_columns %},
        custom_lead_columns.{{ adapter.quote(column) }}{% endfor %}
    from mql_dated
    left join rejection_reasons
        on mql_dated.lead_id = rejection_reasons.lead_id
    left join custom_lead_columns
        on mql_dated.lead_id = custom_lead_columns.lead_id
    cross join newest_load

)

select * from final
