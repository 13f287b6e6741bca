{#- Incremental (macros/incremental.sql): its volume grows with the leads and several models
    and tests read it; a refresh re-ranks only the records a new load brought. -#}
{{ config(materialized=incremental_fact(), unique_key='campaign_member_id') }}

with source as (

    {{ versions_of_changed_records(source('salesforce', 'campaign_member')) }}

),

ranked as (

    select
        *,
        {{ latest_version_rank(['id'], ['last_modified_date', 'system_modstamp']) }} as version_rank
    from source

),

final as (

    select
        {{ clean_text('id') }} as campaign_member_id,
        {{ clean_text('campaign_id') }} as campaign_id,
        {{ clean_text('lead_id') }} as lead_id,
        {{ clean_text('contact_id') }} as contact_id,
        {{ clean_text('status') }} as member_status,
        coalesce(has_responded, false) as has_responded,
        cast(first_responded_date as date) as first_responded_date,
        created_date as created_at,
        {{- render_custom_columns(source('salesforce', 'campaign_member')) }}
        _load_id,
        _loaded_at
    from ranked
    where version_rank = 1

)

select * from final
