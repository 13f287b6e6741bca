{#- Gone keys (docs/performance.md, "Gone keys"). A table whose builds mark the rows they
    write (_seen_up_to: the newest load in raw) tells which keys' rows a build wrote, not
    which lost rows. A model configured with gone_key (a column, journey_id) records those
    too: before its rows are deleted, each key of a row about to go that none of the rows
    about to be written holds, with the newest load in raw, in intermediate.<model>__gone. A
    key's rows then changed after a load when one of them is marked after it or its gone
    row is (macros/incremental.sql: journeys_written_or_gone), and no digest of every key's
    rows is needed. A full build empties the table: it holds the keys gone since (a journey
    ended or merged, a touch moved or retired), a few a day. Tables rewritten by difference
    record them in their materialization (macros/diffed_table.sql), incremental models by
    the strategy below. -#}

{#- intermediate.<model>__<suffix>: a table a model's builds keep beside it, in a schema every
    build has (a schema of its own would be created by two models built side by side, which
    DuckDB's catalog refuses), and not one BI reads (marts). -#}
{% macro companion_table(relation, suffix) -%}
    {{ return(relation.incorporate(path={'schema': 'intermediate',
                                         'identifier': relation.identifier ~ '__' ~ suffix})) }}
{%- endmacro %}

{% macro gone_rows(relation) -%}
    {{ return(companion_table(relation, 'gone')) }}
{%- endmacro %}

{#- SQL: gone_rows(target) created if missing (a warehouse built before the model had
    gone_key), with target's key column and _seen_up_to. -#}
{% macro gone_rows_created(target, key) -%}
    create table if not exists {{ gone_rows(target) }} as
    select {{ key }}, _seen_up_to from {{ target }} where 1 = 0
{%- endmacro %}

{#- SQL: gone_rows(target) emptied, as a full build of target does. -#}
{% macro gone_rows_emptied(target, key) -%}
    drop table if exists {{ gone_rows(target) }};
    {{ gone_rows_created(target, key) }}
{%- endmacro %}

{#- SQL, run before the rows go: the keys of target's rows where `deleted` holds that no row
    of the query `written` holds, recorded with the newest load in raw. -#}
{% macro gone_keys_recorded(target, key, deleted, written) -%}
    {{ gone_rows_created(target, key) }};
    insert into {{ gone_rows(target) }} ({{ key }}, _seen_up_to)
    select gone_keys.{{ key }}, newest_load.load_id
    from (
        select {{ key }} from {{ target }}
        where ({{ deleted }})
            and {{ key }} is not null
        except
        select written.{{ key }} from ({{ written }}) as written
    ) as gone_keys
    cross join ({{ newest_load() }}) as newest_load
{%- endmacro %}

{#- Incremental strategy delete_insert_recording_gone_keys (config incremental_strategy,
    unique_key one column, gone_key): dbt's delete+insert by unique_key, the keys of the rows
    it replaces recorded first when no new row holds them. A row the model writes only to
    delete it in a post-hook (a retired touch) must carry a null gone_key, or it would hold
    its key as written. A full build empties the table in a post-hook
    (gone_rows_emptied_by_a_full_build). -#}
{% macro get_incremental_delete_insert_recording_gone_keys_sql(arg_dict) -%}
    {%- set key = config.get('gone_key') -%}
    {%- set unique_key = arg_dict['unique_key'] -%}
    {%- set source = arg_dict['temp_relation'] -%}
    {{ gone_keys_recorded(arg_dict['target_relation'], key,
                          unique_key ~ ' in (select ' ~ unique_key ~ ' from ' ~ source ~ ')',
                          'select ' ~ key ~ ' from ' ~ source) }};
    {{ get_incremental_delete_insert_sql(arg_dict) }}
{%- endmacro %}

{#- Post-hook of an incremental model with gone_key (none where incremental_fact() builds a
    table: Spark). -#}
{% macro gone_rows_emptied_by_a_full_build() -%}
    {%- if config.get('materialized') == 'incremental' and not is_incremental() -%}
    {{ gone_rows_emptied(this, config.get('gone_key')) }}
    {%- endif -%}
{%- endmacro %}
