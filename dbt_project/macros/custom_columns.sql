{#- Custom columns of a raw table: every column that is neither in the landing contract nor
    loader metadata, in the table's order. A portable stand-in for dbt_utils.star(except=...).
    Returns a list of names; render_custom_columns() renders them for a select list. -#}
{% macro custom_columns(relation) -%}
    {%- if not execute -%}
        {{ return([]) }}
    {%- endif -%}
    {%- set known = landing_columns(relation.identifier) + landing_metadata_columns() -%}
    {%- set known_lower = known | map("lower") | list -%}
    {%- set found = [] -%}
    {%- for column in adapter.get_columns_in_relation(relation) -%}
        {%- if column.name | lower not in known_lower -%}
            {%- do found.append(column.name) -%}
        {%- endif -%}
    {%- endfor -%}
    {{ return(found) }}
{%- endmacro %}

{#- Renders "<prefix>col," for each custom column, one a line (trailing commas: put it before
    the last fixed column of a select list). -#}
{% macro render_custom_columns(relation, prefix="") -%}
    {%- for name in custom_columns(relation) %}
        {{ prefix }}{{ adapter.quote(name) }},
    {%- endfor -%}
{%- endmacro %}

{#- The columns of `wanted` that `relation` has (case-insensitive), in the order wanted; a
    wanted column it lacks is logged and skipped. Used for var('lead_custom_columns'). -#}
{% macro existing_columns(relation, wanted) -%}
    {%- if not execute or not wanted -%}
        {{ return([]) }}
    {%- endif -%}
    {%- set present = {} -%}
    {%- for column in adapter.get_columns_in_relation(relation) -%}
        {%- do present.update({column.name | lower: column.name}) -%}
    {%- endfor -%}
    {%- set found = [] -%}
    {%- for name in wanted -%}
        {%- if name | lower in present -%}
            {%- do found.append(present[name | lower]) -%}
        {%- else -%}
            {%- do log("alignment: column " ~ name ~ " is not in " ~ relation ~ "; skipped", info=True) -%}
        {%- endif -%}
    {%- endfor -%}
    {{ return(found) }}
{%- endmacro %}
