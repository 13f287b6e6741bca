{#- Warn only: Salesforce tasks and events whose WhoId names no lead or contact of the
    exports (a partial export, a person deleted before it). Their sales touch has no journey,
    so int_sales_touches_unioned cannot count it; this says how many, per activity type.
    Every activity, every build, as every warning: one reported yesterday is still there. -#}
{{ config(severity='warn', meta={'dagster': {'ref': {'name': 'stg_salesforce__tasks'}}}) }}

with

activities as (
    {%- for activity_type, model in [('task', 'stg_salesforce__tasks'), ('event', 'stg_salesforce__events')] %}
    {%- if not loop.first %}

    union all
    {%- endif %}

    select '{{ activity_type }}' as activity_type, {{ activity_type }}_id as activity_id, who_id
    from {{ ref(model) }}
    where who_id is not null
        and not is_deleted
    {%- endfor %}

),

people as (

    select lead_id as person_id from {{ ref('stg_salesforce__leads') }}
    union all
    select contact_id as person_id from {{ ref('stg_salesforce__contacts') }}

),

unknown as (

    select activities.*
    from activities
    left join people
        on activities.who_id = people.person_id
    where people.person_id is null

),

final as (

    select
        activity_type,
        count(*) as activities,
        min(who_id) as first_unknown_who_id
    from unknown
    group by activity_type

)

select * from final
