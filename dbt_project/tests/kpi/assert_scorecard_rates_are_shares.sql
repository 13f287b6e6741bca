{#- Rates and shares of the scorecard lie in [0, 1], and no count exceeds the count it is a
    part of. -#}
{{ config(tags=['kpi']) }}

{%- set rates = [
    'acceptance_rate', 'sales_sourced_lead_share', 'sales_sourced_pipeline_share',
    'sla_compliance_rate', 'mql_to_sql_rate', 'sql_to_won_rate', 'unattributed_spend_share',
] -%}

with

scorecard as (

    select * from {{ ref('kpi_alignment_monthly') }}

),

final as (

    select report_month
    from scorecard
    where marketing_accepted > marketing_handoffs
        or handoffs_sla_met > handoffs_sla_due
        or marketing_handoffs > marketing_mqls
        or marketing_mqls > marketing_leads{% for rate in rates %}
        or {{ rate }} < 0
        or {{ rate }} > 1{% endfor %}

)

select * from final
