{#- One row per opportunity: its account, stage, amount, dates and outcome, and the lead
    journey it came from when a lead was converted into it, who sourced it, and the custom
    opportunity fields listed in var opportunity_custom_columns.

    Rewritten by difference (macros/diffed_table.sql); _seen_up_to: the newest load in raw
    when the row was written, by which publication updates the published copy by
    opportunity (unique_key) and int_conversions_listed finds the journeys whose
    opportunities changed (with intermediate.fct_opportunities__gone, the journeys whose
    opportunity rows went: gone_key). -#}
{{ config(materialized=diffed_table(), unique_key='opportunity_id', gone_key='journey_id') }}
{%- set custom_columns = existing_columns(
    ref('stg_salesforce__opportunities'), var('opportunity_custom_columns', [])) -%}
with

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

journeys as (

    select * from {{ ref('int_journeys_identified') }}

),

source_channel_map as (

    select * from {{ ref('source_channel_map') }}

),

newest_load as (

    {{ newest_load() }}

),

contact_roles as (

    select * from {{ ref('stg_salesforce__opportunity_contact_roles') }}
    where not is_deleted

),

-- the lead converted into the opportunity; the earliest conversion when several were
source_journeys as (

    select
        opportunity_id,
        journey_id,
        lead_id,
        sourced_by,
        {{ opportunity_source_rank() }} as journey_rank
    from journeys
    where opportunity_id is not null

),

primary_contacts as (

    select
        opportunity_id,
        contact_id,
        row_number() over (
            partition by opportunity_id
            order by case when is_primary then 0 else 1 end, opportunity_contact_role_id
        ) as contact_rank
    from contact_roles
    where contact_id is not null

),

final as (

    select
        opportunities.opportunity_id,
        opportunities.opportunity_name,
        opportunities.opportunity_type,
        opportunities.account_id,
        opportunities.owner_id,
        opportunities.stage_name,
        opportunity_stages.stage_category,
        opportunities.amount,
        opportunities.currency_iso_code,
        opportunity_stages.amount_converted,
        opportunities.created_at,
        opportunities.close_date,
        opportunity_stages.won_at,
        opportunity_stages.lost_at,
        opportunities.is_closed,
        opportunities.is_won,
        opportunities.lead_source,
        opportunities.campaign_id,
        source_journeys.journey_id,
        source_journeys.lead_id,
        -- the lead journey's sourcing, else the opportunity's own LeadSource
        coalesce(source_journeys.sourced_by, source_channel_map.sourced_by, 'unknown') as sourced_by,
        {{ reporting_month('opportunities.created_at') }} as created_month,
        -- a close date is a calendar date: its own month, not shifted by the time zone
        cast({{ dbt.date_trunc('month', 'opportunity_stages.won_at') }} as date) as won_month,
        primary_contacts.contact_id as primary_contact_id,
        opportunities.account_id is not null and accounts.account_id is null as is_account_missing,
        newest_load.load_id as _seen_up_to
        {%- for column in custom_columns %},
        opportunities.{{ adapter.quote(column) }}
        {%- endfor %}
    from opportunities
    inner join opportunity_stages
        on opportunities.opportunity_id = opportunity_stages.opportunity_id
    left join accounts
        on opportunities.account_id = accounts.account_id
    left join source_journeys
        on opportunities.opportunity_id = source_journeys.opportunity_id
            and source_journeys.journey_rank = 1
    left join primary_contacts
        on opportunities.opportunity_id = primary_contacts.opportunity_id
            and primary_contacts.contact_rank = 1
    left join source_channel_map
        on {{ picklist_key('source_channel_map.source_system') }} = 'salesforce'
            and {{ picklist_key('opportunities.lead_source') }} = {{ picklist_key('source_channel_map.source_value') }}
    cross join newest_load

)

select * from final
