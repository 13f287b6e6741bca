{#- The pool of the last monthly snapshot (taken at the as-of moment) is the pool now. -#}
{{ config(tags=['kpi'], meta={'dagster': {'ref': {'name': 'fct_nurture_pool_monthly'}}}) }}

with

stays as (

    select * from {{ ref('fct_nurture_pool') }}

),

snapshots as (

    select * from {{ ref('fct_nurture_pool_monthly') }}

),

pool_now as (

    select count(*) as pool_size
    from stays
    where is_in_pool

),

last_month as (

    select max(report_month) as report_month
    from snapshots

),

last_snapshot as (

    select snapshots.pool_size
    from snapshots
    inner join last_month
        on snapshots.report_month = last_month.report_month

),

final as (

    select
        pool_now.pool_size,
        last_snapshot.pool_size as snapshot_pool_size
    from pool_now
    cross join last_snapshot
    where pool_now.pool_size <> last_snapshot.pool_size

)

select * from final
