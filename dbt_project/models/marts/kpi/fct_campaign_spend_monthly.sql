{#- Marketing spend per month and campaign, and whether the campaign can show a lead for it.
    Two sources: ad-platform spend (stg_ads__spend, in the month of the spend date) and the
    actual cost of Salesforce campaigns, spread in equal parts over the calendar months from
    the campaign's start date to its end date (a missing date: the other one's month alone; an
    end before the start: the start month alone; no dates: not spread, left out). Dates are
    calendar dates as the systems record them, not converted between time zones. Amounts are in
    each row's currency (spend), and in the reporting currency at the FX rate of the spend month
    (spend_converted; null when the currency has no rate). A campaign is attributable when at least one lead journey has a touch on it,
    at any time up to the as-of moment: a response to the Salesforce campaign (a campaign
    member who responded, on a lead or on a contact converted from one), or a HubSpot form
    submitted on a page whose URL carries the ad campaign's utm_campaign. -#}

with

ad_spend as (

    select * from {{ ref('stg_ads__spend') }}

),

campaigns as (

    select * from {{ ref('stg_salesforce__campaigns') }}
    where not is_deleted

),

touches as {{ not_materialized() }} (

    select * from {{ ref('int_touches_unioned') }}

),

fx_rates as (

    select * from {{ ref('int_fx_rates_ranged') }}

),

numbers as (

    {{ dbt.generate_series(1200) }}

),

-- a form's utm_campaign is that of its page URL, parsed once where the touch is made
-- (int_touches_unioned), as attribution reads it
ad_campaign_leads as (

    select
        utm_campaign,
        count(distinct journey_id) as attributed_journeys
    from touches
    where touch_source = 'hubspot_form'
        and utm_campaign is not null
    group by utm_campaign

),

salesforce_campaign_leads as (

    select
        touch_detail as campaign_id,
        count(distinct journey_id) as attributed_journeys
    from touches
    where touch_source = 'salesforce_campaign'
    group by touch_detail

),

ad_months as (

    select
        cast({{ dbt.date_trunc('month', 'spend_date') }} as date) as spend_month,
        platform,
        campaign_id,
        currency,
        max(campaign_name) as campaign_name,
        lower(max(utm_campaign)) as utm_campaign,
        sum(spend) as spend
    from ad_spend
    where spend_date is not null
    group by
        cast({{ dbt.date_trunc('month', 'spend_date') }} as date),
        platform,
        campaign_id,
        currency

),

ad_rows as (

    select
        ad_months.spend_month,
        'ad_platform' as spend_source,
        ad_months.platform,
        ad_months.campaign_id,
        ad_months.campaign_name,
        ad_months.currency,
        ad_months.spend,
        coalesce(ad_campaign_leads.attributed_journeys, 0) as attributed_journeys
    from ad_months
    left join ad_campaign_leads
        on ad_months.utm_campaign = ad_campaign_leads.utm_campaign

),

campaign_spans as (

    select
        campaign_id,
        campaign_name,
        currency_iso_code,
        actual_cost,
        cast({{ dbt.date_trunc('month', 'coalesce(start_date, end_date)') }} as date) as first_month,
        -- an end before the start (or no end): the start month
        cast({{ dbt.date_trunc(
            'month',
            'case when end_date >= start_date or start_date is null then end_date else start_date end',
        ) }} as date) as last_month
    from campaigns
    where actual_cost is not null
        and coalesce(start_date, end_date) is not null

),

campaign_months as (

    select
        campaign_id,
        campaign_name,
        currency_iso_code,
        actual_cost,
        first_month,
        {{ dbt.datediff('first_month', 'last_month', 'month') }} + 1 as months
    from campaign_spans

),

campaign_rows as (

    select
        cast(
            {{ dbt.dateadd('month', 'numbers.generated_number - 1', 'campaign_months.first_month') }} as date
        ) as spend_month,
        'salesforce_campaign' as spend_source,
        'salesforce' as platform,
        campaign_months.campaign_id,
        campaign_months.campaign_name,
        campaign_months.currency_iso_code as currency,
        campaign_months.actual_cost / campaign_months.months as spend,
        coalesce(salesforce_campaign_leads.attributed_journeys, 0) as attributed_journeys
    from campaign_months
    inner join numbers
        on campaign_months.months >= numbers.generated_number
    left join salesforce_campaign_leads
        on campaign_months.campaign_id = salesforce_campaign_leads.campaign_id

),

unioned as (

    select * from ad_rows
    union all
    select * from campaign_rows

),

final as (

    select
        unioned.spend_month,
        unioned.spend_source,
        unioned.platform,
        unioned.campaign_id,
        unioned.campaign_name,
        unioned.currency,
        unioned.spend,
        fx_rates.rate_to_reporting as fx_rate,
        {{ to_reporting_currency('unioned.spend', 'unioned.currency', 'fx_rates.rate_to_reporting') }} as spend_converted,
        unioned.attributed_journeys,
        unioned.attributed_journeys > 0 as is_attributable
    from unioned
    left join fx_rates
        on upper(trim(unioned.currency)) = fx_rates.currency
            and unioned.spend_month >= fx_rates.valid_from
            and unioned.spend_month < fx_rates.valid_to

)

select * from final
