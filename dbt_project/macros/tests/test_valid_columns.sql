{#- The column rules of one model or seed in one query and one node (one Dagster check): the
    columns that must be filled, those whose values are unique, and those whose values must be
    in a list. dbt's not_null, unique and accepted_values are a node per column, and each node
    cost dbt more than its query. A failing row names the column, the rule broken, the
    offending value (unique, accepted_values) and how many rows break it. -#}
{% test valid_columns(model, not_null=[], unique=[], accepted_values={}) %}

{#- Each check: (column, rule, the offending value, a failing row's condition, rows per value) -#}
{%- set checks = [] %}
{%- for column in not_null %}
{%- do checks.append((column, 'not_null', 'null', column ~ ' is null', false)) %}
{%- endfor %}
{%- for column in unique %}
{%- do checks.append((column, 'unique', column, column ~ ' is not null', true)) %}
{%- endfor %}
{%- for column, values in accepted_values.items() %}
{%- do checks.append((column, 'accepted_values', column,
                      column ~ " not in ('" ~ values | join("', '") ~ "')", true)) %}
{%- endfor %}

{%- for column, rule, value, condition, per_value in checks %}
select
    '{{ column }}' as column_name,
    '{{ rule }}' as rule,
    cast({{ value }} as {{ dbt.type_string() }}) as failing_value,
    count(*) as failing_rows
from {{ model }}
where {{ condition }}
{%- if per_value %}
group by {{ column }}
{%- endif %}
having count(*) > {{ 1 if rule == 'unique' else 0 }}
{%- if not loop.last %}

union all
{% endif %}
{%- endfor %}

{% endtest %}
