{#- Incremental (macros/incremental.sql): its volume grows with the leads and several models
    and tests read it; a refresh re-ranks only the records a new load brought. -#}
{{ config(materialized=incremental_fact(), unique_key='email_event_id') }}

with latest as (

    {{ latest_versions(source('hubspot', 'email_events'), ['id']) }}

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
    from latest

)

select * from final
