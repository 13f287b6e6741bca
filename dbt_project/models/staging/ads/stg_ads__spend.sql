{#- One row per platform, day and campaign: a re-export of a day replaces it. -#}
with source as (

    select * from {{ source('ads', 'spend') }}

),

ranked as (

    select
        *,
        {{ latest_version_rank(['platform', 'date', 'campaign_id']) }} as version_rank
    from source

),

final as (

    select
        {{ clean_text('platform') }} as platform,
        cast(date as date) as spend_date,
        {{ clean_text('campaign_id') }} as campaign_id,
        {{ clean_text('campaign_name') }} as campaign_name,
        {{ clean_text('utm_campaign') }} as utm_campaign,
        cast(spend as {{ type_double() }}) as spend,
        {{ clean_text('currency') }} as currency,
        cast(impressions as {{ dbt.type_bigint() }}) as impressions,
        cast(clicks as {{ dbt.type_bigint() }}) as clicks,
        {{- render_custom_columns(source('ads', 'spend')) }}
        _load_id,
        _loaded_at
    from ranked
    where version_rank = 1

)

select * from final
