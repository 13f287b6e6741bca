{#- Campaign ROI per canonical campaign, month, channel and attribution model: spend in the
    reporting currency (int_campaign_spend_converted), touches (fct_touchpoints, by touch
    month) and the attributed conversions of the month (fct_attribution, by conversion month;
    weights summed, amounts times weights). Spend of a campaign no touch of the warehouse ever
    reached is no campaign line: it shows as the line `unexplained_spend` of its month and
    channel. Conversions with no touch show as the line `unattributed`. Platform-reported
    conversions are never read. Ratios are null when their denominator is 0. A line's spend
    holding an amount whose currency has no FX rate is null, not too small or 0
    (macros/currency.sql), and so are its costs per conversion and ROI; so are a line's
    attributed pipeline and won revenue when they hold an opportunity without a rate. -#}

with

attribution as (

    select * from {{ ref('fct_attribution') }}

),

touches as {{ not_materialized() }} (

    select * from {{ ref('fct_touchpoints') }}

),

spend as (

    select * from {{ ref('int_campaign_spend_converted') }}

),

touched_campaigns as (

    select distinct campaign_key from touches

),

spend_lines as (

    select
        case when touched_campaigns.campaign_key is null then 'unexplained_spend' else spend.campaign_key end as campaign_key,
        case
            when touched_campaigns.campaign_key is null then 'Spend no touch explains'
            else spend.campaign_name
        end as campaign_name,
        spend.channel,
        spend.spend_month as report_month,
        {{ sum_converted('spend.spend', 'spend.spend_original') }} as spend,
        {{ sum_converted('spend.spend', 'spend.spend_original', "spend.spend_source = 'ad_platform'") }} as ad_platform_spend,
        {{ sum_converted('spend.spend', 'spend.spend_original', "spend.spend_source = 'salesforce_campaign'") }} as campaign_cost,
        count(distinct case when touched_campaigns.campaign_key is null then spend.campaign_key end) as unexplained_campaigns
    from spend
    left join touched_campaigns
        on spend.campaign_key = touched_campaigns.campaign_key
    group by
        case when touched_campaigns.campaign_key is null then 'unexplained_spend' else spend.campaign_key end,
        case
            when touched_campaigns.campaign_key is null then 'Spend no touch explains'
            else spend.campaign_name
        end,
        spend.channel,
        spend.spend_month

),

touch_lines as (

    select
        campaign_key,
        campaign_name,
        channel,
        touch_month as report_month,
        count(*) as touches,
        count(distinct journey_id) as people_touched
    from touches
    group by campaign_key, campaign_name, channel, touch_month

),

-- every model's weights summed per line and milestone, in one pass
attributed_wide as (

    select
        campaign_key,
        campaign_name,
        channel,
        conversion_month as report_month,
        milestone,
        -- an opportunity's amount is null only without an FX rate (int_conversions_listed)
        count(case when opportunity_id is not null and amount is null then 1 end) as unconverted_amounts
        {%- for model in attribution_models() %},
        sum(weight_{{ model }}) as conversions_{{ model }},
        sum(weight_{{ model }} * amount) as amount_{{ model }}
        {%- endfor %}
    from attribution
    group by campaign_key, campaign_name, channel, conversion_month, milestone

),

attributed as (

    {%- for model in attribution_models() %}
    select
        campaign_key,
        campaign_name,
        channel,
        report_month,
        '{{ model }}' as attribution_model,
        sum(case when milestone = 'lead_created' then conversions_{{ model }} else 0 end) as attributed_leads,
        sum(case when milestone = 'mql' then conversions_{{ model }} else 0 end) as attributed_mqls,
        sum(case when milestone = 'sal' then conversions_{{ model }} else 0 end) as attributed_sals,
        sum(case when milestone = 'opportunity_created' then conversions_{{ model }} else 0 end) as attributed_opportunities,
        case
            when count(case when milestone = 'opportunity_created' and unconverted_amounts > 0 then 1 end) = 0
                then sum(case when milestone = 'opportunity_created' then amount_{{ model }} else 0 end)
        end as attributed_pipeline,
        sum(case when milestone = 'won' then conversions_{{ model }} else 0 end) as attributed_won_deals,
        case
            when count(case when milestone = 'won' and unconverted_amounts > 0 then 1 end) = 0
                then sum(case when milestone = 'won' then amount_{{ model }} else 0 end)
        end as attributed_won_revenue
    from attributed_wide
    group by campaign_key, campaign_name, channel, report_month
    {% if not loop.last %}union all{% endif %}
    {%- endfor %}

),

lines as (

    select campaign_key, campaign_name, channel, report_month from spend_lines
    union
    select campaign_key, campaign_name, channel, report_month from touch_lines
    union
    select campaign_key, campaign_name, channel, report_month from attributed

),

models as (

    {%- for model in attribution_models() %}
    select '{{ model }}' as attribution_model
    {% if not loop.last %}union all{% endif %}
    {%- endfor %}

),

combined as (

    select
        lines.campaign_key,
        lines.campaign_name,
        lines.channel,
        lines.report_month,
        models.attribution_model,
        case
            when lines.campaign_key in ('unmapped', 'no_campaign', 'unattributed', 'unexplained_spend')
                then lines.campaign_key
            else 'campaign'
        end as line_type,
        -- a line without spend spent 0; a line whose spend has no FX rate keeps its null
        {%- for amount in ['spend', 'ad_platform_spend', 'campaign_cost', 'unexplained_campaigns'] %}
        case when spend_lines.campaign_key is null then 0 else spend_lines.{{ amount }} end as {{ amount }},
        {%- endfor %}
        coalesce(touch_lines.touches, 0) as touches,
        coalesce(touch_lines.people_touched, 0) as people_touched,
        coalesce(attributed.attributed_leads, 0) as attributed_leads,
        coalesce(attributed.attributed_mqls, 0) as attributed_mqls,
        coalesce(attributed.attributed_sals, 0) as attributed_sals,
        coalesce(attributed.attributed_opportunities, 0) as attributed_opportunities,
        case when attributed.campaign_key is null then 0 else attributed.attributed_pipeline end as attributed_pipeline,
        coalesce(attributed.attributed_won_deals, 0) as attributed_won_deals,
        case when attributed.campaign_key is null then 0 else attributed.attributed_won_revenue end as attributed_won_revenue
    from lines
    cross join models
    left join spend_lines
        on lines.campaign_key = spend_lines.campaign_key
            and lines.campaign_name = spend_lines.campaign_name
            and lines.channel = spend_lines.channel
            and lines.report_month = spend_lines.report_month
    left join touch_lines
        on lines.campaign_key = touch_lines.campaign_key
            and lines.campaign_name = touch_lines.campaign_name
            and lines.channel = touch_lines.channel
            and lines.report_month = touch_lines.report_month
    left join attributed
        on lines.campaign_key = attributed.campaign_key
            and lines.campaign_name = attributed.campaign_name
            and lines.channel = attributed.channel
            and lines.report_month = attributed.report_month
            and models.attribution_model = attributed.attribution_model

),

final as (

    select
        *,
        '{{ attribution_config()["reporting_currency"] | upper }}' as currency,
        {{ safe_divide('spend', 'attributed_leads') }} as cost_per_lead,
        {{ safe_divide('spend', 'attributed_mqls') }} as cost_per_mql,
        {{ safe_divide('spend', 'attributed_sals') }} as cost_per_sal,
        {{ safe_divide('spend', 'attributed_opportunities') }} as cost_per_opportunity,
        {{ safe_divide('attributed_won_revenue - spend', 'spend') }} as roi
    from combined

)

select * from final
