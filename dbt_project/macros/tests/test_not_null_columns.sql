{#- Every listed column of the model is filled. One query and one node (one Dagster check) for
    all of a model's not-null columns, where dbt's not_null is a node per column: a build runs
    some 200 fewer tests, each of which cost dbt more than its query. A failing row names the
    column and how many rows lack it. -#}
{% test not_null_columns(model, column_names) %}

{%- for column in column_names %}
select
    '{{ column }}' as column_name,
    count(*) as null_rows
from {{ model }}
where {{ column }} is null
having count(*) > 0
{%- if not loop.last %}

union all
{% endif %}
{%- endfor %}

{% endtest %}
