{#- One row per conversion (int_conversions_listed) and touch of its journey in its lookback
    window (fct_touchpoints: touched_at from window_start_at to converted_at, both included),
    with a weight for each attribution model. Touches are ordered by time (then touch_id);
    position 1 is the first, position touches_in_window the last. Key touches:
    the lead-creation touch is the last touch at or before the lead was created, the
    opportunity-creation touch the last at or before the opportunity was created (for a
    conversion before any opportunity: the conversion itself); when no touch came that early,
    the first touch holds the role. A touch holding several roles gets their shares added;
    the spread share goes in equal parts to the touches holding none; each model's shares are
    divided by their sum per conversion, so the weights of every conversion and model sum to
    1 (to 12 decimals). A conversion with no touch in its window is one row with campaign
    `unattributed` and every weight 1. Window functions per conversion only: no touch is
    joined to another touch.

    Incremental by journey: a journey's rows follow from its conversions and touches alone,
    so a build computes again the journeys with a row of either (attribution_inputs())
    written or gone since its last build (macros/incremental.sql: journeys_written_or_gone;
    both are tables rewritten by difference, which mark every row they write and record the
    journeys whose rows went), and the conversions without a journey (no touch: one
    unattributed row each).
    _seen_up_to: the newest load in raw when the row was written. -#}
{{ config(
    materialized=incremental_fact(),
    unique_key='journey_id',
    pre_hook="{{ rebuilt_rows_deleted('journey_id', journeys_written_or_gone(attribution_inputs()), also_where='journey_id is null') }}",
) }}

{%- set config = attribution_config() %}
{%- set u = config['u_shaped'] %}
{%- set w = config['w_shaped'] %}
{%- set f = config['full_path'] %}
{%- set half_life = config['time_decay_half_life_days'] | float %}

with

conversions as {{ not_materialized() }} (

    select * from {{ ref('int_conversions_listed') }}
    {%- if is_incremental() %}
    where journey_id is null
        or journey_id in ({{ journeys_written_or_gone(attribution_inputs()) }})
    {%- endif %}

),

touches as (

    select * from {{ ref('fct_touchpoints') }}
    {%- if is_incremental() %}
    where journey_id in ({{ journeys_written_or_gone(attribution_inputs()) }})
    {%- endif %}

),

windowed as (

    select
        conversions.conversion_id,
        conversions.milestone,
        conversions.journey_id,
        conversions.opportunity_id,
        conversions.account_id,
        conversions.converted_at,
        conversions.conversion_month,
        conversions.amount,
        conversions.lead_created_at,
        coalesce(conversions.opportunity_created_at, conversions.converted_at) as opportunity_moment_at,
        touches.touch_id,
        touches.touched_at,
        touches.touch_kind,
        touches.campaign_key,
        touches.campaign_name,
        touches.channel
    from conversions
    inner join touches
        on conversions.journey_id = touches.journey_id
            and conversions.converted_at >= touches.touched_at
            and conversions.window_start_at <= touches.touched_at

),

-- the time-decay share needs only the touch's age, so its total joins the one window pass
decayed as (

    select
        *,
        {{ half_life_decay('days_before_conversion', half_life) }} as time_decay_share
    from (
        select
            *,
            cast({{ dbt.datediff('touched_at', 'converted_at', 'second') }} as {{ type_double() }}) / 86400 as days_before_conversion
        from windowed
    ) as aged

),

-- One window pass per conversion: every window here shares its partition, so the rows are
-- sorted once (at 10M leads three passes over 30M rows were half the model's time). The
-- touches at or before a moment come first in touch order, so how many there are is the
-- position of the last of them.
positioned as (

    select
        *,
        row_number() over (partition by conversion_id order by touched_at, touch_id) as touch_position,
        count(*) over (partition by conversion_id) as touches_in_window,
        count(case when touched_at <= lead_created_at then 1 end) over (partition by conversion_id) as touches_to_lead_created,
        count(case when touched_at <= opportunity_moment_at then 1 end) over (partition by conversion_id) as touches_to_opportunity,
        sum(time_decay_share) over (partition by conversion_id) as time_decay_total
    from decayed

),

keyed as (

    select
        *,
        case when touches_to_lead_created > 0 then touches_to_lead_created else 1 end as lead_position,
        case when touches_to_opportunity > 0 then touches_to_opportunity else 1 end as opportunity_position
    from positioned

),

counted as (

    select
        *,
        1
        + case when lead_position <> 1 then 1 else 0 end
        + case when opportunity_position <> 1 and opportunity_position <> lead_position then 1 else 0 end
            as w_key_touches,
        1
        + case when lead_position <> 1 then 1 else 0 end
        + case when opportunity_position <> 1 and opportunity_position <> lead_position then 1 else 0 end
        + case
            when touches_in_window <> 1
                and touches_in_window <> lead_position
                and touches_in_window <> opportunity_position
                then 1
            else 0
        end as full_key_touches
    from keyed

),

-- Each model's share of the touch, and the shares' total over the conversion, which for the
-- position-based models follows from the key positions: every key share goes to one touch,
-- and the spread share is spread only when some touch holds no key role.
shares as (

    select
        *,
        case when touch_position = 1 then {{ u['first'] }} else 0 end
        + case when touch_position = touches_in_window then {{ u['last'] }} else 0 end
        + case
            when touch_position > 1 and touch_position < touches_in_window
                then cast({{ 1 - u['first'] - u['last'] }} as {{ type_double() }}) / nullif(touches_in_window - 2, 0)
            else 0
        end as u_shaped_share,
        cast(
            {{ u['first'] }} + {{ u['last'] }}
            + case when touches_in_window > 2 then {{ 1 - u['first'] - u['last'] }} else 0 end
            as {{ type_double() }}
        ) as u_shaped_total,
        case when touch_position = 1 then {{ w['first'] }} else 0 end
        + case when touch_position = lead_position then {{ w['lead_created'] }} else 0 end
        + case when touch_position = opportunity_position then {{ w['opportunity_created'] }} else 0 end
        + case
            when touch_position not in (1, lead_position, opportunity_position)
                then cast({{ 1 - w['first'] - w['lead_created'] - w['opportunity_created'] }} as {{ type_double() }})
                    / nullif(touches_in_window - w_key_touches, 0)
            else 0
        end as w_shaped_share,
        cast(
            {{ w['first'] }} + {{ w['lead_created'] }} + {{ w['opportunity_created'] }}
            + case
                when touches_in_window > w_key_touches
                    then {{ 1 - w['first'] - w['lead_created'] - w['opportunity_created'] }}
                else 0
            end
            as {{ type_double() }}
        ) as w_shaped_total,
        case when touch_position = 1 then {{ f['first'] }} else 0 end
        + case when touch_position = lead_position then {{ f['lead_created'] }} else 0 end
        + case when touch_position = opportunity_position then {{ f['opportunity_created'] }} else 0 end
        + case when touch_position = touches_in_window then {{ f['won'] }} else 0 end
        + case
            when touch_position not in (1, lead_position, opportunity_position, touches_in_window)
                then cast({{ 1 - f['first'] - f['lead_created'] - f['opportunity_created'] - f['won'] }} as {{ type_double() }})
                    / nullif(touches_in_window - full_key_touches, 0)
            else 0
        end as full_path_share,
        cast(
            {{ f['first'] }} + {{ f['lead_created'] }} + {{ f['opportunity_created'] }} + {{ f['won'] }}
            + case
                when touches_in_window > full_key_touches
                    then {{ 1 - f['first'] - f['lead_created'] - f['opportunity_created'] - f['won'] }}
                else 0
            end
            as {{ type_double() }}
        ) as full_path_total
    from counted

),

weighted as (

    select
        conversion_id,
        milestone,
        journey_id,
        opportunity_id,
        account_id,
        converted_at,
        conversion_month,
        amount,
        touch_id,
        touched_at,
        touch_kind,
        campaign_key,
        campaign_name,
        channel,
        touch_position,
        touches_in_window,
        days_before_conversion,
        true as is_attributed,
        cast(case when touch_position = 1 then 1 else 0 end as {{ type_double() }}) as weight_first_touch,
        cast(case when touch_position = touches_in_window then 1 else 0 end as {{ type_double() }}) as weight_last_touch,
        {{ round_double('cast(1 as ' ~ type_double() ~ ') / touches_in_window', 12) }} as weight_linear,
        {%- for model in ['u_shaped', 'w_shaped', 'full_path', 'time_decay'] %}
        {{ round_double(model ~ '_share / ' ~ model ~ '_total', 12) }}
            as weight_{{ model }}{{ "," if not loop.last }}
        {%- endfor %}
    from shares

),

attributed_conversions as (

    select distinct conversion_id from windowed

),

unattributed as (

    select
        conversions.conversion_id,
        conversions.milestone,
        conversions.journey_id,
        conversions.opportunity_id,
        conversions.account_id,
        conversions.converted_at,
        conversions.conversion_month,
        conversions.amount,
        cast(null as {{ dbt.type_string() }}) as touch_id,
        cast(null as {{ dbt.type_timestamp() }}) as touched_at,
        cast(null as {{ dbt.type_string() }}) as touch_kind,
        'unattributed' as campaign_key,
        'Unattributed (no touch in the window)' as campaign_name,
        'unattributed' as channel,
        cast(null as {{ dbt.type_bigint() }}) as touch_position,
        cast(0 as {{ dbt.type_bigint() }}) as touches_in_window,
        cast(null as {{ type_double() }}) as days_before_conversion,
        false as is_attributed
        {%- for model in attribution_models() %},
        cast(1 as {{ type_double() }}) as weight_{{ model }}
        {%- endfor %}
    from conversions
    left join attributed_conversions
        on conversions.conversion_id = attributed_conversions.conversion_id
    where attributed_conversions.conversion_id is null

),

newest_load as (

    {{ newest_load() }}

),

final as (

    select
        attributed.*,
        newest_load.load_id as _seen_up_to
    from (
        select * from weighted
        union all
        select * from unattributed
    ) as attributed
    cross join newest_load

)

select * from final
