{#- Spreading campaign costs over months and summing ad spend per month loses and adds
    nothing: the monthly spend adds up to the ad-spend rows plus the actual cost of every
    Salesforce campaign with a date. -#}
{{ config(tags=['kpi'], meta={'dagster': {'ref': {'name': 'fct_campaign_spend_monthly'}}}) }}

with

monthly as (

    select * from {{ ref('fct_campaign_spend_monthly') }}

),

ad_spend as (

    select * from {{ ref('stg_ads__spend') }}

),

campaigns as (

    select * from {{ ref('stg_salesforce__campaigns') }}
    where not is_deleted

),

monthly_total as (

    select coalesce(sum(spend), 0) as spend
    from monthly

),

ad_total as (

    select coalesce(sum(spend), 0) as spend
    from ad_spend
    where spend_date is not null

),

campaign_total as (

    select coalesce(sum(actual_cost), 0) as spend
    from campaigns
    where coalesce(start_date, end_date) is not null

),

totals as (

    select
        monthly_total.spend as monthly_spend,
        ad_total.spend + campaign_total.spend as source_spend
    from monthly_total
    cross join ad_total
    cross join campaign_total

),

final as (

    select *
    from totals
    where abs(monthly_spend - source_spend) > 0.01

)

select * from final
