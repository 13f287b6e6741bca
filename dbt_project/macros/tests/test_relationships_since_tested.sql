{#- dbt's relationships test (every non-null column_name is a field of `to`) for a model that
    marks the rows it writes (load_column), whose parent records the keys that went from it
    (`to` configured with gone_key = field: macros/gone_rows.sql).

    In an incremental build run by `alignment refresh` (valid_columns' tested_up_to_load), a
    row the last tested build kept can lose its parent only by the parent's key going, which
    the parent records: only the rows written since and the rows of the keys gone since are
    checked (fct_touchpoints at 10M leads: a few hundred thousand of 50M rows). Against a
    parent that does not record its gone keys, by hand, in a full build, and at severity
    warn, every row is checked, as dbt's own test does. -#}
{% test relationships_since_tested(model, column_name, to, field, load_column) %}

{%- set tested_up_to = tested_up_to_load() %}
{%- set gone = gone_rows_recorded(to, field) if tested_up_to is not none else none %}

with

child as (

    select {{ column_name }} as from_field
    from {{ model }}
    where {{ column_name }} is not null
    {%- if gone is not none %}
        and (
            {{ load_column }} > {{ tested_up_to }}
            or {{ column_name }} in (
                select {{ field }} from {{ gone }}
                where _seen_up_to > {{ tested_up_to }}
            )
        )
    {%- endif %}

),

parent as (

    select {{ field }} as to_field
    from {{ to }}

)

select child.from_field
from child
left join parent
    on child.from_field = parent.to_field
where parent.to_field is null

{% endtest %}

{#- gone_rows(relation) when the model built into relation records the keys of column `key`
    that go from it (configured with gone_key = key, built incrementally or by difference);
    none otherwise (a table rebuilt whole, as Spark builds the incremental models). -#}
{% macro gone_rows_recorded(relation, key) %}
    {%- for node in graph.nodes.values()
        if node.resource_type == 'model'
            and node.schema == relation.schema and node.alias == relation.identifier
            and node.config.get('gone_key') == key
            and node.config.materialized in ('incremental', 'diffed_table') %}
        {{- return(gone_rows(relation)) }}
    {%- endfor %}
    {{- return(none) }}
{% endmacro %}
