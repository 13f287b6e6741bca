{#- A table whose build writes only the rows that differ (docs/performance.md, "Tables
    rewritten by difference").

    A per-lead model rebuilt whole by every refresh may spend most of its time writing: at 1M
    leads fct_lead_funnel took 3.1 s as a table and 1.8 s written by difference. Where the
    table exists with the columns the model selects now, this materialization computes the
    model's rows as a table build would, compares each with the row of the same key the table
    holds (a 64-bit hash of every column, macros/digest.sql: row_digest) and deletes and
    inserts only the rows that are new, changed or gone. The table then holds exactly what a
    rebuild would: no input is trusted to say what changed, every row is compared.

    It pays where writing costs more than the comparison, a join of every row on the key
    carrying every column: not for the widest and longest tables at 10M leads under a 6 GB
    memory limit (fct_touchpoints 34.5 s against 24.5 s as a table), which stay tables.

    unique_key: the column (or list of columns) that is unique and not null in the model's
    rows, as its data tests check. A full refresh, a missing table or a change of its columns
    (a custom column new in raw) rebuild it whole, as materialized='table' does. Spark, whose
    tables cannot delete rows, rebuilds it whole (diffed_table() gives 'table' there). -#}
{% macro diffed_table() -%}
    {{ return(adapter.dispatch('diffed_table', 'alignment')()) }}
{%- endmacro %}

{% macro default__diffed_table() -%}
    {{ return('diffed_table') }}
{%- endmacro %}

{% macro spark__diffed_table() -%}
    {{ return('table') }}
{%- endmacro %}

{#- The model's rows that differ from the table's, and the table's keys the model has no row
    for: every column of the model (null for a gone key), _row_digest (null for a gone key)
    and the table's key columns as _built_<n>. names: the model's columns, quoted. -#}
{% macro rows_that_differ(model_sql, target, names, keys) -%}
    with

    model_rows as (

        select
            model_sql.*,
            {{ row_digest(names) }} as _row_digest
        from (
            {{ model_sql }}
        ) as model_sql

    ),

    built_rows as (

        select
            {%- for key in keys %}
            {{ adapter.quote(key) }},
            {%- endfor %}
            {{ row_digest(names) }} as _row_digest
        from {{ target }}

    )

    select
        model_rows.*
        {%- for key in keys %},
        built_rows.{{ adapter.quote(key) }} as _built_{{ loop.index }}
        {%- endfor %}
    from model_rows
    full outer join built_rows
        on {% for key in keys %}{% if not loop.first %} and {% endif -%}
            model_rows.{{ adapter.quote(key) }} = built_rows.{{ adapter.quote(key) }}
        {%- endfor %}
    where model_rows._row_digest is distinct from built_rows._row_digest
{%- endmacro %}

{#- A relation's or query's columns as "name type" strings (names lower case), in order. -#}
{% macro described_columns(columns) -%}
    {%- set described = [] -%}
    {%- for column in columns -%}
        {%- do described.append(column.name | lower ~ ' ' ~ column.dtype | lower) -%}
    {%- endfor -%}
    {{ return(described) }}
{%- endmacro %}

{% materialization diffed_table, default %}
    {%- set keys = config.require('unique_key') -%}
    {%- set keys = [keys] if keys is string else keys -%}
    {%- set existing_relation = load_cached_relation(this) -%}
    {%- set target_relation = this.incorporate(type='table') -%}
    {%- set intermediate_relation = make_intermediate_relation(target_relation) -%}
    {%- set backup_relation = make_backup_relation(
            target_relation, 'table' if existing_relation is none else existing_relation.type) -%}
    {{ drop_relation_if_exists(load_cached_relation(intermediate_relation)) }}
    {{ drop_relation_if_exists(load_cached_relation(backup_relation)) }}

    {%- set by_difference = existing_relation is not none and existing_relation.is_table
            and not should_full_refresh() -%}
    {%- if by_difference -%}
        {%- set columns = get_column_schema_from_query(compiled_code) -%}
        {%- set by_difference = described_columns(columns) == described_columns(
                get_column_schema_from_query('select * from ' ~ existing_relation)) -%}
    {%- endif -%}

    {{ run_hooks(pre_hooks, inside_transaction=False) }}
    {{ run_hooks(pre_hooks, inside_transaction=True) }}

    {%- if by_difference %}
        {%- set names = [] -%}
        {%- for column in columns -%}
            {%- do names.append(adapter.quote(column.name)) -%}
        {%- endfor -%}
        {%- set differences = make_temp_relation(target_relation, '__dbt_differences') -%}
        {% call statement('differences') -%}
            {{ create_table_as(True, differences,
                               rows_that_differ(compiled_code, target_relation, names, keys)) }}
        {%- endcall %}
        {%- set counted = run_query(
                'select count(_row_digest), count(*) - count(_row_digest) from ' ~ differences) -%}
        {%- do log('alignment: ' ~ this.schema ~ '.' ~ this.identifier ~ ' rewritten by difference: ' ~ counted.rows[0][0]
                   ~ ' rows written, ' ~ counted.rows[0][1] ~ ' gone', info=True) -%}
        {% call statement('differing_rows_deleted') -%}
            delete from {{ target_relation }}
            using {{ differences }} as differences
            where {% for key in keys %}{% if not loop.first %} and {% endif -%}
                {{ target_relation }}.{{ adapter.quote(key) }}
                    = coalesce(differences.{{ adapter.quote(key) }}, differences._built_{{ loop.index }})
            {%- endfor %}
        {%- endcall %}
        {% call statement('main') -%}
            insert into {{ target_relation }} ({{ names | join(', ') }})
            select {{ names | join(', ') }} from {{ differences }}
            where _row_digest is not null
        {%- endcall %}
        {% do adapter.drop_relation(differences) %}
    {%- else %}
        {% call statement('main') -%}
            {{ create_table_as(False, intermediate_relation, compiled_code) }}
        {%- endcall %}
        {%- if existing_relation is not none %}
            {{ adapter.rename_relation(existing_relation, backup_relation) }}
        {%- endif %}
        {{ adapter.rename_relation(intermediate_relation, target_relation) }}
    {%- endif %}

    {% do persist_docs(target_relation, model) %}
    {{ run_hooks(post_hooks, inside_transaction=True) }}
    {{ adapter.commit() }}
    {{ drop_relation_if_exists(backup_relation) }}
    {{ run_hooks(post_hooks, inside_transaction=False) }}
    {{ return({'relations': [target_relation]}) }}
{% endmaterialization %}
