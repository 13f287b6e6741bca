{#- A table whose build writes only the rows that differ (docs/performance.md, "Tables
    rewritten by difference").

    A per-lead model rebuilt whole by every refresh may spend most of its time writing: at 1M
    leads fct_lead_funnel took 3.1 s as a table and 1.8 s written by difference. Where the
    table exists with the columns the model selects now, this materialization computes the
    model's rows as a table build would, looks for each among the table's rows (the same two
    64-bit hashes of every column, taken in opposite orders, macros/digest.sql: row_digest)
    and deletes and inserts only the rows that are new, changed or gone. The table then holds
    exactly what a rebuild would: no input is trusted to say what changed, every row is
    compared.

    Rows are matched on their hashes alone, and a row of the table that no row of the model
    matches is deleted by its physical id (table_row_id), never by a key: when bad input makes
    the model give one key two different rows, the table gets both, as a rebuild would, and
    the key's unique test fails, instead of one row silently replacing the other. The one case
    a rebuild would differ in: rows identical in every column, which the table keeps as many
    times as it held them (a row it held once stays once when the model gives it twice).

    Matching on the hashes, not on a key and one hash, keeps the comparison's hash table
    small: at 10M leads fct_touchpoints' keys are two strings for each of 34M rows, and its
    comparison took 20.5-24.1 s on them against 10.2-10.4 s on the two hashes (session 25).

    It pays where writing costs more than the comparison, which carries every column of the
    model's rows: not for a model that computes much and writes little (fct_buying_group), nor
    one whose rows move with the as-of moment (fct_lead_handoff). A full refresh, a missing
    table or a change of its columns (a custom column new in raw) rebuild it whole, as
    materialized='table' does. Spark, whose tables cannot delete rows, rebuilds it whole
    (diffed_table() gives 'table' there).

    The rows a build wrote are marked: a model selects the newest load in raw as _seen_up_to
    (macros/incremental.sql: newest_load), and that column is left out of the comparison, so
    a row the model gives again unchanged keeps the mark of the build that wrote it. Its tests
    then check the rows written since the last tested build (valid_columns' load_column), and
    publication updates a published mart by the key of the rows marked after its last load
    (orchestration/publish.py).

    A model configured with gone_key (a column, journey_id) also records the keys whose rows
    went (macros/gone_rows.sql). -#}
{% macro diffed_table() -%}
    {{ return(adapter.dispatch('diffed_table', 'alignment')()) }}
{%- endmacro %}

{% macro default__diffed_table() -%}
    {{ return('diffed_table') }}
{%- endmacro %}

{% macro spark__diffed_table() -%}
    {{ return('table') }}
{%- endmacro %}

{#- A row's physical id in its table; stable within the build's transaction. -#}
{% macro table_row_id() -%}
    {{ return(adapter.dispatch('table_row_id', 'alignment')()) }}
{%- endmacro %}

{% macro default__table_row_id() -%}
    rowid
{%- endmacro %}

{% macro postgres__table_row_id() -%}
    ctid
{%- endmacro %}

{#- The model's rows that the table does not hold (every column and _row_digest), and the
    table's rows the model does not give (every column null but _built_row, the row's
    physical id). names: the model's columns compared, quoted; built_where: a condition on the
    table's rows, those the model's rows are compared with (all of them by default). -#}
{% macro rows_that_differ(model_sql, target, names, built_where=none) -%}
    with

    model_rows as (

        select
            model_sql.*,
            {{ row_digest(names) }} as _row_digest,
            {{ row_digest(names | reverse | list) }} as _row_digest_reversed
        from (
            {{ model_sql }}
        ) as model_sql

    ),

    built_rows as (

        select
            {{ table_row_id() }} as _built_row,
            {{ row_digest(names) }} as _row_digest,
            {{ row_digest(names | reverse | list) }} as _row_digest_reversed
        from {{ target }}
        {%- if built_where %}
        where {{ built_where }}
        {%- endif %}

    )

    select
        model_rows.*,
        built_rows._built_row
    from model_rows
    full outer join built_rows
        on model_rows._row_digest = built_rows._row_digest
            and model_rows._row_digest_reversed = built_rows._row_digest_reversed
    where model_rows._row_digest is null
        or built_rows._row_digest is null
{%- endmacro %}

{#- SQL: the table's rows that differ (rows_that_differ, in the table differences) deleted
    by their physical id, and the model's rows that differ inserted. -#}
{% macro differing_rows_replaced(differences, target, names) -%}
    delete from {{ target }}
    where {{ table_row_id() }} in (
        select _built_row from {{ differences }} where _built_row is not null
    );
    insert into {{ target }} ({{ names | join(', ') }})
    select {{ names | join(', ') }} from {{ differences }}
    where _row_digest is not null
{%- endmacro %}

{#- SQL, run before differing_rows_replaced: the keys (gone_key) of the table's rows that
    differ that none of the model's rows that differ holds, recorded gone (macros/gone_rows.sql):
    with the rows written, they are the keys whose rows changed. -#}
{% macro differing_keys_recorded(differences, target, key) -%}
    {{ gone_keys_recorded(
        target, key,
        table_row_id() ~ ' in (select _built_row from ' ~ differences ~ ' where _built_row is not null)',
        'select ' ~ key ~ ' from ' ~ differences ~ ' where _row_digest is not null') }}
{%- endmacro %}

{#- Logged: how many rows a build by difference wrote and deleted (tests and the benchmarks'
    readings count them). -#}
{% macro differences_logged(differences) -%}
    {%- set counted = run_query(
            'select count(_row_digest), count(_built_row) from ' ~ differences) -%}
    {%- do log('alignment: ' ~ this.schema ~ '.' ~ this.identifier ~ ' rewritten by difference: '
               ~ counted.rows[0][0] ~ ' rows written, ' ~ counted.rows[0][1]
               ~ ' deleted (changed or gone)', info=True) -%}
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
    {%- set existing_relation = load_cached_relation(this) -%}
    {%- set target_relation = this.incorporate(type='table') -%}
    {%- set intermediate_relation = make_intermediate_relation(target_relation) -%}
    {%- set backup_relation = make_backup_relation(
            target_relation, 'table' if existing_relation is none else existing_relation.type) -%}
    {{ drop_relation_if_exists(load_cached_relation(intermediate_relation)) }}
    {{ drop_relation_if_exists(load_cached_relation(backup_relation)) }}

    {%- set gone_key = config.get('gone_key') -%}
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
        {%- set compared = names | reject('equalto', adapter.quote('_seen_up_to')) | list -%}
        {%- set differences = make_temp_relation(target_relation, '__dbt_differences') -%}
        {% call statement('differences') -%}
            {{ create_table_as(True, differences,
                               rows_that_differ(compiled_code, target_relation, compared)) }}
        {%- endcall %}
        {%- do differences_logged(differences) -%}
        {%- if gone_key %}
        {% call statement('gone_keys_recorded') -%}
            {{ differing_keys_recorded(differences, target_relation, gone_key) }}
        {%- endcall %}
        {%- endif %}
        {% call statement('main') -%}
            {{ differing_rows_replaced(differences, target_relation, names) }}
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
        {%- if gone_key %}
        {% call statement('gone_rows_emptied') -%}
            {{ gone_rows_emptied(target_relation, gone_key) }}
        {%- endcall %}
        {%- endif %}
    {%- endif %}

    {% do persist_docs(target_relation, model) %}
    {{ run_hooks(post_hooks, inside_transaction=True) }}
    {{ adapter.commit() }}
    {{ drop_relation_if_exists(backup_relation) }}
    {{ run_hooks(post_hooks, inside_transaction=False) }}
    {{ return({'relations': [target_relation]}) }}
{% endmaterialization %}

{#- Incremental strategy by_difference (config incremental_strategy='by_difference', gone_key:
    the column by which a build computes rows again, journey_id). For a model incremental by
    journey whose builds compute again many journeys that come out as they were
    (fct_lead_funnel reads again every journey a load touches, fct_touchpoints every journey
    whose account may have moved): its pre-hook lists the keys it computes again
    (rebuilt_keys_listed, macros/incremental.sql), its SQL computes their rows, and of the
    table's rows of those keys only those that differ from the computed rows are deleted,
    and only the computed rows that differ inserted (compared as a table rewritten by
    difference compares, _seen_up_to left out). A row written is marked, one given again
    unchanged keeps its mark, and the keys of rows deleted that no row written holds are
    recorded gone (macros/gone_rows.sql): consumers, tests and publication read the keys
    whose rows changed, as they read a table rewritten by difference's. With config
    null_keys_rebuilt, the rows without a key (int_conversions_listed's opportunities no lead
    was converted into) are computed again by every build and compared as well. -#}
{% macro get_incremental_by_difference_sql(arg_dict) -%}
    {%- set target = arg_dict['target_relation'] -%}
    {%- set computed = arg_dict['temp_relation'] -%}
    {%- set key = config.get('gone_key') -%}
    {%- set names = [] -%}
    {%- for column in arg_dict['dest_columns'] -%}
        {%- do names.append(adapter.quote(column.name)) -%}
    {%- endfor -%}
    {%- set compared = names | reject('equalto', adapter.quote('_seen_up_to')) | list -%}
    {%- set rebuilt = key ~ ' in (select ' ~ key ~ ' from ' ~ rebuilt_keys(target) ~ ')' -%}
    {%- if config.get('null_keys_rebuilt') -%}
        {%- set rebuilt = '(' ~ rebuilt ~ ' or ' ~ key ~ ' is null)' -%}
    {%- endif -%}
    {%- set differences = make_temp_relation(target, '__dbt_differences') -%}
    {%- do run_query(create_table_as(True, differences, rows_that_differ(
            'select * from ' ~ computed, target, compared, built_where=rebuilt))) -%}
    {%- do differences_logged(differences) -%}
    {{ differing_keys_recorded(differences, target, key) }};
    {{ differing_rows_replaced(differences, target, names) }};
    drop table {{ differences }}
{%- endmacro %}
