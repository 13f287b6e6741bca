{#- MetricFlow's time spine: one row per day (a date), wide enough for any company's history
    and plans. dbt.date_spine is dbt-core's own cross-database macro (no hub package). -#}
{{ config(materialized='table') }}

with days as (

    {{ dbt.date_spine(
        'day',
        "cast('2000-01-01' as date)",
        "cast('2041-01-01' as date)",
    ) }}

),

final as (

    select cast(date_day as date) as date_day
    from days

)

select * from final
