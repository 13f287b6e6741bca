{#- Every marketing handoff of a cohort month has exactly one outcome in fct_lead_handoff, and
    fct_lead_handoff and fct_funnel_monthly count the same handoffs. -#}
{{ config(tags=['kpi']) }}

with

scorecard as (

    select * from {{ ref('kpi_alignment_monthly') }}

),

final as (

    select
        report_month,
        marketing_handoffs,
        handoffs_accepted_on_time + handoffs_rejected_on_time + handoffs_ignored + handoffs_pending as handoff_outcomes
    from scorecard
    where marketing_handoffs
        <> handoffs_accepted_on_time + handoffs_rejected_on_time + handoffs_ignored + handoffs_pending

)

select * from final
