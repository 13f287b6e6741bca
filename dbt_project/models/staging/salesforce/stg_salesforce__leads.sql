{#- Incremental (macros/incremental.sql): its volume grows with the leads and several models
    and tests read it; a refresh re-ranks only the records a new load brought. -#}
{{ config(materialized=incremental_fact(), unique_key='lead_id') }}

with latest as (

    {{ latest_versions(source('salesforce', 'lead'), ['id'], ['last_modified_date', 'system_modstamp']) }}

),

final as (

    select
        {{ clean_text('id') }} as lead_id,
        created_date as created_at,
        last_modified_date as last_modified_at,
        {{ deleted_in_salesforce() }} as is_deleted,
        {{ clean_text('owner_id') }} as owner_id,
        {{ clean_email('email') }} as email,
        {{ clean_text('first_name') }} as first_name,
        {{ clean_text('last_name') }} as last_name,
        {{ clean_text('company') }} as company,
        {{ clean_text('title') }} as title,
        {{ clean_text('industry') }} as industry,
        cast(number_of_employees as {{ dbt.type_bigint() }}) as number_of_employees,
        {{ clean_text('country') }} as country,
        {{ clean_text('phone') }} as phone,
        {{ clean_text('lead_source') }} as lead_source,
        {{ clean_text('status') }} as status,
        coalesce(is_converted, false) as is_converted,
        cast(converted_date as date) as converted_date,
        {{ clean_text('converted_account_id') }} as converted_account_id,
        {{ clean_text('converted_contact_id') }} as converted_contact_id,
        {{ clean_text('converted_opportunity_id') }} as converted_opportunity_id,
        {{ clean_text('master_record_id') }} as master_record_id,
        {{- render_custom_columns(source('salesforce', 'lead')) }}
        _load_id,
        _loaded_at
    from latest

)

select * from final
