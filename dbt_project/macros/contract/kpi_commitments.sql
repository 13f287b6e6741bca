{#- The commitments of [version.commitments] in seeds/lead_definitions.toml, as columns of
    contract.lead_definition_versions (null: not agreed). Mirrors COMMITMENTS in
    orchestration/contract.py; tests/test_kpi_contract.py keeps the two in step. -#}
{% macro kpi_commitments() -%}
    {{ return([
        'min_sales_ready_leads_per_month',
        'min_acceptance_rate',
        'max_cost_per_sales_ready_lead',
        'min_sla_compliance_rate',
        'max_days_unworked',
    ]) }}
{%- endmacro %}

{#- The current moment as a UTC timestamp without time zone, whatever the session's time
    zone: landing times are kept that way. -#}
{% macro utc_now() -%}
    {{ return(adapter.dispatch('utc_now', 'alignment')()) }}
{%- endmacro %}

{% macro default__utc_now() -%}
    {{ dbt.current_timestamp_in_utc_backcompat() }}
{%- endmacro %}

{% macro duckdb__utc_now() -%}
    cast(timezone('UTC', now()) as timestamp)
{%- endmacro %}

{% macro postgres__utc_now() -%}
    cast(now() at time zone 'UTC' as timestamp)
{%- endmacro %}

{% macro spark__utc_now() -%}
    to_utc_timestamp(current_timestamp(), current_timezone())
{%- endmacro %}
