{#- Why sales turn marketing's leads down: per cohort month and reason code, the marketing
    handoffs sales rejected within the disposition window (fct_lead_handoff outcome
    'rejected'), their share of the month's marketing handoffs, and their share of the
    month's rejections. The worked example of docs/analyst-guide.md: a KPI added end to end
    (this model, its tests, metric handoff_rejection_rate, an expectation, a report tile). -#}
with

handoffs as {{ not_materialized() }} (

    select * from {{ ref('fct_lead_handoff') }}
    where sourced_by = 'marketing'

),

monthly_handoffs as (

    select
        cohort_month,
        count(*) as marketing_handoffs
    from handoffs
    group by cohort_month

),

rejections as (

    select
        cohort_month,
        coalesce(rejection_reason, 'unspecified') as rejection_reason,
        max(rejection_reason_description) as rejection_reason_description,
        count(*) as rejections
    from handoffs
    where outcome = 'rejected'
    group by
        cohort_month,
        coalesce(rejection_reason, 'unspecified')

),

final as (

    select
        rejections.cohort_month as report_month,
        rejections.rejection_reason,
        rejections.rejection_reason_description,
        rejections.rejections,
        monthly_handoffs.marketing_handoffs,
        {{ safe_divide('rejections.rejections', 'monthly_handoffs.marketing_handoffs') }} as rejection_rate,
        {{ safe_divide(
            'rejections.rejections',
            'sum(rejections.rejections) over (partition by rejections.cohort_month)',
        ) }} as share_of_rejections
    from rejections
    inner join monthly_handoffs
        on rejections.cohort_month = monthly_handoffs.cohort_month

)

select * from final
