{#- The column rules of one model or seed in one query and one node (one Dagster check): the
    columns that must be filled, those whose values are unique, and those whose values must be
    in a list. dbt's not_null, unique and accepted_values are a node per column, and each node
    cost dbt more than its query. A failing row names the column, the rule broken, the
    offending value (unique, accepted_values) and how many rows break it. -#}
{% test valid_columns(model, not_null=[], unique=[], accepted_values={}) %}

{%- set checks = [] %}
{%- for column in not_null %}
{%- do checks.append(
    "select '" ~ column ~ "' as column_name, 'not_null' as rule, cast(null as "
    ~ dbt.type_string() ~ ") as failing_value, count(*) as failing_rows from " ~ model
    ~ " where " ~ column ~ " is null having count(*) > 0") %}
{%- endfor %}
{%- for column in unique %}
{%- do checks.append(
    "select '" ~ column ~ "' as column_name, 'unique' as rule, cast(" ~ column ~ " as "
    ~ dbt.type_string() ~ ") as failing_value, count(*) as failing_rows from " ~ model
    ~ " where " ~ column ~ " is not null group by " ~ column ~ " having count(*) > 1") %}
{%- endfor %}
{%- for column, values in accepted_values.items() %}
{%- do checks.append(
    "select '" ~ column ~ "' as column_name, 'accepted_values' as rule, cast(" ~ column
    ~ " as " ~ dbt.type_string() ~ ") as failing_value, count(*) as failing_rows from "
    ~ model ~ " where " ~ column ~ " not in ('" ~ values | join("', '") ~ "') group by "
    ~ column) %}
{%- endfor %}

{{ checks | join('\n\nunion all\n\n') }}

{% endtest %}
