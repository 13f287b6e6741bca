{#- A UTC timestamp (without time zone) as wall-clock time in the reporting time zone
    (var reporting_timezone), still without time zone. UTC needs no conversion. -#}
{% macro to_reporting_timezone(expression) -%}
    {%- set tz = var('reporting_timezone', 'UTC') -%}
    {%- if tz | upper == 'UTC' -%}
        {{ expression }}
    {%- else -%}
        {{ return(adapter.dispatch('to_reporting_timezone', 'alignment')(expression, tz)) }}
    {%- endif -%}
{%- endmacro %}

{% macro default__to_reporting_timezone(expression, tz) -%}
    (({{ expression }}) at time zone 'UTC') at time zone '{{ tz }}'
{%- endmacro %}

{% macro duckdb__to_reporting_timezone(expression, tz) -%}
    timezone('{{ tz }}', timezone('UTC', {{ expression }}))
{%- endmacro %}

{% macro spark__to_reporting_timezone(expression, tz) -%}
    from_utc_timestamp({{ expression }}, '{{ tz }}')
{%- endmacro %}
