{#- A benchmark row for a KPI the scorecard does not have would silently judge nothing. -#}
{{ config(tags=['kpi']) }}

with

benchmarks as (

    select * from {{ ref('alignment_benchmarks') }}

),

final as (

    select kpi
    from benchmarks
    where kpi not in ({{ sql_values(scorecard_kpis()) }})

)

select * from final
