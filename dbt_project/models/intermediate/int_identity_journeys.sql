{#- The journey each identity key finds: the keys by which a touch finds its journey
    (int_touches_unioned's identity_key, <identity_type>:<identity_value>). A HubSpot contact
    finds its own journey; an e-mail address that of the HubSpot contact with the address,
    else that of the HubSpot contact with it among its other addresses (hs_additional_emails),
    else that of the latest created lead with it; a lead its journey; a Salesforce contact
    that of the lead converted to it (the latest conversion).

    Incremental (macros/incremental.sql), so that int_touches_unioned knows which keys moved
    without comparing every key with every built touch. An incremental build writes only the
    keys whose journey is not the one this table holds: moved or new ones, and gone ones as
    a row with journey_id null (deleted by the next build). Each written row records in
    changed_after_load the newest load in raw when it changed; int_touches_unioned reads
    again the records of every key changed after its own newest load.

    It finds them among the candidate keys alone: the keys of every contact and journey row of
    the journeys whose rows changed since its newest change (journeys_reidentified: those
    int_journeys_identified computed again, a gone one among them, and those the contacts
    matched again joined or left), and the keys this table points to one of those journeys.
    A key's journey follows from the rows that carry the key (every contact and lead with an
    address, every lead converted to a contact), and a row that changed is in those journeys
    in its new version and, through this table, in its old one when the old decided the key;
    each candidate key is then computed from all the rows that carry it. -#}
-- depends_on: {{ ref('stg_salesforce__leads') }}
{{ config(
    materialized=incremental_fact(),
    unique_key=['identity_type', 'identity_value'],
    post_hook="{% if is_incremental() %}delete from {{ this }} where journey_id is null and changed_after_load < (select max(changed_after_load) from {{ this }}){% endif %}",
) }}

{#- In an incremental build, the condition that keeps a row whose key of type TYPE is a
    candidate key. -#}
{%- set a_candidate = "in (select candidate_keys.identity_value from candidate_keys "
                      "where candidate_keys.identity_type = 'TYPE')" if is_incremental() else none %}

with

journeys as {{ not_materialized() }} (

    select * from {{ ref('int_journeys_identified') }}

),

hubspot_contacts as {{ not_materialized() }} (

    select * from {{ ref('int_hubspot_contacts_matched') }}

),

additional_addresses as (

    select
        journey_id,
        created_at,
        {{ split_to_rows('additional_emails', "';'") }} as email
    from hubspot_contacts
    where journey_id is not null and additional_emails is not null

),

-- every address of a HubSpot contact with a journey: its e-mail first, then its other
-- addresses (hs_additional_emails: a contact merged into it gives it its address)
hubspot_addresses as (

    select
        email,
        journey_id,
        created_at,
        1 as email_priority
    from hubspot_contacts
    where journey_id is not null and email is not null

    union all

    select
        {{ clean_email('email') }} as email,
        journey_id,
        created_at,
        2 as email_priority
    from additional_addresses

),

{%- if is_incremental() %}

affected_journeys as (

    {{ journeys_reidentified('changed_after_load') }}

),

candidate_keys as (

    select
        'hubspot_contact' as identity_type,
        hubspot_contact_id as identity_value
    from hubspot_contacts
    where journey_id in (select affected_journeys.journey_id from affected_journeys)

    union

    select
        'email' as identity_type,
        email as identity_value
    from hubspot_addresses
    where journey_id in (select affected_journeys.journey_id from affected_journeys)
        and email is not null

    union

    select
        'email' as identity_type,
        email as identity_value
    from journeys
    where journey_id in (select affected_journeys.journey_id from affected_journeys)
        and email is not null

    union

    -- a journey without a lead gives a null key, which matches nothing: filtered out here,
    -- it made DuckDB hash every journey to find the few (it guesses a fifth are left)
    select
        'lead' as identity_type,
        lead_id as identity_value
    from journeys
    where journey_id in (select affected_journeys.journey_id from affected_journeys)

    union

    select
        'contact' as identity_type,
        contact_id as identity_value
    from journeys
    where journey_id in (select affected_journeys.journey_id from affected_journeys)
        and contact_id is not null

    union

    select
        built.identity_type,
        built.identity_value
    from {{ this }} as built
    where built.journey_id in (select affected_journeys.journey_id from affected_journeys)

),

{%- endif %}

email_addresses as (

    select
        email,
        journey_id,
        created_at,
        email_priority
    from hubspot_addresses
    where email is not null
        {%- if a_candidate %} and email {{ a_candidate | replace('TYPE', 'email') }}{% endif %}

    union all

    select
        email,
        journey_id,
        created_at,
        3 as email_priority
    from journeys
    where journey_type = 'salesforce_lead' and email is not null
        {%- if a_candidate %} and email {{ a_candidate | replace('TYPE', 'email') }}{% endif %}

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
        {%- if a_candidate %} and contact_id {{ a_candidate | replace('TYPE', 'contact') }}{% endif %}

),

identities as (

    select
        'hubspot_contact' as identity_type,
        hubspot_contact_id as identity_value,
        journey_id
    from hubspot_contacts
    where journey_id is not null
        {%- if a_candidate %}
        and hubspot_contact_id {{ a_candidate | replace('TYPE', 'hubspot_contact') }}
        {%- endif %}

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
    {%- if a_candidate %}
    where lead_id {{ a_candidate | replace('TYPE', 'lead') }}
    {%- else %}
    where lead_id is not null
    {%- endif %}

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
    full outer join (
        select built.*
        from {{ this }} as built
        inner join candidate_keys
            on built.identity_type = candidate_keys.identity_type
                and built.identity_value = candidate_keys.identity_value
        -- one column first, which DuckDB filters the table's scan by: the two-column join
        -- alone probed every key (5 s at 10M leads)
        where built.identity_value in (
            select candidate_values.identity_value from candidate_keys as candidate_values
        )
    ) as built
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
