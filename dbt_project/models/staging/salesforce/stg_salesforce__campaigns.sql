with source as (

    select * from {{ source('salesforce', 'campaign') }}

),

ranked as (

    select
        *,
        {{ latest_version_rank(['id'], ['last_modified_date', 'system_modstamp']) }} as version_rank
    from source

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
        {{- render_custom_columns(source('salesforce', 'campaign')) }}
        _load_id,
        _loaded_at
    from ranked
    where version_rank = 1

)

select * from final
