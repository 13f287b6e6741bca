{#- Incremental (macros/incremental.sql): its volume grows with the leads and several models
    and tests read it; a refresh re-ranks only the records a new load brought. -#}
{{ config(materialized=incremental_fact(), unique_key='form_submission_id') }}

{#- Form submissions have no id: a submission is (contact, time, form). -#}
{%- set submission_key = dbt.concat([
    "coalesce(trim(contact_id), '')",
    "'|'",
    "coalesce(cast(submitted_at as " ~ dbt.type_string() ~ "), '')",
    "'|'",
    "coalesce(trim(form_id), '')",
]) %}

with latest as (

    {{ latest_versions(source('hubspot', 'form_submissions'), ['contact_id', 'submitted_at', 'form_id'], key=submission_key) }}

),

final as (

    select
        {{ dbt.hash(submission_key) }} as form_submission_id,
        {{ clean_text('contact_id') }} as hubspot_contact_id,
        submitted_at,
        {{ clean_text('form_id') }} as form_id,
        {{ clean_text('form_name') }} as form_name,
        {{ clean_text('page_url') }} as page_url,
        {{- render_custom_columns(source('hubspot', 'form_submissions')) }}
        _load_id,
        _loaded_at
    from latest

)

select * from final
