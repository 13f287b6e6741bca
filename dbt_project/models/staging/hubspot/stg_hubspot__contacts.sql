{#- Incremental (macros/incremental.sql): its volume grows with the leads and several models
    and tests read it; a refresh re-ranks only the records a new load brought. -#}
{{ config(materialized=incremental_fact(), unique_key='hubspot_contact_id') }}

with latest as (

    {{ latest_versions(source('hubspot', 'contacts'), ['id'], ['lastmodifieddate']) }}

),

final as (

    select
        {{ clean_text('id') }} as hubspot_contact_id,
        {{ clean_email('email') }} as email,
        {{ clean_text('firstname') }} as first_name,
        {{ clean_text('lastname') }} as last_name,
        {{ clean_text('company') }} as company,
        {{ clean_text('jobtitle') }} as job_title,
        createdate as created_at,
        lastmodifieddate as last_modified_at,
        {{ clean_text('lifecyclestage') }} as lifecycle_stage,
        {{ clean_text('hs_lead_status') }} as lead_status,
        cast(hubspotscore as {{ type_double() }}) as hubspot_score,
        {{ clean_text('hs_analytics_source') }} as analytics_source,
        {{ clean_text('salesforceleadid') }} as salesforce_lead_id,
        {{ clean_text('salesforcecontactid') }} as salesforce_contact_id,
        hs_lifecyclestage_marketingqualifiedlead_date as became_mql_at,
        hs_lifecyclestage_salesqualifiedlead_date as became_sql_at,
        {{ deleted_in_hubspot() }} as is_deleted,
        {{ clean_text('hs_merged_object_ids') }} as merged_contact_ids,
        {{ clean_email('hs_additional_emails') }} as additional_emails,
        {{- render_custom_columns(source('hubspot', 'contacts')) }}
        _load_id,
        _loaded_at
    from latest

)

select * from final
