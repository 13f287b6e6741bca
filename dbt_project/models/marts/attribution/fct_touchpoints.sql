{#- Every identified touch of a person, marketing and sales (int_touchpoints_unioned), with its
    canonical campaign and channel (int_campaign_keys_mapped): a key no map or catalogue knows
    counts under campaign `unmapped`; a touch with no campaign key at all (a form without
    utm_campaign, a sales activity) under `no_campaign`, its channel by touch kind
    (campaign_channel_map). No touch is dropped.

    Rewritten by difference (macros/diffed_table.sql); _seen_up_to: the newest load in raw
    when the row was written, by which publication updates the published copy by touch
    (unique_key) instead of writing it whole, and fct_attribution finds the journeys whose
    touches changed (with intermediate.fct_touchpoints__gone, the journeys whose touches went:
    gone_key). -#}
{{ config(materialized=diffed_table(), unique_key=['journey_id', 'touch_id'], gone_key='journey_id') }}

with

touches as (

    select * from {{ ref('int_touchpoints_unioned') }}

),

campaign_keys as (

    select * from {{ ref('int_campaign_keys_mapped') }}

),

journeys as (

    select journey_id, account_id from {{ ref('fct_lead_funnel') }}

),

newest_load as (

    {{ newest_load() }}

),

channel_map as (

    select * from {{ ref('campaign_channel_map') }}
    where {{ picklist_key('source_system') }} = 'no_campaign'

),

final as (

    select
        touches.touch_id,
        touches.journey_id,
        journeys.account_id,
        touches.touched_at,
        {{ reporting_month('touches.touched_at') }} as touch_month,
        touches.touch_kind,
        touches.touch_source,
        touches.touch_kind in ('sales_task', 'sales_meeting') as is_sales_touch,
        touches.utm_source,
        touches.utm_medium,
        touches.utm_campaign,
        touches.source_system,
        touches.source_campaign_key,
        case
            when touches.source_campaign_key is null then 'no_campaign'
            else coalesce(campaign_keys.campaign_key, 'unmapped')
        end as campaign_key,
        case
            when touches.source_campaign_key is null then 'No campaign'
            else coalesce(campaign_keys.campaign_name, 'Unmapped')
        end as campaign_name,
        case
            when touches.source_campaign_key is null then coalesce(channel_map.channel, 'unmapped')
            else coalesce(campaign_keys.channel, 'unmapped')
        end as channel,
        case
            when touches.source_campaign_key is null then 'no_campaign'
            else coalesce(campaign_keys.mapped_by, 'unmapped')
        end as mapped_by,
        touches.touch_detail,
        newest_load.load_id as _seen_up_to
    from touches
    left join journeys
        on touches.journey_id = journeys.journey_id
    left join campaign_keys
        on touches.source_system = campaign_keys.source_system
            and touches.source_campaign_key = campaign_keys.source_campaign_key
    left join channel_map
        on touches.touch_kind = {{ picklist_key('channel_map.source_type') }}
    cross join newest_load

)

select * from final
