{#- Incremental (macros/incremental.sql): its volume grows with the leads and several models
    and tests read it; a refresh re-ranks only the records a new load brought. -#}
{{ config(materialized=incremental_fact(), unique_key='task_id') }}

with latest as (

    {{ latest_versions(source('salesforce', 'task'), ['id'], ['last_modified_date', 'system_modstamp']) }}

),

final as (

    select
        {{ clean_text('id') }} as task_id,
        {{ clean_text('who_id') }} as who_id,
        {{ clean_text('what_id') }} as what_id,
        {{ clean_text('owner_id') }} as owner_id,
        created_date as created_at,
        cast(activity_date as date) as activity_date,
        {{ clean_text('subject') }} as subject,
        {{ clean_text('task_subtype') }} as task_subtype,
        {{ clean_text('status') }} as task_status,
        {{ deleted_in_salesforce() }} as is_deleted,
        {{- render_custom_columns(source('salesforce', 'task')) }}
        _load_id,
        _loaded_at
    from latest

)

select * from final
