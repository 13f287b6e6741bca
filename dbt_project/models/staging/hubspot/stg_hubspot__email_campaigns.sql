with source as (

    select * from {{ source('hubspot', 'email_campaigns') }}

),

ranked as (

    select
        *,
        {{ latest_version_rank(['id']) }} as version_rank
    from source

),

final as (

    select
        {{ clean_text('id') }} as email_campaign_id,
        {{ clean_text('name') }} as email_campaign_name,
        {{- render_custom_columns(source('hubspot', 'email_campaigns')) }}
        _load_id,
        _loaded_at
    from ranked
    where version_rank = 1

)

select * from final
