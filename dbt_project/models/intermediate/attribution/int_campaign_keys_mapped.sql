{#- One row per campaign key a touch or a spend row carries, and the canonical campaign it
    belongs to. In order:
    1. a campaign_map row for the key (an exact row, else the longest LIKE pattern);
    2. an ad-platform campaign id, or a utm_campaign that an ad campaign carries: the ad
       campaign's own map row, else the map row of its utm_campaign, else the ad campaign
       itself (`ads:<campaign id>`); touch and spend of one ad therefore always meet;
    3. a Salesforce campaign or HubSpot e-mail the exports know: itself
       (`salesforce:<id>`, `hubspot_email:<id>`), its channel from campaign_channel_map;
    4. anything else: the campaign `unmapped`, kept and counted, never dropped.
    is_ad_click_utm: a utm_campaign some ad spend carries, which makes a form with it an ad
    click (int_touchpoints_unioned decides so by the same set).

    Rewritten by difference (macros/diffed_table.sql); _seen_up_to: the newest load in raw
    when the row was written, by which fct_touchpoints computes again the touches of a key
    mapped otherwise (or whose forms became ad clicks) without comparing every touch. -#}
{{ config(materialized=diffed_table()) }}

with

touches as (

    select * from {{ ref('int_touchpoints_unioned') }}

),

ad_spend as (

    select * from {{ ref('stg_ads__spend') }}

),

salesforce_campaigns as {{ not_materialized() }} (

    select * from {{ ref('stg_salesforce__campaigns') }}
    where not is_deleted

),

email_campaigns as (

    select * from {{ ref('stg_hubspot__email_campaigns') }}

),

campaign_map as (

    select
        {{ picklist_key('source_system') }} as source_system,
        case
            when {{ picklist_key('source_system') }} = 'utm' then lower(trim(source_campaign_key))
            else trim(source_campaign_key)
        end as source_campaign_key,
        campaign_key,
        campaign_name,
        channel,
        {{ dbt.position("'%'", 'source_campaign_key') }} > 0 as is_pattern
    from {{ ref('campaign_map') }}

),

channel_map as {{ not_materialized() }} (

    select * from {{ ref('campaign_channel_map') }}

),

ad_click_utms as (

    select distinct lower(utm_campaign) as utm_campaign
    from ad_spend
    where utm_campaign is not null

),

newest_load as (

    {{ newest_load() }}

),

-- one row per ad campaign; the utm_campaign and name of its latest day
ad_campaigns as (

    select
        platform,
        campaign_id,
        campaign_name,
        lower(utm_campaign) as utm_campaign,
        row_number() over (
            partition by campaign_id
            order by spend_date desc, platform
        ) as campaign_rank
    from ad_spend
    where campaign_id is not null

),

keys as (

    select source_system, source_campaign_key from touches
    where source_campaign_key is not null
    union
    select 'ads' as source_system, campaign_id as source_campaign_key from ad_campaigns
    union
    select 'utm' as source_system, utm_campaign as source_campaign_key from ad_campaigns
    where utm_campaign is not null
    union
    select 'salesforce' as source_system, campaign_id as source_campaign_key from salesforce_campaigns
    where campaign_id is not null

),

-- the map row of each key: exact first, then the longest matching pattern
map_matches as (

    select
        keys.source_system,
        keys.source_campaign_key,
        campaign_map.campaign_key,
        campaign_map.campaign_name,
        campaign_map.channel,
        case when campaign_map.is_pattern then 'seed_pattern' else 'seed' end as mapped_by,
        row_number() over (
            partition by keys.source_system, keys.source_campaign_key
            order by
                case when campaign_map.source_campaign_key = keys.source_campaign_key then 0 else 1 end,
                {{ dbt.length('campaign_map.source_campaign_key') }} desc,
                campaign_map.source_campaign_key
        ) as match_rank
    from keys
    inner join campaign_map
        on keys.source_system = campaign_map.source_system
            and (
                keys.source_campaign_key = campaign_map.source_campaign_key
                or (
                    campaign_map.is_pattern
                    and keys.source_campaign_key like campaign_map.source_campaign_key
                )
            )

),

mapped as (

    select * from map_matches
    where match_rank = 1

),

-- every ad campaign resolved once: its own map row, else its utm_campaign's, else itself
ad_resolved as (

    select
        ad_campaigns.campaign_id,
        ad_campaigns.utm_campaign,
        coalesce(by_id.campaign_key, by_utm.campaign_key, {{ dbt.concat(["'ads:'", "ad_campaigns.campaign_id"]) }}) as campaign_key,
        coalesce(by_id.campaign_name, by_utm.campaign_name, ad_campaigns.campaign_name, ad_campaigns.campaign_id) as campaign_name,
        coalesce(by_id.channel, by_utm.channel, channel_map.channel, 'unmapped') as channel,
        coalesce(by_id.mapped_by, by_utm.mapped_by, 'catalogue') as mapped_by
    from ad_campaigns
    left join mapped as by_id
        on by_id.source_system = 'ads'
            and ad_campaigns.campaign_id = by_id.source_campaign_key
    left join mapped as by_utm
        on by_utm.source_system = 'utm'
            and ad_campaigns.utm_campaign = by_utm.source_campaign_key
    left join channel_map
        on {{ picklist_key('channel_map.source_system') }} = 'ads'
            and {{ picklist_key('ad_campaigns.platform') }} = {{ picklist_key('channel_map.source_type') }}
    where ad_campaigns.campaign_rank = 1

),

-- the ad campaign a utm_campaign stands for (the lowest id when several carry it)
utm_ads as (

    select
        utm_campaign,
        campaign_key,
        campaign_name,
        channel,
        mapped_by,
        row_number() over (partition by utm_campaign order by campaign_id) as ad_rank
    from ad_resolved
    where utm_campaign is not null

),

salesforce_resolved as (

    select
        salesforce_campaigns.campaign_id,
        {{ dbt.concat(["'salesforce:'", "salesforce_campaigns.campaign_id"]) }} as campaign_key,
        coalesce(salesforce_campaigns.campaign_name, salesforce_campaigns.campaign_id) as campaign_name,
        coalesce(channel_map.channel, 'unmapped') as channel
    from salesforce_campaigns
    left join channel_map
        on {{ picklist_key('channel_map.source_system') }} = 'salesforce'
            and {{ picklist_key('salesforce_campaigns.campaign_type') }} = {{ picklist_key('channel_map.source_type') }}

),

email_resolved as (

    select
        email_campaigns.email_campaign_id,
        {{ dbt.concat(["'hubspot_email:'", "email_campaigns.email_campaign_id"]) }} as campaign_key,
        coalesce(email_campaigns.email_campaign_name, email_campaigns.email_campaign_id) as campaign_name,
        coalesce(channel_map.channel, 'unmapped') as channel
    from email_campaigns
    left join channel_map
        on {{ picklist_key('channel_map.source_system') }} = 'hubspot_email'
            and {{ picklist_key('channel_map.source_type') }} = 'email'

),

resolved as (

    select
        keys.source_system,
        keys.source_campaign_key,
        case
            when keys.source_system = 'ads' then ad_resolved.campaign_key
            when keys.source_system = 'utm' and utm_ads.campaign_key is not null then utm_ads.campaign_key
            when mapped.campaign_key is not null then mapped.campaign_key
            when keys.source_system = 'salesforce' then salesforce_resolved.campaign_key
            when keys.source_system = 'hubspot_email' then email_resolved.campaign_key
        end as campaign_key,
        case
            when keys.source_system = 'ads' then ad_resolved.campaign_name
            when keys.source_system = 'utm' and utm_ads.campaign_key is not null then utm_ads.campaign_name
            when mapped.campaign_key is not null then mapped.campaign_name
            when keys.source_system = 'salesforce' then salesforce_resolved.campaign_name
            when keys.source_system = 'hubspot_email' then email_resolved.campaign_name
        end as campaign_name,
        case
            when keys.source_system = 'ads' then ad_resolved.channel
            when keys.source_system = 'utm' and utm_ads.campaign_key is not null then utm_ads.channel
            when mapped.campaign_key is not null then mapped.channel
            when keys.source_system = 'salesforce' then salesforce_resolved.channel
            when keys.source_system = 'hubspot_email' then email_resolved.channel
        end as channel,
        case
            when keys.source_system = 'ads' then ad_resolved.mapped_by
            when keys.source_system = 'utm' and utm_ads.campaign_key is not null then utm_ads.mapped_by
            when mapped.campaign_key is not null then mapped.mapped_by
            when salesforce_resolved.campaign_key is not null or email_resolved.campaign_key is not null
                then 'catalogue'
        end as mapped_by
    from keys
    left join mapped
        on keys.source_system = mapped.source_system
            and keys.source_campaign_key = mapped.source_campaign_key
    left join ad_resolved
        on keys.source_system = 'ads'
            and keys.source_campaign_key = ad_resolved.campaign_id
    left join utm_ads
        on keys.source_system = 'utm'
            and keys.source_campaign_key = utm_ads.utm_campaign
            and utm_ads.ad_rank = 1
    left join salesforce_resolved
        on keys.source_system = 'salesforce'
            and keys.source_campaign_key = salesforce_resolved.campaign_id
    left join email_resolved
        on keys.source_system = 'hubspot_email'
            and keys.source_campaign_key = email_resolved.email_campaign_id

),

final as (

    select
        resolved.source_system,
        resolved.source_campaign_key,
        coalesce(resolved.campaign_key, 'unmapped') as campaign_key,
        coalesce(resolved.campaign_name, 'Unmapped') as campaign_name,
        coalesce(resolved.channel, 'unmapped') as channel,
        coalesce(resolved.mapped_by, 'unmapped') as mapped_by,
        ad_click_utms.utm_campaign is not null as is_ad_click_utm,
        newest_load.load_id as _seen_up_to
    from resolved
    left join ad_click_utms
        on resolved.source_system = 'utm'
            and resolved.source_campaign_key = ad_click_utms.utm_campaign
    cross join newest_load

)

select * from final
