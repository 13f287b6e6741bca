{#- One row per platform, day and campaign: a re-export of a day replaces it. -#}
with latest as (

    {{ latest_versions(source('ads', 'spend'), ['platform', 'date', 'campaign_id']) }}

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
    from latest

)

select * from final
