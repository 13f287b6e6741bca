{#- A table, not a view: its volume grows with the leads and several models and tests read it;
    as a view each reader would redo the dedupe over the whole raw table. -#}
{{ config(materialized='table') }}

{#- Form submissions have no id: a submission is (contact, time, form). -#}
with source as (

    select * from {{ source('hubspot', 'form_submissions') }}

),

ranked as (

    select
        *,
        {{ latest_version_rank(['contact_id', 'submitted_at', 'form_id']) }} as version_rank
    from source

),

final as (

    select
        {{ dbt.hash(dbt.concat([
            "coalesce(trim(contact_id), '')",
            "'|'",
            "coalesce(cast(submitted_at as " ~ dbt.type_string() ~ "), '')",
            "'|'",
            "coalesce(trim(form_id), '')",
        ])) }} as form_submission_id,
        {{ clean_text('contact_id') }} as hubspot_contact_id,
        submitted_at,
        {{ clean_text('form_id') }} as form_id,
        {{ clean_text('form_name') }} as form_name,
        {{ clean_text('page_url') }} as page_url,
        {{- render_custom_columns(source('hubspot', 'form_submissions')) }}
        _load_id,
        _loaded_at
    from ranked
    where version_rank = 1

)

select * from final
