with source as (

    select * from {{ source('contract', 'lead_definition_points') }}

),

final as (

    select
        {{ clean_text('version') }} as definition_version,
        {{ clean_text('touch_type') }} as touch_type,
        cast(points as {{ type_double() }}) as points
    from source

)

select * from final
