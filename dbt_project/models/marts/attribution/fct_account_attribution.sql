{#- The account-based view: the opportunity attribution of fct_attribution summed per account
    (the opportunity's account), campaign, channel and model. A buying group has many people:
    the touches of every person whose journey led to an account's opportunities count for the
    account. Opportunities without a touch show under campaign `unattributed`.

    Incremental by account: an account's rows follow from its rows of fct_attribution alone,
    so a build computes again the accounts with a row of it written since its last build or
    recorded gone (intermediate.fct_attribution__gone: an opportunity moved to another
    account, a conversion gone) and leaves the others as they are; a day's journeys touch
    about a fifth of the accounts (docs/performance.md, session 37).
    _seen_up_to: the newest load in raw when the row was written. -#}
{{ config(
    materialized=incremental_fact(),
    unique_key='account_id',
    pre_hook="{{ rebuilt_rows_deleted('account_id', keys_written_or_gone(['fct_attribution'], 'account_id')) }}",
) }}

with

attribution as (

    select * from {{ ref('fct_attribution') }}
    where milestone in ('opportunity_created', 'won')
        and account_id is not null
        {%- if is_incremental() %}
        and account_id in ({{ keys_written_or_gone(['fct_attribution'], 'account_id') }})
        {%- endif %}

),

wide as (

    select
        account_id,
        campaign_key,
        campaign_name,
        channel,
        count(distinct journey_id) as people_credited,
        count(distinct case when milestone = 'opportunity_created' then opportunity_id end) as opportunities_touched
        {%- for model in attribution_models() %},
        sum(case when milestone = 'opportunity_created' then weight_{{ model }} else 0 end) as opportunities_{{ model }},
        sum(case when milestone = 'opportunity_created' then weight_{{ model }} * amount else 0 end) as pipeline_{{ model }},
        sum(case when milestone = 'won' then weight_{{ model }} else 0 end) as won_deals_{{ model }},
        sum(case when milestone = 'won' then weight_{{ model }} * amount else 0 end) as won_revenue_{{ model }}
        {%- endfor %}
    from attribution
    group by account_id, campaign_key, campaign_name, channel

),

newest_load as (

    {{ newest_load() }}

),

by_model as (

    {%- for model in attribution_models() %}
    select
        account_id,
        campaign_key,
        campaign_name,
        channel,
        '{{ model }}' as attribution_model,
        people_credited,
        opportunities_touched,
        opportunities_{{ model }} as attributed_opportunities,
        coalesce(pipeline_{{ model }}, 0) as attributed_pipeline,
        won_deals_{{ model }} as attributed_won_deals,
        coalesce(won_revenue_{{ model }}, 0) as attributed_won_revenue
    from wide
    {% if not loop.last %}union all{% endif %}
    {%- endfor %}

),

final as (

    select
        by_model.*,
        newest_load.load_id as _seen_up_to
    from by_model
    cross join newest_load

)

select * from final
