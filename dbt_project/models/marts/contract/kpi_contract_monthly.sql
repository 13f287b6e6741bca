{#- The monthly commitments of the KPI contract beside the figures they judge: one row per
    complete reporting month, with the commitments of the lead definition version in force on
    the month's first day (null: not agreed, or no version yet). The suites in expectations/
    compare each figure with its commitment; a month still running is not judged. -#}

with

scorecard as (

    select * from {{ ref('kpi_alignment_monthly') }}
    where is_complete_month

),

months as (

    select * from {{ ref('int_kpi_months') }}

),

versions as (

    select * from {{ ref('int_lead_definitions_in_force') }}

),

final as (

    select
        scorecard.report_month,
        versions.definition_version,
        scorecard.marketing_handoffs as sales_ready_leads,
        versions.min_sales_ready_leads_per_month,
        scorecard.acceptance_rate,
        versions.min_acceptance_rate,
        scorecard.spend,
        scorecard.cost_per_sales_ready_lead,
        versions.max_cost_per_sales_ready_lead,
        scorecard.handoffs_sla_due,
        scorecard.handoffs_sla_met,
        scorecard.sla_compliance_rate,
        versions.min_sla_compliance_rate
    from scorecard
    inner join months
        on scorecard.report_month = months.report_month
    left join versions
        on months.month_start_at >= versions.effective_from
        and (versions.effective_to is null or months.month_start_at < versions.effective_to)

)

select * from final
