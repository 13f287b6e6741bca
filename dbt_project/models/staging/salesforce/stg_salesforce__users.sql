with latest as (

    {{ latest_versions(source('salesforce', 'user'), ['id'], ['last_modified_date', 'system_modstamp']) }}

),

final as (

    select
        {{ clean_text('id') }} as user_id,
        {{ clean_text('name') }} as user_name,
        {{ clean_text('title') }} as title,
        {{ clean_text('department') }} as department,
        coalesce(is_active, false) as is_active,
        {{- render_custom_columns(source('salesforce', 'user')) }}
        _load_id,
        _loaded_at
    from latest

)

select * from final
