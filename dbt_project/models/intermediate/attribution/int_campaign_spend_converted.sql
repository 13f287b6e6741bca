{#- Marketing spend per month and source campaign (fct_campaign_spend_monthly: ad platforms by
    spend day, Salesforce campaign ActualCost spread over its months), with the canonical
    campaign it belongs to (int_campaign_keys_mapped) and the amount in the reporting currency
    (var attribution.reporting_currency) at the rate of the spend month (seeds/fx_rates, as
    fct_campaign_spend_monthly converts it). -#}

with

spend as (

    select * from {{ ref('fct_campaign_spend_monthly') }}

),

campaign_keys as (

    select * from {{ ref('int_campaign_keys_mapped') }}

),

keyed as (

    select
        spend.spend_month,
        spend.spend_source,
        spend.platform,
        case when spend.spend_source = 'ad_platform' then 'ads' else 'salesforce' end as source_system,
        spend.campaign_id as source_campaign_key,
        spend.campaign_name as source_campaign_name,
        upper(trim(spend.currency)) as currency,
        spend.spend as spend_original,
        spend.fx_rate,
        spend.spend_converted
    from spend

),

final as (

    select
        keyed.spend_month,
        keyed.spend_source,
        keyed.platform,
        keyed.source_system,
        keyed.source_campaign_key,
        keyed.source_campaign_name,
        coalesce(campaign_keys.campaign_key, 'unmapped') as campaign_key,
        coalesce(campaign_keys.campaign_name, 'Unmapped') as campaign_name,
        coalesce(campaign_keys.channel, 'unmapped') as channel,
        keyed.currency,
        keyed.spend_original,
        keyed.fx_rate,
        keyed.spend_converted as spend
    from keyed
    left join campaign_keys
        on keyed.source_system = campaign_keys.source_system
            and keyed.source_campaign_key = campaign_keys.source_campaign_key

)

select * from final
