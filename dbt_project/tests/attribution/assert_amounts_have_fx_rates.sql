{#- Warn only: spend and opportunity amounts in a currency other than the reporting one with
    no row in seeds/fx_rates.csv. They are not converted (null), and the marts' sums that hold
    them are null (macros/currency.sql); add the currency's rates. -#}
{{ config(severity='warn', meta={'dagster': {'ref': {'name': 'int_campaign_spend_converted'}}}) }}

with

unconverted as (

    select 'spend' as amount_of, currency, spend_month as amount_month
    from {{ ref('int_campaign_spend_converted') }}
    where spend is null and spend_original is not null

    union all

    select
        'opportunity' as amount_of,
        upper(trim(currency_iso_code)) as currency,
        coalesce(cast({{ dbt.date_trunc('month', 'close_date') }} as date), created_month) as amount_month
    from {{ ref('fct_opportunities') }}
    where amount_converted is null and amount is not null

),

final as (

    select amount_of, currency, count(*) as amounts, min(amount_month) as first_month
    from unconverted
    group by amount_of, currency

)

select * from final
