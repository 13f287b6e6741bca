{#- The column rules of one model or seed in one query and one node (one Dagster check): the
    columns that must be filled, those whose values are unique, and those whose values must be
    in a list. dbt's not_null, unique and accepted_values are a node per column, and each node
    cost dbt more than its query. A failing row names the column, the rule broken, the
    offending value (unique, accepted_values) and how many rows break it.

    load_column (incremental models): the column that holds the load a row was written from
    (_load_id) or the newest load when it was written (_seen_up_to, changed_after_load). In an
    incremental build run by `alignment refresh`, every row at or below the last complete
    build's newest load is a row that build wrote and tested, so only the newer rows are
    checked, and a new row's key against every row (tested_up_to_load below). -#}
{% test valid_columns(model, not_null=[], unique=[], accepted_values={}, load_column=none) %}

{%- set tested_up_to = tested_up_to_load() if load_column else none %}
{%- set new_rows = none if tested_up_to is none else load_column ~ ' > ' ~ tested_up_to %}

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
{%- if new_rows and rule == 'unique' %}
    and {{ column }} in (select {{ column }} from {{ model }} where {{ new_rows }})
{%- elif new_rows %}
    and {{ new_rows }}
{%- endif %}
{%- if per_value %}
group by {{ column }}
{%- endif %}
having count(*) > {{ 1 if rule == 'unique' else 0 }}
{%- if not loop.last %}

union all
{% endif %}
{%- endfor %}

{% endtest %}

{#- The newest load of the last complete build, whose tests passed, when this build is an
    incremental one that `alignment refresh` runs (it sets ALIGNMENT_TESTED_UP_TO_LOAD:
    orchestration/build_state.py); none otherwise, and every row is tested: a full build, dbt
    run by hand, or a test of warn severity, whose failures do not stop a build and so may
    stand in the rows below that load. Read when the test runs, not when dbt parses: the
    variable changes with every build and must not make dbt parse the project again. -#}
{% macro tested_up_to_load() %}
    {%- if not execute or flags.FULL_REFRESH or config.get('severity', 'error') | lower == 'warn' %}
        {{- return(none) }}
    {%- endif %}
    {%- set load = env_var('ALIGNMENT_TESTED_UP_TO_LOAD', '') %}
    {{- return(load | int if load.isdigit() else none) }}
{% endmacro %}

{#- A singular test's filter on an incremental model's rows: those written after the last
    tested build (tested_up_to_load), or every row when there is none. Sound for a test whose
    rows are whole units of the model's increments (a journey of a model incremental by
    journey) and whose other inputs change only with them: a row not written again reads what
    it read when that build tested it. -#}
{% macro written_since_tested(load_column) %}
    {%- set load = tested_up_to_load() %}
    {{- 'true' if load is none else load_column ~ ' > ' ~ load }}
{%- endmacro %}
