with latest as (

    {{ latest_versions(source('salesforce', 'campaign'), ['id'], ['last_modified_date', 'system_modstamp']) }}

),

final as (

    select
        {{ clean_text('id') }} as campaign_id,
        {{ clean_text('name') }} as campaign_name,
        {{ clean_text('type') }} as campaign_type,
        {{ clean_text('status') }} as campaign_status,
        cast(start_date as date) as start_date,
        cast(end_date as date) as end_date,
        cast(actual_cost as {{ type_double() }}) as actual_cost,
        {{ clean_text('currency_iso_code') }} as currency_iso_code,
        {{ deleted_in_salesforce() }} as is_deleted,
        {{- render_custom_columns(source('salesforce', 'campaign')) }}
        _load_id,
        _loaded_at
    from latest

)

select * from final
