{#- One journey per person entering the funnel: every Salesforce lead that is not deleted, and
    every HubSpot contact that matched no Salesforce lead or contact (a HubSpot-only inquiry).
    Carries who the person is, where the lead came from and its fit attributes.

    Incremental by journey (macros/incremental.sql: journeys_reidentified): a journey's row
    follows from its lead and the HubSpot contacts matched to it (the source channel map is
    every journey's, and a build after it changes rebuilds everything:
    orchestration/build_state.py), so a build computes again the journeys of the leads a
    newer load brought and those the HubSpot contacts matched again by this run joined or
    left (listed in intermediate.int_journeys_identified__rebuilt), and writes those whose
    row differs from the built one (by_difference, macros/diffed_table.sql); a journey gone
    (a deleted lead's, a HubSpot-only contact's matched since) is deleted and recorded in
    intermediate.int_journeys_identified__gone, which lets the touches' relationships test
    read only the touches written and those of the journeys gone.
    _seen_up_to: the newest load in raw when the row was written. -#}
{{ config(
    materialized=incremental_fact(),
    unique_key='journey_id',
    incremental_strategy='by_difference',
    gone_key='journey_id',
    pre_hook="{{ rebuilt_keys_listed(journeys_reidentified()) }}",
    post_hook="{{ gone_rows_emptied_by_a_full_build() }}",
) }}
with
{%- if is_incremental() %}

rebuilt_journeys as (

    select journey_id from {{ rebuilt_keys(this) }}

),
{%- endif %}

leads as (

    select * from {{ ref('stg_salesforce__leads') }}
    where not is_deleted
    {%- if is_incremental() %}
        and {{ dbt.concat(["'sf_lead:'", "lead_id"]) }} in (select rebuilt_journeys.journey_id from rebuilt_journeys)
    {%- endif %}

),

hubspot_contacts as {{ not_materialized() }} (

    select * from {{ ref('int_hubspot_contacts_matched') }}
    {%- if is_incremental() %}
    where journey_id in (select rebuilt_journeys.journey_id from rebuilt_journeys)
    {%- endif %}

),

newest_load as (

    {{ newest_load() }}

),

source_channel_map as (

    select * from {{ ref('source_channel_map') }}

),

-- the HubSpot contact shown on a lead's journey when several match it: the strongest evidence
-- (a contact merged into another last: the surviving one is there), then the earliest created
primary_hubspot_contacts as (

    select
        journey_id,
        hubspot_contact_id,
        analytics_source,
        lifecycle_stage,
        lifecycle_funnel_stage,
        row_number() over (
            partition by journey_id
            order by
                case match_method
                    when 'salesforce_lead_id' then 1
                    when 'salesforce_contact_id' then 2
                    when 'email_lead' then 3
                    when 'email_contact' then 4
                    else 5
                end,
                created_at,
                hubspot_contact_id
        ) as contact_rank
    from hubspot_contacts
    where journey_id is not null

),

lead_journeys as (

    select
        {{ dbt.concat(["'sf_lead:'", "leads.lead_id"]) }} as journey_id,
        'salesforce_lead' as journey_type,
        leads.lead_id,
        primary_hubspot_contacts.hubspot_contact_id,
        leads.email,
        leads.created_at,
        leads.owner_id,
        case
            when leads.lead_source is not null then 'salesforce'
            when primary_hubspot_contacts.analytics_source is not null then 'hubspot'
        end as source_system,
        coalesce(leads.lead_source, primary_hubspot_contacts.analytics_source) as lead_source,
        leads.company,
        leads.title,
        leads.industry,
        leads.number_of_employees,
        leads.country,
        leads.status,
        leads.is_converted,
        leads.converted_date,
        leads.converted_account_id as account_id,
        leads.converted_contact_id as contact_id,
        leads.converted_opportunity_id as opportunity_id,
        primary_hubspot_contacts.lifecycle_stage as hubspot_lifecycle_stage,
        primary_hubspot_contacts.lifecycle_funnel_stage as hubspot_lifecycle_funnel_stage
    from leads
    left join primary_hubspot_contacts
        on {{ dbt.concat(["'sf_lead:'", "leads.lead_id"]) }} = primary_hubspot_contacts.journey_id
            and primary_hubspot_contacts.contact_rank = 1

),

hubspot_journeys as (

    select
        journey_id,
        'hubspot_contact' as journey_type,
        cast(null as {{ dbt.type_string() }}) as lead_id,
        hubspot_contact_id,
        email,
        created_at,
        cast(null as {{ dbt.type_string() }}) as owner_id,
        case when analytics_source is not null then 'hubspot' end as source_system,
        analytics_source as lead_source,
        company,
        job_title as title,
        cast(null as {{ dbt.type_string() }}) as industry,
        cast(null as {{ dbt.type_bigint() }}) as number_of_employees,
        cast(null as {{ dbt.type_string() }}) as country,
        cast(null as {{ dbt.type_string() }}) as status,
        false as is_converted,
        cast(null as date) as converted_date,
        cast(null as {{ dbt.type_string() }}) as account_id,
        cast(null as {{ dbt.type_string() }}) as contact_id,
        cast(null as {{ dbt.type_string() }}) as opportunity_id,
        lifecycle_stage as hubspot_lifecycle_stage,
        lifecycle_funnel_stage as hubspot_lifecycle_funnel_stage
    from hubspot_contacts
    where match_method = 'unmatched'

),

journeys as (

    select * from lead_journeys
    union all
    select * from hubspot_journeys

),

final as (

    select
        journeys.journey_id,
        journeys.journey_type,
        journeys.lead_id,
        journeys.hubspot_contact_id,
        journeys.email,
        journeys.created_at,
        journeys.owner_id,
        journeys.source_system,
        journeys.lead_source,
        coalesce(source_channel_map.channel, 'unmapped') as channel,
        coalesce(source_channel_map.sourced_by, 'unknown') as sourced_by,
        journeys.company,
        journeys.title,
        journeys.industry,
        journeys.number_of_employees,
        journeys.country,
        journeys.status,
        journeys.is_converted,
        journeys.converted_date,
        journeys.account_id,
        journeys.contact_id,
        journeys.opportunity_id,
        journeys.hubspot_lifecycle_stage,
        journeys.hubspot_lifecycle_funnel_stage,
        newest_load.load_id as _seen_up_to
    from journeys
    left join source_channel_map
        on journeys.source_system = {{ picklist_key('source_channel_map.source_system') }}
            and {{ picklist_key('journeys.lead_source') }} = {{ picklist_key('source_channel_map.source_value') }}
    cross join newest_load

)

select * from final
