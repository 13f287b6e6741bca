{#- The reporting months of the KPI marts: every month of the reporting time zone from the
    first month with a lead, an opportunity or ad spend up to the month of the as-of moment,
    months without any data included (their rates are null, their counts 0), at most the
    1,200 months up to the as-of moment's: counted back from it, so a record dated 1900
    leaves the months it cannot reach out (tests/kpi/assert_records_fall_within_the_reported_months
    lists them), never the present. Each month's bounds are given in UTC (local midnights),
    and whether the month was over at the as-of moment. -#}

with

as_of as (

    select * from {{ ref('int_kpi_as_of') }}

),

funnel as (

    select * from {{ ref('fct_lead_funnel') }}

),

opportunities as (

    select * from {{ ref('fct_opportunities') }}

),

ad_spend as (

    select * from {{ ref('stg_ads__spend') }}

),

numbers as (

    {{ dbt.generate_series(1200) }}

),

first_months as (

    select min({{ reporting_month('created_at') }}) as first_month from funnel
    union all
    select min({{ reporting_month('created_at') }}) from opportunities
    union all
    select min(cast({{ dbt.date_trunc('month', 'spend_date') }} as date)) from ad_spend

),

bounds as (

    select
        min(first_months.first_month) as first_month,
        max({{ reporting_month('as_of.as_of_at') }}) as last_month,
        max(as_of.as_of_at) as as_of_at
    from first_months
    cross join as_of

),

months as (

    select
        cast({{ dbt.dateadd('month', '1 - numbers.generated_number', 'bounds.last_month') }} as date) as report_month,
        bounds.first_month,
        bounds.as_of_at
    from bounds
    cross join numbers

),

-- local midnights of the month's first day and of the next month's, as UTC
{%- set month_start = 'cast(report_month as ' ~ dbt.type_timestamp() ~ ')' %}
{%- set next_month_start = 'cast(' ~ dbt.dateadd('month', 1, 'report_month') ~ ' as ' ~ dbt.type_timestamp() ~ ')' %}
bounded as (

    select
        report_month,
        {{ from_reporting_timezone(month_start) }} as month_start_at,
        {{ from_reporting_timezone(next_month_start) }} as month_end_at,
        as_of_at
    from months
    where report_month >= first_month

),

final as (

    select
        report_month,
        month_start_at,
        month_end_at,
        month_end_at <= as_of_at as is_complete_month
    from bounded

)

select * from final
