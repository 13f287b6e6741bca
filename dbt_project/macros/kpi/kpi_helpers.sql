{#- Helpers of the alignment KPI marts (models/marts/kpi). -#}

{#- The column of fct_lead_funnel that holds the moment a lead was handed to sales:
    handed_over_at (the sales-ready moment) when the funnel has it, else mql_at (funnels built
    before the sales-ready lead existed). When the columns cannot be read (parsing, a unit
    test's fixture), handed_over_at. -#}
{% macro funnel_handoff_column() -%}
    {{ return(funnel_column_or('handed_over_at', 'mql_at')) }}
{%- endmacro %}

{#- `column` when fct_lead_funnel has it (or its columns cannot be read), else `fallback` (an
    SQL expression). -#}
{% macro funnel_column_or(column, fallback) -%}
    {#- a unit test's ref is its fixture, which has no columns to read -#}
    {%- if execute and model.resource_type != 'unit_test' -%}
        {%- set relation = load_relation(ref('fct_lead_funnel')) -%}
        {%- if relation is not none -%}
            {%- set names = adapter.get_columns_in_relation(relation) | map(attribute='name') | map('lower') | list -%}
            {%- if names and column | lower not in names -%}
                {{ return(fallback) }}
            {%- endif -%}
        {%- endif -%}
    {%- endif -%}
    {{ return(column) }}
{%- endmacro %}

{#- The scorecard KPIs (columns of kpi_alignment_monthly) that get a benchmark class column
    <kpi>_class from seeds/alignment_benchmarks.csv. A benchmark row must name one of them. -#}
{% macro scorecard_kpis() -%}
    {{ return([
        'acceptance_rate',
        'sales_sourced_lead_share',
        'sales_sourced_pipeline_share',
        'sla_compliance_rate',
        'median_response_minutes',
        'mql_to_sql_rate',
        'sql_to_won_rate',
        'cost_per_lead',
        'cost_per_sales_ready_lead',
        'cost_per_lead_change',
        'revenue_growth',
    ]) }}
{%- endmacro %}

{#- 'best_in_class', 'average' or 'laggard' of a value against a benchmark row: when higher is
    better, at or above the best-in-class threshold is best in class and at or below the
    laggard threshold a laggard; mirrored when lower is better. Null value or no benchmark:
    null. -#}
{% macro benchmark_class(value, best_in_class_threshold, laggard_threshold, better_when) -%}
    case
        when {{ value }} is null or {{ better_when }} is null then null
        when {{ better_when }} = 'higher' and {{ value }} >= {{ best_in_class_threshold }} then 'best_in_class'
        when {{ better_when }} = 'higher' and {{ value }} <= {{ laggard_threshold }} then 'laggard'
        when {{ better_when }} = 'lower' and {{ value }} <= {{ best_in_class_threshold }} then 'best_in_class'
        when {{ better_when }} = 'lower' and {{ value }} >= {{ laggard_threshold }} then 'laggard'
        else 'average'
    end
{%- endmacro %}

{#- A number as text with a fixed number of decimals (for evidence sentences). -#}
{% macro format_number(expression, scale=2) -%}
    cast(cast({{ expression }} as decimal(38, {{ scale }})) as {{ dbt.type_string() }})
{%- endmacro %}

{#- What the nurture stays (int_nurture_stays) read, by journey: the funnel row, the sales and
    the marketing touches, models that mark the rows they write and record the journeys whose
    rows went (gone_key), so that an incremental build finds the journeys whose stays may have
    changed (macros/incremental.sql: journeys_written_or_gone). fct_lead_funnel writes only
    the journeys whose row differs (by_difference): a journey whose score alone changed is
    computed again too. -#}
{% macro nurture_inputs() -%}
    {{ return(['fct_lead_funnel', 'int_sales_touches_unioned', 'int_touches_unioned']) }}
{%- endmacro %}
