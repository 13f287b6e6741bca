{#- Scoring touches of every journey, one row per touch: HubSpot form submissions, HubSpot
    e-mail opens and clicks, and responses to Salesforce campaigns.

    Incremental (macros/incremental.sql). A touch changes when its source record comes in a
    newer load, when its campaign does, or when the key that finds its journey (identity_key:
    the HubSpot contact, the e-mail address, the lead or the contact) resolves to another
    journey than before, e.g. a new lead takes over an address. An incremental build
    recomputes those touches only; one that no longer qualifies is written as a retired row
    (touched_at null) that replaces the old one and is then deleted. -#}
{{ config(
    materialized=incremental_fact(),
    unique_key='touch_id',
    post_hook="{% if is_incremental() %}delete from {{ this }} where touched_at is null{% endif %}",
) }}

with

journeys as (

    select * from {{ ref('int_journeys_identified') }}

),

hubspot_contacts as (

    select * from {{ ref('int_hubspot_contacts_matched') }}

),

campaigns as (

    select * from {{ ref('stg_salesforce__campaigns') }}

),

form_touch_map as (

    select * from {{ ref('form_touch_map') }}

),

campaign_touch_map as (

    select * from {{ ref('campaign_touch_map') }}

),

-- an e-mail address belongs to one journey: that of the HubSpot contact with the address,
-- else that of the latest created lead with it
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

-- a campaign member on a contact reaches the journey of the lead converted to that contact
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

{%- if is_incremental() %}

-- the journey each key finds now, and the one it found for the touches already built
identities as (

    select
        {{ dbt.concat(["'hubspot_contact:'", "hubspot_contact_id"]) }} as identity_key,
        journey_id
    from hubspot_contacts
    where journey_id is not null

    union all

    select
        {{ dbt.concat(["'email:'", "email"]) }} as identity_key,
        journey_id
    from email_journeys
    where journey_rank = 1

    union all

    select
        {{ dbt.concat(["'lead:'", "lead_id"]) }} as identity_key,
        journey_id
    from journeys
    where lead_id is not null

    union all

    select
        {{ dbt.concat(["'contact:'", "contact_id"]) }} as identity_key,
        journey_id
    from contact_journeys
    where journey_rank = 1

),

identities_built as (

    select distinct
        identity_key,
        journey_id
    from {{ this }}

),

-- keys whose journey is not the one their built touches have: moved, gone, or new (a key
-- that found no journey before may find one now, for records loaded long ago)
moved_identities as (

    select identities.identity_key
    from identities
    left join identities_built
        on identities.identity_key = identities_built.identity_key
            and identities.journey_id = identities_built.journey_id
    where identities_built.identity_key is null

    union all

    select identities_built.identity_key
    from identities_built
    left join identities
        on identities_built.identity_key = identities.identity_key
            and identities_built.journey_id = identities.journey_id
    where identities.identity_key is null

),

{%- endif %}

form_submissions as (

    select * from {{ ref('stg_hubspot__form_submissions') }}
    {%- if is_incremental() %}
    where _load_id > {{ loaded_up_to() }}
        or {{ dbt.concat(["'hubspot_contact:'", "hubspot_contact_id"]) }} in (
            select moved_identities.identity_key from moved_identities
        )
    {%- endif %}

),

email_events as (

    select * from {{ ref('stg_hubspot__email_events') }}
    {%- if is_incremental() %}
    where _load_id > {{ loaded_up_to() }}
        or {{ dbt.concat(["'email:'", "recipient_email"]) }} in (
            select moved_identities.identity_key from moved_identities
        )
    {%- endif %}

),

campaign_members as (

    select * from {{ ref('stg_salesforce__campaign_members') }}
    {%- if is_incremental() %}
    where _load_id > {{ loaded_up_to() }}
        or campaign_id in (
            select campaigns.campaign_id from campaigns
            where campaigns._load_id > {{ loaded_up_to() }}
        )
        or {{ dbt.concat(["'lead:'", "lead_id"]) }} in (select moved_identities.identity_key from moved_identities)
        or {{ dbt.concat(["'contact:'", "contact_id"]) }} in (
            select moved_identities.identity_key from moved_identities
        )
    {%- endif %}

),

form_touches as (

    select
        {{ dbt.concat(["'hubspot_form:'", "form_submissions.form_submission_id"]) }} as touch_id,
        hubspot_contacts.journey_id,
        form_submissions.submitted_at as touched_at,
        coalesce(form_touch_map.touch_type, '{{ var("default_form_touch_type") }}') as touch_type,
        'hubspot_form' as touch_source,
        form_submissions.form_id as touch_detail,
        {{ dbt.concat(["'hubspot_contact:'", "hubspot_contacts.hubspot_contact_id"]) }} as identity_key,
        form_submissions._load_id
    from form_submissions
    inner join hubspot_contacts
        on form_submissions.hubspot_contact_id = hubspot_contacts.hubspot_contact_id
    left join form_touch_map
        on {{ picklist_key('form_submissions.form_id') }} = {{ picklist_key('form_touch_map.form_id') }}
    where hubspot_contacts.journey_id is not null

),

email_touches as (

    select
        {{ dbt.concat(["'hubspot_email:'", "email_events.email_event_id"]) }} as touch_id,
        email_journeys.journey_id,
        email_events.occurred_at as touched_at,
        {{ email_event_touch_type('email_events.event_type') }} as touch_type,
        'hubspot_email' as touch_source,
        email_events.email_campaign_id as touch_detail,
        {{ dbt.concat(["'email:'", "email_journeys.email"]) }} as identity_key,
        email_events._load_id
    from email_events
    inner join email_journeys
        on email_events.recipient_email = email_journeys.email
            and email_journeys.journey_rank = 1
    where email_events.event_type in ({{ sql_values(email_event_touch_types()) }})

),

campaign_touches as (

    select
        {{ dbt.concat(["'salesforce_campaign:'", "campaign_members.campaign_member_id"]) }} as touch_id,
        coalesce(lead_journeys.journey_id, contact_journeys.journey_id) as journey_id,
        coalesce(
            cast(campaign_members.first_responded_date as {{ dbt.type_timestamp() }}),
            campaign_members.created_at
        ) as touched_at,
        coalesce(campaign_touch_map.touch_type, 'unmapped') as touch_type,
        'salesforce_campaign' as touch_source,
        campaign_members.campaign_id as touch_detail,
        case
            when lead_journeys.journey_id is not null
                then {{ dbt.concat(["'lead:'", "campaign_members.lead_id"]) }}
            else {{ dbt.concat(["'contact:'", "campaign_members.contact_id"]) }}
        end as identity_key,
        campaign_members._load_id
    from campaign_members
    left join journeys as lead_journeys
        on campaign_members.lead_id = lead_journeys.lead_id
    left join contact_journeys
        on campaign_members.contact_id = contact_journeys.contact_id
            and contact_journeys.journey_rank = 1
    left join campaigns
        on campaign_members.campaign_id = campaigns.campaign_id
    left join campaign_touch_map
        on {{ picklist_key('campaigns.campaign_type') }} = {{ picklist_key('campaign_touch_map.campaign_type') }}
    where campaign_members.has_responded
        and coalesce(lead_journeys.journey_id, contact_journeys.journey_id) is not null

),

touches as (

    select * from form_touches
    union all
    select * from email_touches
    union all
    select * from campaign_touches

),

{%- if is_incremental() %}

-- every source record read again, by the touch it made or would make
reread_touch_ids as (

    select {{ dbt.concat(["'hubspot_form:'", "form_submission_id"]) }} as touch_id
    from form_submissions
    union all
    select {{ dbt.concat(["'hubspot_email:'", "email_event_id"]) }} as touch_id
    from email_events
    union all
    select {{ dbt.concat(["'salesforce_campaign:'", "campaign_member_id"]) }} as touch_id
    from campaign_members

),

{%- endif %}

final as (

    select * from touches
    where touched_at is not null

    {%- if is_incremental() %}

    union all

    -- built touches whose record no longer makes one: retired (replaced, then deleted)
    select
        built.touch_id,
        built.journey_id,
        cast(null as {{ dbt.type_timestamp() }}) as touched_at,
        built.touch_type,
        built.touch_source,
        built.touch_detail,
        built.identity_key,
        built._load_id
    from {{ this }} as built
    inner join reread_touch_ids
        on built.touch_id = reread_touch_ids.touch_id
    where built.touch_id not in (
        select touches.touch_id from touches
        where touches.touched_at is not null
    )

    {%- endif %}

)

select * from final
