{#- Every identified touch of a person, marketing and sales (int_touchpoints_unioned), with its
    canonical campaign and channel (int_campaign_keys_mapped): a key no map or catalogue knows
    counts under campaign `unmapped`; a touch with no campaign key at all (a form without
    utm_campaign, a sales activity) under `no_campaign`, its channel by touch kind
    (campaign_channel_map). No touch is dropped.

    Incremental by journey (macros/attribution.sql: touchpoint_journeys_to_rebuild): a
    touch's row follows from its touch (int_touches_unioned, int_sales_touches_unioned), its
    journey's account (fct_lead_funnel) and its campaign key's mapping and whether ad spend
    carries its utm_campaign (int_campaign_keys_mapped; the seeds are every touch's, and a
    build after they change rebuilds everything: orchestration/build_state.py), so a build
    computes again the journeys with a row of those written or gone since its newest load,
    and those with a touch whose key was mapped again, and writes the rows that differ
    from the built ones (by_difference, macros/diffed_table.sql). It was a table rewritten by
    difference until session 32: 33.6M touches computed and compared every day at 10M
    leads. _seen_up_to: the newest load in raw when the row was written, by which
    publication updates the published copy by touch (unique_key) instead of writing it
    whole, and fct_attribution finds the journeys whose touches changed (with
    intermediate.fct_touchpoints__gone, the journeys whose touches went: gone_key). -#}
-- depends_on: {{ ref('int_touches_unioned') }}, {{ ref('int_sales_touches_unioned') }}
{{ config(
    materialized=incremental_fact(),
    unique_key=['journey_id', 'touch_id'],
    incremental_strategy='by_difference',
    gone_key='journey_id',
    pre_hook="{{ rebuilt_keys_listed(touchpoint_journeys_to_rebuild()) }}",
    post_hook="{{ gone_rows_emptied_by_a_full_build() }}",
) }}

with

{%- if is_incremental() %}

rebuilt_journeys as (

    select journey_id from {{ rebuilt_keys(this) }}

),
{%- endif %}

touches as (

    select * from {{ ref('int_touchpoints_unioned') }}
    {%- if is_incremental() %}
    where journey_id in (select rebuilt_journeys.journey_id from rebuilt_journeys)
    {%- endif %}

),

campaign_keys as (

    select * from {{ ref('int_campaign_keys_mapped') }}

),

journeys as (

    select journey_id, account_id from {{ ref('fct_lead_funnel') }}
    {%- if is_incremental() %}
    where journey_id in (select rebuilt_journeys.journey_id from rebuilt_journeys)
    {%- endif %}

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
