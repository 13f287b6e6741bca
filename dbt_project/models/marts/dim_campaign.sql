with

campaigns as (

    select * from {{ ref('stg_salesforce__campaigns') }}
    where not is_deleted

),

campaign_members as (

    select * from {{ ref('stg_salesforce__campaign_members') }}
    where not is_deleted

),

campaign_touch_map as (

    select * from {{ ref('campaign_touch_map') }}

),

member_counts as (

    select
        campaign_id,
        count(*) as members,
        count(case when has_responded then 1 end) as responses
    from campaign_members
    group by campaign_id

),

final as (

    select
        campaigns.campaign_id,
        campaigns.campaign_name,
        campaigns.campaign_type,
        coalesce(campaign_touch_map.touch_type, 'unmapped') as touch_type,
        campaigns.campaign_status,
        campaigns.start_date,
        campaigns.end_date,
        campaigns.actual_cost,
        campaigns.currency_iso_code,
        coalesce(member_counts.members, 0) as members,
        coalesce(member_counts.responses, 0) as responses
    from campaigns
    left join campaign_touch_map
        on {{ picklist_key('campaigns.campaign_type') }} = {{ picklist_key('campaign_touch_map.campaign_type') }}
    left join member_counts
        on campaigns.campaign_id = member_counts.campaign_id

)

select * from final
