{#- Incremental (macros/incremental.sql): its volume grows with the leads and several models
    and tests read it; a refresh re-ranks only the records a new load brought. -#}
{{ config(materialized=incremental_fact(), unique_key='email_event_id') }}

with source as (

    {{ versions_of_changed_records(source('hubspot', 'email_events')) }}

),

ranked as (

    select
        *,
        {{ latest_version_rank(['id']) }} as version_rank
    from source

),

final as (

    select
        {{ clean_text('id') }} as email_event_id,
        upper(trim(type)) as event_type,
        {{ clean_email('recipient') }} as recipient_email,
        created as occurred_at,
        {{ clean_text('email_campaign_id') }} as email_campaign_id,
        {{- render_custom_columns(source('hubspot', 'email_events')) }}
        _load_id,
        _loaded_at
    from ranked
    where version_rank = 1

)

select * from final
