{#- When each lead reached each sales stage, from the Status changes in LeadHistory. Accepted
    is the contract's: the first change to a status (case-insensitive) in the accepted_status
    list of the version in force at the change (int_lead_definitions_in_force; under var
    restate, the current version). The other stages are mapped through lead_status_map: first
    qualified (qualified or converted), first converted, first rejected before sales took the
    lead (sales turned the handoff down; took = accepted, qualified or converted), first
    rejecting status after that (disqualified: closed without a deal), the reason of the first
    rejecting status, first recycled. A stage that the current status shows but the history
    does not date (no history exported, or a gap) is inferred, acceptance by the current
    version's list: conversion at converted_date, any other stage at the lead's last
    modification; stage_dates_inferred flags such leads.

    Incremental by lead (macros/incremental.sql: records_to_rebuild): a lead's dates follow
    from its lead record and its history records alone (the definitions and the status map
    are every lead's, and a build after they change rebuilds everything:
    orchestration/build_state.py), so a build computes again the leads a newer load brought
    a version of either. _seen_up_to: the newest load in raw when the row was written. -#}
{%- set inputs = [['stg_salesforce__leads', 'lead_id'], ['stg_salesforce__lead_history', 'lead_id']] %}
{{ config(
    materialized=incremental_fact(),
    unique_key='lead_id',
    pre_hook="{{ rebuilt_rows_deleted('lead_id', records_to_rebuild([['stg_salesforce__leads', 'lead_id'], ['stg_salesforce__lead_history', 'lead_id']])) }}",
) }}
with

leads as (

    select * from {{ ref('stg_salesforce__leads') }}
    where not is_deleted
    {%- if is_incremental() %}
        and lead_id in ({{ records_to_rebuild(inputs) }})
    {%- endif %}

),

lead_history as (

    select * from {{ ref('stg_salesforce__lead_history') }}
    {%- if is_incremental() %}
    where lead_id in ({{ records_to_rebuild(inputs) }})
    {%- endif %}

),

newest_load as (

    {{ newest_load() }}

),

lead_status_map as {{ not_materialized() }} (

    select * from {{ ref('lead_status_map') }}

),

versions as {{ not_materialized() }} (

    select * from {{ ref('int_lead_definitions_in_force') }}

),

-- Lead Status values (trimmed, lower case) that mean accepted, per version
accepted_statuses as {{ not_materialized() }} (

    select distinct
        definition_version,
        list_value as status_key
    from {{ ref('stg_contract__lead_definition_values') }}
    where list_name = 'accepted_status'

),

current_accepted_statuses as (

    select
        accepted_statuses.definition_version,
        accepted_statuses.status_key
    from accepted_statuses
    inner join versions
        on accepted_statuses.definition_version = versions.definition_version
    where versions.is_current

),

status_changes as (

    select
        lead_history.lead_id,
        lead_history.changed_at,
        lead_history.lead_history_id,
        coalesce(lead_status_map.funnel_stage, 'unmapped') as funnel_stage,
        lead_status_map.rejection_reason,
        versions.definition_version,
        accepted_statuses.status_key is not null as is_accepted_status
    from lead_history
    left join lead_status_map
        on {{ picklist_key('lead_history.new_value') }} = {{ picklist_key('lead_status_map.lead_status') }}
    -- the version in force at the change judges it (versions do not overlap)
    left join versions
        on lead_history.changed_at >= versions.effective_from
            and (lead_history.changed_at < versions.effective_to or versions.effective_to is null)
    left join accepted_statuses
        on versions.definition_version = accepted_statuses.definition_version
            and {{ picklist_key('lead_history.new_value') }} = accepted_statuses.status_key
    where lower(lead_history.field_name) = 'status'
        and lead_history.changed_at is not null

),

history_dates as (

    select
        lead_id,
        count(*) as status_changes,
        min(case when is_accepted_status then changed_at end) as accepted_at,
        -- sales took the lead: accepted, or qualified / converted (an SQL was accepted)
        min(
            case when is_accepted_status or funnel_stage in ('qualified', 'converted') then changed_at end
        ) as took_at,
        min(case when funnel_stage in ('qualified', 'converted') then changed_at end) as qualified_at,
        min(case when funnel_stage = 'converted' then changed_at end) as converted_at,
        min(case when funnel_stage = 'rejected' then changed_at end) as first_rejecting_at,
        min(case when funnel_stage = 'recycled' then changed_at end) as recycled_at
    from status_changes
    group by lead_id

),

-- a rejecting status before sales took the lead rejects the handoff; one after it disqualifies
rejections as (

    select
        status_changes.lead_id,
        min(case
            when history_dates.took_at is null or status_changes.changed_at < history_dates.took_at
                then status_changes.changed_at
        end) as rejected_at,
        min(case
            when status_changes.changed_at >= history_dates.took_at
                then status_changes.changed_at
        end) as disqualified_at
    from status_changes
    inner join history_dates
        on status_changes.lead_id = history_dates.lead_id
    where status_changes.funnel_stage = 'rejected'
    group by status_changes.lead_id

),

first_acceptances as (

    select
        lead_id,
        definition_version,
        row_number() over (partition by lead_id order by changed_at, lead_history_id) as acceptance_rank
    from status_changes
    where is_accepted_status

),

first_rejections as (

    select
        lead_id,
        rejection_reason,
        row_number() over (partition by lead_id order by changed_at, lead_history_id) as rejection_rank
    from status_changes
    where funnel_stage = 'rejected'

),

current_status as (

    select
        leads.lead_id,
        leads.status,
        leads.is_converted,
        cast(leads.converted_date as {{ dbt.type_timestamp() }}) as converted_date_at,
        coalesce(leads.last_modified_at, leads.created_at) as status_seen_at,
        case
            when leads.is_converted then 'converted'
            else coalesce(lead_status_map.funnel_stage, 'unmapped')
        end as current_status_stage,
        lead_status_map.rejection_reason as current_rejection_reason,
        current_accepted_statuses.definition_version as current_accepted_version
    from leads
    left join lead_status_map
        on {{ picklist_key('leads.status') }} = {{ picklist_key('lead_status_map.lead_status') }}
    -- no history: the current status is judged by the current version
    left join current_accepted_statuses
        on {{ picklist_key('leads.status') }} = current_accepted_statuses.status_key

),

-- the date each stage would get from the current status alone
inferred as (

    select
        lead_id,
        status,
        current_status_stage,
        current_rejection_reason,
        current_accepted_version,
        case
            when current_accepted_version is null then null
            when current_status_stage = 'converted' then coalesce(converted_date_at, status_seen_at)
            else status_seen_at
        end as accepted_at,
        case
            when current_status_stage = 'converted' then coalesce(converted_date_at, status_seen_at)
            when current_status_stage = 'qualified' then status_seen_at
        end as qualified_at,
        case
            when current_status_stage = 'converted' then coalesce(converted_date_at, status_seen_at)
        end as converted_at,
        case when current_status_stage = 'rejected' then status_seen_at end as rejected_at,
        case when current_status_stage = 'recycled' then status_seen_at end as recycled_at
    from current_status

),

dated as (

    select
        inferred.lead_id,
        inferred.status as current_status,
        inferred.current_status_stage,
        coalesce(history_dates.status_changes, 0) > 0 as has_status_history,
        -- inferred only when the history shows sales never took the lead
        case
            when history_dates.accepted_at is not null then history_dates.accepted_at
            when history_dates.took_at is null then inferred.accepted_at
        end as accepted_at,
        case
            when history_dates.accepted_at is not null then first_acceptances.definition_version
            when history_dates.took_at is null then inferred.current_accepted_version
        end as accepted_definition_version,
        coalesce(history_dates.qualified_at, inferred.qualified_at) as qualified_at,
        coalesce(history_dates.converted_at, inferred.converted_at) as converted_at,
        rejections.rejected_at as history_rejected_at,
        rejections.disqualified_at as history_disqualified_at,
        -- the current status rejects but the history dates no rejection
        case
            when history_dates.first_rejecting_at is null then inferred.rejected_at
        end as inferred_rejecting_at,
        case
            when history_dates.first_rejecting_at is not null then first_rejections.rejection_reason
            else inferred.current_rejection_reason
        end as rejection_reason,
        coalesce(history_dates.recycled_at, inferred.recycled_at) as recycled_at,
        (history_dates.took_at is null and inferred.accepted_at is not null)
        or (history_dates.qualified_at is null and inferred.qualified_at is not null)
        or (history_dates.converted_at is null and inferred.converted_at is not null)
        or (history_dates.first_rejecting_at is null and inferred.rejected_at is not null)
        or (history_dates.recycled_at is null and inferred.recycled_at is not null)
            as stage_dates_inferred
    from inferred
    left join history_dates
        on inferred.lead_id = history_dates.lead_id
    left join rejections
        on inferred.lead_id = rejections.lead_id
    left join first_rejections
        on inferred.lead_id = first_rejections.lead_id
            and first_rejections.rejection_rank = 1
    left join first_acceptances
        on inferred.lead_id = first_acceptances.lead_id
            and first_acceptances.acceptance_rank = 1

),

took as (

    select
        *,
        {{ least_not_null(['accepted_at', 'qualified_at', 'converted_at']) }} as took_at
    from dated

),

stages as (

    select
        lead_id,
        current_status,
        current_status_stage,
        has_status_history,
        accepted_at,
        accepted_definition_version,
        qualified_at,
        converted_at,
        case
            when history_rejected_at is not null then history_rejected_at
            when took_at is null or inferred_rejecting_at < took_at then inferred_rejecting_at
        end as rejected_at,
        case
            when history_disqualified_at is not null then history_disqualified_at
            when inferred_rejecting_at >= took_at then inferred_rejecting_at
        end as disqualified_at,
        rejection_reason,
        recycled_at,
        stage_dates_inferred
    from took

),

final as (

    select
        stages.*,
        newest_load.load_id as _seen_up_to
    from stages
    cross join newest_load

)

select * from final
