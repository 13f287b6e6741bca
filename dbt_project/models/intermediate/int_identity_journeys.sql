{#- The journey each identity key finds: the keys by which a touch finds its journey
    (int_touches_unioned's identity_key, <identity_type>:<identity_value>). A HubSpot contact
    finds its own journey; an e-mail address that of the HubSpot contact with the address,
    else that of the latest created lead with it; a lead its journey; a Salesforce contact
    that of the lead converted to it (the latest conversion).

    Incremental (macros/incremental.sql), so that int_touches_unioned knows which keys moved
    without comparing every key with every built touch. An incremental build writes only the
    keys whose journey is not the one this table holds: moved or new ones, and gone ones as
    a row with journey_id null (deleted by the next build). Each written row records in
    changed_after_load the newest load in raw when it changed; int_touches_unioned reads
    again the records of every key changed after its own newest load. -#}
{{ config(
    materialized=incremental_fact(),
    unique_key=['identity_type', 'identity_value'],
    post_hook="{% if is_incremental() %}delete from {{ this }} where journey_id is null and changed_after_load < (select max(changed_after_load) from {{ this }}){% endif %}",
) }}

with

journeys as {{ not_materialized() }} (

    select * from {{ ref('int_journeys_identified') }}

),

hubspot_contacts as {{ not_materialized() }} (

    select * from {{ ref('int_hubspot_contacts_matched') }}

),

email_addresses as (

    select
        email,
        journey_id,
        created_at,
        1 as email_priority
    from hubspot_contacts
    where journey_id is not null and email is not null

    union all

    select
        email,
        journey_id,
        created_at,
        2 as email_priority
    from journeys
    where journey_type = 'salesforce_lead' and email is not null

),

email_journeys as (

    select
        email,
        journey_id,
        row_number() over (
            partition by email
            order by email_priority asc, created_at desc, journey_id asc
        ) as journey_rank
    from email_addresses

),

contact_journeys as (

    select
        contact_id,
        journey_id,
        row_number() over (
            partition by contact_id
            order by converted_date desc nulls last, created_at desc, journey_id desc
        ) as journey_rank
    from journeys
    where contact_id is not null

),

identities as (

    select
        'hubspot_contact' as identity_type,
        hubspot_contact_id as identity_value,
        journey_id
    from hubspot_contacts
    where journey_id is not null

    union all

    select
        'email' as identity_type,
        email as identity_value,
        journey_id
    from email_journeys
    where journey_rank = 1

    union all

    select
        'lead' as identity_type,
        lead_id as identity_value,
        journey_id
    from journeys
    where lead_id is not null

    union all

    select
        'contact' as identity_type,
        contact_id as identity_value,
        journey_id
    from contact_journeys
    where journey_rank = 1

),

{%- if is_incremental() %}

changed as (

    -- keys that moved, new ones (a key that found no journey before may find one now) and
    -- gone ones (journey_id null: the key finds no journey any more)
    select
        coalesce(identities.identity_type, built.identity_type) as identity_type,
        coalesce(identities.identity_value, built.identity_value) as identity_value,
        identities.journey_id
    from identities
    full outer join {{ this }} as built
        on identities.identity_type = built.identity_type
            and identities.identity_value = built.identity_value
    where identities.journey_id is distinct from built.journey_id

),

{%- else %}

changed as (

    select * from identities

),

{%- endif %}

newest_load as (

    {{ newest_load() }}

),

final as (

    select
        changed.identity_type,
        changed.identity_value,
        changed.journey_id,
        newest_load.load_id as changed_after_load
    from changed
    cross join newest_load

)

select * from final
