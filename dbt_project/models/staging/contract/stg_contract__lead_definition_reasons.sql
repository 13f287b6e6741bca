with source as (

    select * from {{ source('contract', 'lead_definition_reasons') }}

),

final as (

    select
        {{ clean_text('version') }} as definition_version,
        {{ picklist_key('reason_code') }} as rejection_reason,
        {{ clean_text('description') }} as reason_description
    from source

)

select * from final
