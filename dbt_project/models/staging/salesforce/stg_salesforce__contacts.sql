{#- Incremental (macros/incremental.sql): its volume grows with the leads and several models
    and tests read it; a refresh re-ranks only the records a new load brought. -#}
{{ config(materialized=incremental_fact(), unique_key='contact_id') }}

with latest as (

    {{ latest_versions(source('salesforce', 'contact'), ['id'], ['last_modified_date', 'system_modstamp']) }}

),

final as (

    select
        {{ clean_text('id') }} as contact_id,
        {{ clean_text('account_id') }} as account_id,
        {{ clean_email('email') }} as email,
        {{ clean_text('first_name') }} as first_name,
        {{ clean_text('last_name') }} as last_name,
        {{ clean_text('title') }} as title,
        {{ clean_text('phone') }} as phone,
        {{ clean_text('lead_source') }} as lead_source,
        {{ clean_text('owner_id') }} as owner_id,
        created_date as created_at,
        {{ deleted_in_salesforce() }} as is_deleted,
        {{- render_custom_columns(source('salesforce', 'contact')) }}
        _load_id,
        _loaded_at
    from latest

)

select * from final
