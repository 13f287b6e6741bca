{#- Every identified touch of a lead journey that attribution credits, one row per journey and
    touch, with the campaign key its source system gives it (mapped to a canonical campaign in
    int_campaign_keys_mapped):
    - HubSpot form submissions, with utm_source / utm_medium / utm_campaign of the page URL; a
      form whose utm_campaign is the utm_campaign of an ad-platform campaign is an ad click
      that landed on the form (touch kind ad_click), any other a form_submission;
    - HubSpot e-mail clicks (opens are no attribution touch), keyed by e-mail campaign;
    - Salesforce campaign responses (webinars, events, content, ...), keyed by campaign id;
    - sales tasks and meetings (int_sales_touches_unioned), which carry no campaign.
    Journeys are resolved once, upstream (int_touches_unioned, int_sales_touches_unioned).

    A view: fct_touchpoints, which keeps every row of it, and the campaign keys
    (int_campaign_keys_mapped) read it once each, and writing it cost more than computing it
    twice (docs/performance.md, session 18). fct_touchpoints' tests hold its keys. -#}
{{ config(materialized='view') }}

with

touches as {{ not_materialized() }} (

    select * from {{ ref('int_touches_unioned') }}

),

sales_touches as (

    select * from {{ ref('int_sales_touches_unioned') }}

),

ad_spend as (

    select * from {{ ref('stg_ads__spend') }}

),

ad_utm_campaigns as (

    select distinct lower(utm_campaign) as utm_campaign
    from ad_spend
    where utm_campaign is not null

),

form_touches as (

    select * from touches
    where touch_source = 'hubspot_form'

),

forms as (

    select
        form_touches.touch_id,
        form_touches.journey_id,
        form_touches.touched_at,
        case when ad_utm_campaigns.utm_campaign is not null then 'ad_click' else 'form_submission' end as touch_kind,
        form_touches.touch_source,
        form_touches.utm_source,
        form_touches.utm_medium,
        form_touches.utm_campaign,
        case when form_touches.utm_campaign is not null then 'utm' end as source_system,
        form_touches.utm_campaign as source_campaign_key,
        form_touches.touch_detail
    from form_touches
    left join ad_utm_campaigns
        on form_touches.utm_campaign = ad_utm_campaigns.utm_campaign

),

email_clicks as (

    select
        touches.touch_id,
        touches.journey_id,
        touches.touched_at,
        'email_click' as touch_kind,
        touches.touch_source,
        cast(null as {{ dbt.type_string() }}) as utm_source,
        cast(null as {{ dbt.type_string() }}) as utm_medium,
        cast(null as {{ dbt.type_string() }}) as utm_campaign,
        case when touches.touch_detail is not null then 'hubspot_email' end as source_system,
        touches.touch_detail as source_campaign_key,
        touches.touch_detail
    from touches
    where touches.touch_source = 'hubspot_email'
        and touches.email_event_type = 'CLICK'

),

campaign_responses as (

    select
        touch_id,
        journey_id,
        touched_at,
        'campaign_response' as touch_kind,
        touch_source,
        cast(null as {{ dbt.type_string() }}) as utm_source,
        cast(null as {{ dbt.type_string() }}) as utm_medium,
        cast(null as {{ dbt.type_string() }}) as utm_campaign,
        case when touch_detail is not null then 'salesforce' end as source_system,
        touch_detail as source_campaign_key,
        touch_detail
    from touches
    where touch_source = 'salesforce_campaign'

),

sales_activities as (

    select
        {{ dbt.concat(["'salesforce_'", "activity_type", "':'", "activity_id"]) }} as touch_id,
        journey_id,
        touched_at,
        case activity_type when 'event' then 'sales_meeting' else 'sales_task' end as touch_kind,
        {{ dbt.concat(["'salesforce_'", "activity_type"]) }} as touch_source,
        cast(null as {{ dbt.type_string() }}) as utm_source,
        cast(null as {{ dbt.type_string() }}) as utm_medium,
        cast(null as {{ dbt.type_string() }}) as utm_campaign,
        cast(null as {{ dbt.type_string() }}) as source_system,
        cast(null as {{ dbt.type_string() }}) as source_campaign_key,
        owner_id as touch_detail
    from sales_touches

),

final as (

    select * from forms
    union all
    select * from email_clicks
    union all
    select * from campaign_responses
    union all
    select * from sales_activities

)

select * from final
