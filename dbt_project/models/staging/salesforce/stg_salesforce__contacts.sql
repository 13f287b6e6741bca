{#- Incremental (macros/incremental.sql): its volume grows with the leads and several models
    and tests read it; a refresh re-ranks only the records a new load brought. -#}
{{ config(materialized=incremental_fact(), unique_key='contact_id') }}

with source as (

    {{ versions_of_changed_records(source('salesforce', 'contact')) }}

),

ranked as (

    select
        *,
        {{ latest_version_rank(['id'], ['last_modified_date', 'system_modstamp']) }} as version_rank
    from source

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
        {{- render_custom_columns(source('salesforce', 'contact')) }}
        _load_id,
        _loaded_at
    from ranked
    where version_rank = 1

)

select * from final
