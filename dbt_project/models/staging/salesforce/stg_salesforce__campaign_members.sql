{#- Incremental (macros/incremental.sql): its volume grows with the leads and several models
    and tests read it; a refresh re-ranks only the records a new load brought. -#}
{{ config(materialized=incremental_fact(), unique_key='campaign_member_id') }}

with latest as (

    {{ latest_versions(source('salesforce', 'campaign_member'), ['id'], ['last_modified_date', 'system_modstamp']) }}

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
        {{ deleted_in_salesforce() }} as is_deleted,
        {{- render_custom_columns(source('salesforce', 'campaign_member')) }}
        _load_id,
        _loaded_at
    from latest

)

select * from final
