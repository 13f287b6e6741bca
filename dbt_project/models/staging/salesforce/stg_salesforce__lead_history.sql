{#- Incremental (macros/incremental.sql): its volume grows with the leads and several models
    and tests read it; a refresh re-ranks only the records a new load brought. -#}
{{ config(materialized=incremental_fact(), unique_key='lead_history_id') }}

with latest as (

    {{ latest_versions(source('salesforce', 'lead_history'), ['id'], ['last_modified_date', 'system_modstamp']) }}

),

final as (

    select
        {{ clean_text('id') }} as lead_history_id,
        {{ clean_text('lead_id') }} as lead_id,
        created_date as changed_at,
        {{ clean_text('field') }} as field_name,
        {{ clean_text('old_value') }} as old_value,
        {{ clean_text('new_value') }} as new_value,
        {{- render_custom_columns(source('salesforce', 'lead_history')) }}
        _load_id,
        _loaded_at
    from latest

)

select * from final
