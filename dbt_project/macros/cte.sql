{#- An import CTE (a model's or source's rows, perhaps filtered) that several joins or unions
    read: `name as {{ not_materialized() }} (`. DuckDB materializes a CTE read more than once
    into a buffer, a copy of the whole table that no join's filter reaches; inlined, each
    reference scans the table with its own filters and join keys pushed down (at 1M leads
    int_touchpoints_unioned 2.2-2.4 s against 3.1-3.4 s, int_journeys_identified 1.4 against
    1.8-2.0 s: docs/performance.md, session 14). Not for a CTE that keeps a few rows of a large
    table (int_touches_unioned's incremental reads): those are cheaper kept than scanned again.
    PostgreSQL reads the same words; Spark has no such syntax and decides for itself. -#}
{% macro not_materialized() -%}
    {{ return(adapter.dispatch('not_materialized', 'alignment')()) }}
{%- endmacro %}

{% macro default__not_materialized() -%}
    not materialized
{%- endmacro %}

{% macro spark__not_materialized() -%}
{%- endmacro %}
