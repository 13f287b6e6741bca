with latest as (

    {{ latest_versions(source('hubspot', 'email_campaigns'), ['id']) }}

),

final as (

    select
        {{ clean_text('id') }} as email_campaign_id,
        {{ clean_text('name') }} as email_campaign_name,
        {{- render_custom_columns(source('hubspot', 'email_campaigns')) }}
        _load_id,
        _loaded_at
    from latest

)

select * from final
