{#- Every conversion of int_conversions_listed appears in fct_attribution, either with its
    touches or as one unattributed row, and never both: no conversion is lost. -#}

with

conversions as (

    select * from {{ ref('int_conversions_listed') }}

),

attribution as (

    select
        conversion_id,
        count(case when is_attributed then 1 end) as attributed_rows,
        count(case when not is_attributed then 1 end) as unattributed_rows
    from {{ ref('fct_attribution') }}
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
