{#- A 64-bit hash of a row's columns whose sum over a set of rows, with its count, changes
    when a row of the set is added, removed or changed (the order of the rows aside): what
    the tables rewritten by difference compare rows by (macros/diffed_table.sql), and
    int_sales_touches_unioned an activity's rows. Each
    engine's own hash; a sum is compared only with sums of the same engine. A change that
    leaves the sum unchanged needs two 64-bit hashes to cancel out. -#}
{% macro row_digest(columns) -%}
    {{ return(adapter.dispatch('row_digest', 'alignment')(columns)) }}
{%- endmacro %}

{#- DuckDB: hash() of the values themselves (UBIGINT; summed as HUGEINT). -#}
{% macro default__row_digest(columns) -%}
    hash({{ columns | join(', ') }})
{%- endmacro %}

{#- PostgreSQL: a 64-bit hash of the values as text (summed as numeric). -#}
{% macro postgres__row_digest(columns) -%}
    hashtextextended(concat_ws('|'
    {%- for column in columns %}, coalesce(cast({{ column }} as text), '\N'){% endfor %}), 0)
{%- endmacro %}

{#- Spark: xxhash64 (a bigint: summed as a decimal, which cannot overflow as a long can). -#}
{% macro spark__row_digest(columns) -%}
    cast(xxhash64({{ columns | join(', ') }}) as decimal(20, 0))
{%- endmacro %}
