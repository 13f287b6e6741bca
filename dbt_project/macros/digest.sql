{#- A 64-bit hash of a row's columns whose sum over a set of rows, with its count, changes
    when a row of the set is added, removed or changed (the order of the rows aside): what
    a journey digest model keeps per journey to find the journeys whose inputs changed. Each
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

{#- The body of a journey digest model (int_scoring_inputs_digested,
    int_nurture_inputs_digested): per journey, what a per-journey model reads of it,
    digested (fct_attribution, whose inputs mark the rows they write and record the
    journeys whose rows went, needs none: macros/incremental.sql, journeys_written_or_gone). inputs: [{name, relation, columns}], the first
    the rows that make a journey's output (a journey without them has none): per journey of
    the first input, the count of its rows (column <name>) and, for every input, the sum of
    row_digest over the given columns of its rows (<name>_digest). Rows without a journey are left out: the models
    compute theirs again in every build.

    Incremental (materialized=incremental_fact(), unique_key='journey_id', post_hook
    gone_journeys_deleted(first name)): a build writes only the journeys whose digest is not
    the one the table holds, new, changed, and gone ones (the count null; deleted by the next
    build), each marked in changed_after_load with the newest load in raw; the per-journey
    models compute those again (macros/incremental.sql: journeys_to_rebuild). -#}
{% macro journey_digests(inputs) -%}
{%- set first = inputs[0] %}
with
{% for input in inputs %}
{{ input.name }}_digests as (

    select
        journey_id,
        {%- if loop.first %}
        count(*) as {{ input.name }},
        {%- endif %}
        sum({{ row_digest(input.columns) }}) as {{ input.name }}_digest
    from {{ input.relation }}
    where journey_id is not null
    group by journey_id

),
{% endfor %}
digests as (

    select
        {{ first.name }}_digests.journey_id,
        {{ first.name }}_digests.{{ first.name }}
        {%- for input in inputs %},
        {{ input.name }}_digests.{{ input.name }}_digest
        {%- endfor %}
    from {{ first.name }}_digests
    {%- for input in inputs[1:] %}
    left join {{ input.name }}_digests
        on {{ first.name }}_digests.journey_id = {{ input.name }}_digests.journey_id
    {%- endfor %}

),

{%- if is_incremental() %}

changed as (

    -- new and changed journeys, and gone ones (no {{ first.name }} any more: the count null)
    select
        coalesce(digests.journey_id, built.journey_id) as journey_id,
        digests.{{ first.name }}
        {%- for input in inputs %},
        digests.{{ input.name }}_digest
        {%- endfor %}
    from digests
    full outer join {{ this }} as built
        on digests.journey_id = built.journey_id
    where digests.{{ first.name }} is distinct from built.{{ first.name }}
        {%- for input in inputs %}
        or digests.{{ input.name }}_digest is distinct from built.{{ input.name }}_digest
        {%- endfor %}

),

{%- else %}

changed as (

    select * from digests

),

{%- endif %}

newest_load as (

    {{ newest_load() }}

),

final as (

    select
        changed.*,
        newest_load.load_id as changed_after_load
    from changed
    cross join newest_load

)

select * from final
{%- endmacro %}

{#- A journey digest model's post-hook: the gone journeys an earlier build marked (the count
    column null) are deleted once a later build has written its own marks. -#}
{% macro gone_journeys_deleted(count_column) -%}
    {%- if is_incremental() -%}
    delete from {{ this }} where {{ count_column }} is null
        and changed_after_load < (select max(changed_after_load) from {{ this }})
    {%- endif -%}
{%- endmacro %}
