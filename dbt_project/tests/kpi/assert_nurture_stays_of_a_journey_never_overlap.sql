{#- A lead is in at most one nurture stay at a time, and a stay never ends before it began. -#}
{{ config(tags=['kpi']) }}

with

stays as (

    select * from {{ ref('fct_nurture_pool') }}

),

final as (

    select
        earlier.nurture_stay_id,
        later.nurture_stay_id as overlapping_stay_id
    from stays as earlier
    inner join stays as later
        on earlier.journey_id = later.journey_id
            and earlier.stay_number < later.stay_number
            and (earlier.exited_nurture_at is null or earlier.exited_nurture_at > later.entered_nurture_at)

    union all

    select
        nurture_stay_id,
        cast(null as {{ dbt.type_string() }}) as overlapping_stay_id
    from stays
    where exited_nurture_at <= entered_nurture_at

)

select * from final
