{#- Rows whose combination of the given columns occurs more than once.

    The 64-bit hashes of the combinations that repeat are found first (macros/digest.sql:
    row_digest), and only their rows are grouped by the columns themselves: a hash table of
    one integer per distinct combination instead of the columns' strings. At 10M leads
    fct_touchpoints' (journey_id, touch_id), 34M rows: 3.4-5.2 s against 5.8-7.7 s grouped by
    the strings (docs/performance.md, session 26). Two combinations that share a hash are
    grouped apart in the second step, so a collision never fails the test.

    load_column (a model that marks the rows it writes): in an incremental build run by
    `alignment refresh`, only combinations a row written since the last tested build holds
    can repeat now (valid_columns' tested_up_to_load), so only those are counted. -#}
{% test unique_combination_of_columns(model, combination_of_columns, load_column=none) %}

{%- set tested_up_to = tested_up_to_load() if load_column else none %}

with

repeated_digests as (

    select {{ row_digest(combination_of_columns) }} as combination_digest
    from {{ model }}
    {%- if tested_up_to is not none %}
    where {{ row_digest(combination_of_columns) }} in (
        select {{ row_digest(combination_of_columns) }} from {{ model }}
        where {{ load_column }} > {{ tested_up_to }}
    )
    {%- endif %}
    group by {{ row_digest(combination_of_columns) }}
    having count(*) > 1

),

final as (

    select
        {{ combination_of_columns | join(', ') }},
        count(*) as row_count
    from {{ model }}
    where {{ row_digest(combination_of_columns) }} in (
        select repeated_digests.combination_digest from repeated_digests
    )
    group by {{ combination_of_columns | join(', ') }}
    having count(*) > 1

)

select * from final

{% endtest %}
