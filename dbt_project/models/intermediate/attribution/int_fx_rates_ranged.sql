{#- seeds/fx_rates as validity ranges: a rate holds from its month to the currency's next row
    (exclusive); the first row of a currency also covers every earlier month. -#}

with

fx_rates as (

    select
        upper(trim(currency)) as currency,
        cast(rate_month as date) as rate_month,
        cast(rate_to_reporting as {{ type_double() }}) as rate_to_reporting
    from {{ ref('fx_rates') }}

),

ranged as (

    select
        currency,
        rate_month,
        rate_to_reporting,
        row_number() over (partition by currency order by rate_month) as rate_number,
        lead(rate_month) over (partition by currency order by rate_month) as next_rate_month
    from fx_rates

),

final as (

    select
        currency,
        case when rate_number = 1 then cast('1900-01-01' as date) else rate_month end as valid_from,
        coalesce(next_rate_month, cast('9999-12-31' as date)) as valid_to,
        rate_month,
        rate_to_reporting
    from ranged

)

select * from final
