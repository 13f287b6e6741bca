{#- The stays of each lead journey in nurture, whatever the as-of moment: what fct_nurture_pool
    shows, before the as-of moment decides which stays have begun, which are in the pool and
    how old they are. A journey is in nurture
      not_ready  from its creation until it is handed over, accepted, qualified, rejected or
                 recycled (whichever comes first): it never reached the sales-ready line yet;
      rejected   from the first rejection of its handoff until sales accepts or qualifies it
                 or marketing hands it over again;
      recycled   from the first time it was sent back to nurture (when not already in a
                 rejected stay) until sales accepts or qualifies it or it is handed over again;
      stalled    accepted, then no sales touch for stalled_days (of the version in force at
                 the last touch): from that moment until the next sales touch, or until it is
                 qualified, disqualified or recycled.
    Stays of one journey never overlap. The funnel keeps the first date of each stage, so a
    second rejection or recycle of the same lead is not seen.

    A stay not ended is kept even when it begins after the as-of moment (a stall due after
    the latest event): fct_nurture_pool leaves those out. Every other moment here is an event
    of the exports, none later than the as-of moment (int_kpi_as_of is the latest of them),
    so a stay not ended reads all its touches, as it would up to the as-of moment.

    Incremental by journey (macros/kpi/kpi_helpers.sql: nurture_inputs): a journey's stays
    follow from its funnel row and touches alone, so a build computes again the journeys
    with a funnel row, a sales touch or a marketing touch written or gone since its last
    build (each marks the rows it writes and records the journeys whose rows went; a digest
    of them per journey, int_nurture_inputs_digested, did until session 32). _seen_up_to:
    the newest load in raw when the row was written. -#}
{{ config(
    materialized=incremental_fact(),
    unique_key='journey_id',
    pre_hook="{{ rebuilt_rows_deleted('journey_id', journeys_written_or_gone(nurture_inputs())) }}",
) }}
{%- set handoff_column = funnel_handoff_column() -%}

with

{%- if is_incremental() %}

-- read by the three imports below: computed once
rebuilt_journeys as (

    {{ journeys_written_or_gone(nurture_inputs()) }}

),
{%- endif %}

marketing_touches as (

    select * from {{ ref('int_touches_unioned') }}
    {%- if is_incremental() %}
    where journey_id in (select rebuilt_journeys.journey_id from rebuilt_journeys)
    {%- endif %}

),

sales_touches as {{ not_materialized() }} (

    select * from {{ ref('int_sales_touches_unioned') }}
    {%- if is_incremental() %}
    where journey_id in (select rebuilt_journeys.journey_id from rebuilt_journeys)
    {%- endif %}

),

versions as {{ not_materialized() }} (

    select * from {{ ref('int_lead_definitions_in_force') }}

),

newest_load as (

    {{ newest_load() }}

),

-- the funnel's columns the stays read, and no more: every stay below reads this import, so
-- DuckDB materializes it, and `select *` copied every column of every journey (at 10M leads
-- the model 39.6-39.9 s against 40.1-43.7 s)
journeys as (

    select
        journey_id,
        lead_id,
        sourced_by,
        channel,
        owner_id,
        created_at,
        {{ handoff_column }} as handed_over_at,
        sal_at,
        rejected_at,
        recycled_at,
        sql_at,
        disqualified_at
    from {{ ref('fct_lead_funnel') }}
    {%- if is_incremental() %}
    where journey_id in (select rebuilt_journeys.journey_id from rebuilt_journeys)
    {%- endif %}

),

not_ready as (

    select
        journey_id,
        'not_ready' as nurture_reason,
        created_at as entered_nurture_at,
        {{ least_not_null(['handed_over_at', 'sal_at', 'sql_at', 'rejected_at', 'recycled_at']) }} as exited_nurture_at
    from journeys

),

rejected as (

    select
        journey_id,
        'rejected' as nurture_reason,
        rejected_at as entered_nurture_at,
        {{ least_not_null([
            'case when sal_at > rejected_at then sal_at end',
            'case when sql_at > rejected_at then sql_at end',
            'case when handed_over_at > rejected_at then handed_over_at end',
        ]) }} as exited_nurture_at
    from journeys
    where rejected_at is not null

),

-- a recycle during a rejected stay belongs to that stay
recycled as (

    select
        journeys.journey_id,
        'recycled' as nurture_reason,
        journeys.recycled_at as entered_nurture_at,
        {{ least_not_null([
            'case when journeys.sal_at > journeys.recycled_at then journeys.sal_at end',
            'case when journeys.sql_at > journeys.recycled_at then journeys.sql_at end',
            'case when journeys.handed_over_at > journeys.recycled_at then journeys.handed_over_at end',
        ]) }} as exited_nurture_at
    from journeys
    left join rejected
        on journeys.journey_id = rejected.journey_id
    where journeys.recycled_at is not null
        and (
            rejected.journey_id is null
            or journeys.recycled_at < rejected.entered_nurture_at
            or journeys.recycled_at >= rejected.exited_nurture_at
        )

),

-- accepted journeys: sales works them from acceptance until they are qualified, disqualified
-- or recycled; each gap between sales touches in that time may stall them
worked as (

    select
        journey_id,
        sal_at,
        {{ least_not_null([
            'sql_at',
            'disqualified_at',
            'case when recycled_at > sal_at then recycled_at end',
        ]) }} as worked_until
    from journeys
    where sal_at is not null

),

work_moments as (

    select
        journey_id,
        sal_at as moment,
        worked_until
    from worked

    union all

    select
        worked.journey_id,
        sales_touches.touched_at as moment,
        worked.worked_until
    from worked
    inner join sales_touches
        on worked.journey_id = sales_touches.journey_id
            and worked.sal_at < sales_touches.touched_at
            and (worked.worked_until is null or worked.worked_until > sales_touches.touched_at)

),

work_gaps as (

    select
        work_moments.journey_id,
        work_moments.moment,
        work_moments.worked_until,
        lead(work_moments.moment) over (
            partition by work_moments.journey_id
            order by work_moments.moment
        ) as next_touch_at,
        versions.stalled_days
    from work_moments
    left join versions
        on work_moments.moment >= versions.effective_from
            and (work_moments.moment < versions.effective_to or versions.effective_to is null)

),

-- a gap stalls the lead stalled_days after its last sales touch (or the acceptance)
stall_candidates as (

    select
        journey_id,
        {{ dbt.dateadd('day', 'stalled_days', 'moment') }} as entered_nurture_at,
        {{ least_not_null(['next_touch_at', 'worked_until']) }} as exited_nurture_at
    from work_gaps
    where stalled_days is not null

),

stalled as (

    select
        journey_id,
        'stalled' as nurture_reason,
        entered_nurture_at,
        exited_nurture_at
    from stall_candidates

),

stays as (

    select * from not_ready
    union all
    select * from rejected
    union all
    select * from recycled
    union all
    select * from stalled

),

-- a stay that ends the moment it starts never held the lead in nurture
real_stays as (

    select
        stays.journey_id,
        stays.nurture_reason,
        stays.entered_nurture_at,
        stays.exited_nurture_at,
        case
            when stays.exited_nurture_at is null then null
            when stays.exited_nurture_at = journeys.handed_over_at then 'handed_over'
            when stays.exited_nurture_at = journeys.sal_at then 'accepted'
            when stays.exited_nurture_at = journeys.sql_at then 'qualified'
            when stays.exited_nurture_at = journeys.rejected_at then 'rejected'
            when stays.exited_nurture_at = journeys.recycled_at then 'recycled'
            when stays.exited_nurture_at = journeys.disqualified_at then 'disqualified'
            else 'sales_touch'
        end as exit_reason,
        -- numbered here, on the narrow stays: a window over the measured rows sorted every
        -- column of them (a quarter of the model's CPU at 10M leads)
        row_number() over (
            partition by stays.journey_id
            order by stays.entered_nurture_at
        ) as stay_number
    from stays
    inner join journeys
        on stays.journey_id = journeys.journey_id
    where stays.exited_nurture_at is null or stays.exited_nurture_at > stays.entered_nurture_at

),

stay_touches as (

    select
        real_stays.journey_id,
        real_stays.entered_nurture_at,
        max(marketing_touches.touched_at) as last_marketing_touch_at,
        max(
            case when marketing_touches.touched_at > real_stays.entered_nurture_at then 1 else 0 end
        ) as touched_in_nurture
    from real_stays
    inner join marketing_touches
        on real_stays.journey_id = marketing_touches.journey_id
            and (real_stays.exited_nurture_at is null or real_stays.exited_nurture_at >= marketing_touches.touched_at)
    group by
        real_stays.journey_id,
        real_stays.entered_nurture_at

),

stay_sales_touches as (

    select
        real_stays.journey_id,
        real_stays.entered_nurture_at,
        max(sales_touches.touched_at) as last_sales_touch_at
    from real_stays
    inner join sales_touches
        on real_stays.journey_id = sales_touches.journey_id
            and (real_stays.exited_nurture_at is null or real_stays.exited_nurture_at >= sales_touches.touched_at)
    group by
        real_stays.journey_id,
        real_stays.entered_nurture_at

),

final as (

    select
        {{ dbt.concat(["real_stays.journey_id", "':'", "cast(real_stays.stay_number as " ~ dbt.type_string() ~ ")"]) }} as nurture_stay_id,
        real_stays.journey_id,
        journeys.lead_id,
        journeys.sourced_by,
        journeys.channel,
        journeys.owner_id,
        real_stays.stay_number,
        real_stays.nurture_reason,
        real_stays.entered_nurture_at,
        {{ reporting_month('real_stays.entered_nurture_at') }} as entered_month,
        real_stays.exited_nurture_at,
        real_stays.exit_reason,
        stay_touches.last_marketing_touch_at,
        stay_sales_touches.last_sales_touch_at,
        coalesce(stay_touches.touched_in_nurture, 0) = 1 as touched_in_nurture,
        newest_load.load_id as _seen_up_to
    from real_stays
    inner join journeys
        on real_stays.journey_id = journeys.journey_id
    left join stay_touches
        on real_stays.journey_id = stay_touches.journey_id
            and real_stays.entered_nurture_at = stay_touches.entered_nurture_at
    left join stay_sales_touches
        on real_stays.journey_id = stay_sales_touches.journey_id
            and real_stays.entered_nurture_at = stay_sales_touches.entered_nurture_at
    cross join newest_load

)

select * from final
