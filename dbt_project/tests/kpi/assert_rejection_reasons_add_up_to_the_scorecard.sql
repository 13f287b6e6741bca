{#- The rejections by reason add up to the scorecard's on-time rejections of each month, and
    every rate is a share. Returns the months that break it. -#}
{{ config(meta={'dagster': {'ref': {'name': 'kpi_rejection_reasons_monthly'}}}) }}
with

reasons as (

    select * from {{ ref('kpi_rejection_reasons_monthly') }}

),

scorecard as (

    select * from {{ ref('kpi_alignment_monthly') }}

),

by_month as (

    select
        report_month,
        sum(rejections) as rejections,
        min(rejection_rate) as lowest_rate,
        max(rejection_rate) as highest_rate,
        sum(share_of_rejections) as shares
    from reasons
    group by report_month

),

final as (

    select
        scorecard.report_month,
        scorecard.handoffs_rejected_on_time,
        by_month.rejections
    from scorecard
    left join by_month
        on scorecard.report_month = by_month.report_month
    where coalesce(by_month.rejections, 0) <> scorecard.handoffs_rejected_on_time
        or by_month.lowest_rate < 0
        or by_month.highest_rate > 1
        or abs(by_month.shares - 1) > 1e-9

)

select * from final
