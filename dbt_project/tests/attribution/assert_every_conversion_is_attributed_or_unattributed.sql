{#- Every conversion of int_conversions_listed appears in fct_attribution, either with its
    touches or as one unattributed row, and never both: no conversion is lost.

    After an incremental build, the conversions whose rows can have changed since the last
    tested build (tested_up_to_load): those int_conversions_listed wrote again (its mark),
    those with an attribution row written again, and every conversion of a journey whose
    attribution inputs were written or went since (fct_attribution computed the journey
    again and may have written none of its rows back, which leaves no mark) or of no journey
    (computed again by every build). Any other conversion and its attribution rows are as
    that build tested them. -#}
-- depends_on: {{ ref('fct_touchpoints') }}
{{ config(meta={'dagster': {'ref': {'name': 'fct_attribution'}}}) }}

{%- set load = tested_up_to_load() %}

with

conversions as (

    select * from {{ ref('int_conversions_listed') }}
    {%- if load is not none %}
    where _seen_up_to > {{ load }}
        or journey_id is null
        or journey_id in ({{ journeys_written_or_gone(attribution_inputs(), since=load) }})
        or conversion_id in (
            select written.conversion_id from {{ ref('fct_attribution') }} as written
            where written._seen_up_to > {{ load }}
        )
    {%- endif %}

),

attribution as (

    select
        conversion_id,
        count(case when is_attributed then 1 end) as attributed_rows,
        count(case when not is_attributed then 1 end) as unattributed_rows
    from {{ ref('fct_attribution') }}
    {%- if load is not none %}
    where conversion_id in (select conversions.conversion_id from conversions)
    {%- endif %}
    group by conversion_id

),

final as (

    select
        conversions.conversion_id,
        coalesce(attribution.attributed_rows, 0) as attributed_rows,
        coalesce(attribution.unattributed_rows, 0) as unattributed_rows
    from conversions
    left join attribution
        on conversions.conversion_id = attribution.conversion_id
    where attribution.conversion_id is null
        or (attribution.attributed_rows > 0 and attribution.unattributed_rows > 0)
        or attribution.unattributed_rows > 1

)

select * from final
