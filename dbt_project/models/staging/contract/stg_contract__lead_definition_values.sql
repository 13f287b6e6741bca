with source as (

    select * from {{ source('contract', 'lead_definition_values') }}

),

final as (

    select
        {{ clean_text('version') }} as definition_version,
        {{ clean_text('list_name') }} as list_name,
        {{ picklist_key('value') }} as list_value,
        -- as the contract spells it (accepted statuses keep the CRM's spelling), for people
        trim(value) as list_value_as_agreed
    from source
    where value is not null

)

select * from final
