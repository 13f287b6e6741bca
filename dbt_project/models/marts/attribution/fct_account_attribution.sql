{#- The account-based view: the opportunity attribution of fct_attribution summed per account
    (the opportunity's account), campaign, channel and model. A buying group has many people:
    the touches of every person whose journey led to an account's opportunities count for the
    account. Opportunities without a touch show under campaign `unattributed`. A sum holding an
    opportunity whose currency has no FX rate is null, not too small (macros/currency.sql). -#}

with

attribution as (

    select * from {{ ref('fct_attribution') }}
    where milestone in ('opportunity_created', 'won')
        and account_id is not null

),

wide as (

    select
        account_id,
        campaign_key,
        campaign_name,
        channel,
        count(distinct journey_id) as people_credited,
        count(distinct case when milestone = 'opportunity_created' then opportunity_id end) as opportunities_touched,
        -- an opportunity's amount is null only without an FX rate (int_conversions_listed)
        count(case when milestone = 'opportunity_created' and amount is null then 1 end) as unconverted_pipeline,
        count(case when milestone = 'won' and amount is null then 1 end) as unconverted_won
        {%- for model in attribution_models() %},
        sum(case when milestone = 'opportunity_created' then weight_{{ model }} else 0 end) as opportunities_{{ model }},
        sum(case when milestone = 'opportunity_created' then weight_{{ model }} * amount else 0 end) as pipeline_{{ model }},
        sum(case when milestone = 'won' then weight_{{ model }} else 0 end) as won_deals_{{ model }},
        sum(case when milestone = 'won' then weight_{{ model }} * amount else 0 end) as won_revenue_{{ model }}
        {%- endfor %}
    from attribution
    group by account_id, campaign_key, campaign_name, channel

),

final as (

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
        case when unconverted_pipeline = 0 then coalesce(pipeline_{{ model }}, 0) end as attributed_pipeline,
        won_deals_{{ model }} as attributed_won_deals,
        case when unconverted_won = 0 then coalesce(won_revenue_{{ model }}, 0) end as attributed_won_revenue
    from wide
    {% if not loop.last %}union all{% endif %}
    {%- endfor %}

)

select * from final
