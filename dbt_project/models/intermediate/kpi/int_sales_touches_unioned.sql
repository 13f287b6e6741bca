{#- Sales touches, one row per lead journey and Salesforce activity: a Task or an Event owned
    by a sales user (dim_owner.is_sales), on the lead (WhoId = the lead) or on the contact the
    lead was converted to. A Task is dated when it was logged (created_at; its ActivityDate
    has no time); an Event at the first of its creation and its start (a meeting booked
    ahead was a contact when it was booked). Activities of marketing, partner or other users
    are not sales touches.

    Incremental by activity (macros/incremental.sql). An activity's rows follow from its own
    record, its owner and the lead journeys its WhoId names, so an incremental build
    computes again the activities a newer load brought, those owned by a user a newer load
    brought, those on a lead or contact of a journey int_journeys_identified computed again
    (journeys_reidentified), and those with a row on such a journey (a deleted lead, a lead
    converted to another contact). Of those it writes only the activities whose rows differ
    from the built ones (compared by a count and summed row digests, macros/digest.sql):
    every activity on a lead a load brought a new version of is read again, and most make
    the rows they made (at 10M leads a day read 1.6M rows again). An activity that no longer
    makes a touch is written as a retired row (touched_at null) that replaces its old rows
    and is then deleted, as int_touches_unioned retires a touch; the journeys whose rows went
    (an activity retired or moved to another journey) are recorded in
    intermediate.int_sales_touches_unioned__gone (gone_key, macros/gone_rows.sql). It was a
    table rewritten by difference until session 30: computed whole, 12.9 s of a 10M-lead
    daily build.

    _seen_up_to: the newest load in raw when the row was written. -#}
-- depends_on: {{ ref('stg_salesforce__leads') }}, {{ ref('int_hubspot_contacts_matched') }}, {{ ref('stg_salesforce__users') }}
{{ config(
    materialized=incremental_fact(),
    unique_key='activity_id',
    incremental_strategy='delete_insert_recording_gone_keys',
    gone_key='journey_id',
    post_hook=[
        "{% if is_incremental() %}delete from {{ this }} where touched_at is null{% endif %}",
        "{{ gone_rows_emptied_by_a_full_build() }}",
    ],
) }}

with

newest_load as (

    {{ newest_load() }}

),

journeys as {{ not_materialized() }} (

    select * from {{ ref('int_journeys_identified') }}
    where journey_type = 'salesforce_lead'

),

{%- if is_incremental() %}

-- the lead journeys computed again since this model's newest load, a gone one among them
reidentified_journeys as (

    {{ journeys_reidentified() }}

),

-- the leads and contacts whose journeys those are now
reidentified_records as (

    select journeys.lead_id as record_id
    from journeys
    where journeys.journey_id in (select reidentified_journeys.journey_id from reidentified_journeys)
    union all
    select journeys.contact_id as record_id
    from journeys
    where journeys.journey_id in (select reidentified_journeys.journey_id from reidentified_journeys)
        and journeys.contact_id is not null

),

-- activities with a row on one of those journeys, whatever the journey is now
rebuilt_activities as (

    select built.activity_id
    from {{ this }} as built
    where built.journey_id in (select reidentified_journeys.journey_id from reidentified_journeys)

),

changed_owners as (

    select user_id
    from {{ ref('stg_salesforce__users') }}
    where _load_id > {{ loaded_up_to('_seen_up_to') }}

),

{%- endif %}

{#- In an incremental build, the records of the activities to compute again (and, by id,
    those with a row on a journey computed again). #}
{%- set reread %}
    where _load_id > {{ loaded_up_to('_seen_up_to') }}
        or who_id in (select reidentified_records.record_id from reidentified_records)
        or owner_id in (select changed_owners.user_id from changed_owners)
{%- endset %}

tasks as (

    select * from {{ ref('stg_salesforce__tasks') }}
    {%- if is_incremental() %}
    {{- reread }}
        or task_id in (select rebuilt_activities.activity_id from rebuilt_activities)
    {%- endif %}

),

events as (

    select * from {{ ref('stg_salesforce__events') }}
    {%- if is_incremental() %}
    {{- reread }}
        or event_id in (select rebuilt_activities.activity_id from rebuilt_activities)
    {%- endif %}

),

owners as (

    select * from {{ ref('dim_owner') }}

),

activities as (

    select
        task_id as activity_id,
        'task' as activity_type,
        who_id,
        owner_id,
        created_at as touched_at,
        is_deleted
    from tasks

    union all

    select
        event_id as activity_id,
        'event' as activity_type,
        who_id,
        owner_id,
        {{ least_not_null(['created_at', 'activity_at']) }} as touched_at,
        is_deleted
    from events

),

sales_activities as (

    select activities.*
    from activities
    inner join owners
        on activities.owner_id = owners.owner_id
    where owners.is_sales
        and not activities.is_deleted
        and activities.who_id is not null
        and activities.touched_at is not null

),

on_leads as (

    select
        journeys.journey_id,
        sales_activities.activity_id,
        sales_activities.activity_type,
        sales_activities.owner_id,
        sales_activities.touched_at,
        'lead' as touched_record
    from sales_activities
    inner join journeys
        on sales_activities.who_id = journeys.lead_id

),

on_contacts as (

    select
        journeys.journey_id,
        sales_activities.activity_id,
        sales_activities.activity_type,
        sales_activities.owner_id,
        sales_activities.touched_at,
        'contact' as touched_record
    from sales_activities
    inner join journeys
        on sales_activities.who_id = journeys.contact_id

),

touches as (

    select * from on_leads
    union all
    select * from on_contacts

),

{%- if is_incremental() %}

-- the built rows of every activity computed again
built_rows as (

    select built.*
    from {{ this }} as built
    where built.activity_id in (
        select tasks.task_id from tasks
        union all
        select events.event_id from events
    )

),

{%- set compared = ['journey_id', 'activity_type', 'owner_id', 'touched_at', 'touched_record'] %}

touch_digests as (

    select
        activity_id,
        count(*) as touch_rows,
        sum({{ row_digest(compared) }}) as rows_digest
    from touches
    group by activity_id

),

built_digests as (

    select
        activity_id,
        count(*) as touch_rows,
        sum({{ row_digest(compared) }}) as rows_digest
    from built_rows
    group by activity_id

),

-- Most activities read again make the rows they made (every activity on a lead that a load
-- brought a new version of is read again): only those whose rows differ are written.
changed_activities as (

    select coalesce(touch_digests.activity_id, built_digests.activity_id) as activity_id
    from touch_digests
    full outer join built_digests
        on touch_digests.activity_id = built_digests.activity_id
    where touch_digests.touch_rows is distinct from built_digests.touch_rows
        or touch_digests.rows_digest is distinct from built_digests.rows_digest

),

{%- endif %}

touch_rows as (

    select * from touches

    {%- if is_incremental() %}
    where activity_id in (select changed_activities.activity_id from changed_activities)

    union all

    -- built activities that no longer make a touch: retired (replaced, then deleted; no
    -- journey, so that the journey it left is recorded gone)
    select
        cast(null as {{ dbt.type_string() }}) as journey_id,
        built_rows.activity_id,
        built_rows.activity_type,
        built_rows.owner_id,
        cast(null as {{ dbt.type_timestamp() }}) as touched_at,
        built_rows.touched_record
    from built_rows
    where built_rows.activity_id not in (select touches.activity_id from touches)

    {%- endif %}

),

final as (

    select
        touch_rows.*,
        newest_load.load_id as _seen_up_to
    from touch_rows
    cross join newest_load

)

select * from final
