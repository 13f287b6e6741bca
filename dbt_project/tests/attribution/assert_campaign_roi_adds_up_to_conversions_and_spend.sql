{#- Under every model, fct_campaign_roi's lines add up to the whole: attributed leads, MQLs,
    SALs, opportunities and won deals to the conversions of int_conversions_listed, pipeline
    and won revenue to their amounts, spend to int_campaign_spend_converted. Nothing is lost
    between campaigns, unmapped, unattributed and unexplained lines; an amount with no FX rate
    makes the lines that hold it unknown (null) rather than too small, so an amount's lines add
    up only when none is unknown, and some are unknown exactly when such an amount exists. -#}
{{ config(meta={'dagster': {'ref': {'name': 'fct_campaign_roi'}}}) }}
{%- set counts = ['leads', 'mqls', 'sals', 'opportunities', 'won_deals'] %}
{%- set amounts = [('pipeline', 'conversions'), ('won_revenue', 'conversions'), ('spend', 'spend')] %}

with

roi as (

    select
        attribution_model,
        sum(attributed_leads) as leads,
        sum(attributed_mqls) as mqls,
        sum(attributed_sals) as sals,
        sum(attributed_opportunities) as opportunities,
        sum(attributed_won_deals) as won_deals,
        sum(attributed_pipeline) as pipeline,
        count(case when attributed_pipeline is null then 1 end) as pipeline_unknown,
        sum(attributed_won_revenue) as won_revenue,
        count(case when attributed_won_revenue is null then 1 end) as won_revenue_unknown,
        sum(spend) as spend,
        count(case when spend is null then 1 end) as spend_unknown
    from {{ ref('fct_campaign_roi') }}
    group by attribution_model

),

-- an opportunity's amount is null only without an FX rate (int_conversions_listed)
conversions as (

    select
        count(case when milestone = 'lead_created' then 1 end) as leads,
        count(case when milestone = 'mql' then 1 end) as mqls,
        count(case when milestone = 'sal' then 1 end) as sals,
        count(case when milestone = 'opportunity_created' then 1 end) as opportunities,
        count(case when milestone = 'won' then 1 end) as won_deals,
        coalesce(sum(case when milestone = 'opportunity_created' then amount end), 0) as pipeline,
        count(case when milestone = 'opportunity_created' and amount is null then 1 end) as pipeline_unconverted,
        coalesce(sum(case when milestone = 'won' then amount end), 0) as won_revenue,
        count(case when milestone = 'won' and amount is null then 1 end) as won_revenue_unconverted
    from {{ ref('int_conversions_listed') }}

),

spend as (

    select
        coalesce(sum(spend), 0) as spend,
        count(case when spend is null and spend_original is not null then 1 end) as spend_unconverted
    from {{ ref('int_campaign_spend_converted') }}

),

-- Credits are fractions summed as doubles over every conversion: the rounding error grows
-- with the sums, so the tolerance is relative, 1e-9 of the whole (an absolute 1e-6 failed at
-- 10M leads: 2.5M MQLs' credits summed 1.4e-6 off; a lost credit of 0.01 still shows up to
-- 10M conversions).
final as (

    select roi.*
    from roi
    cross join conversions
    cross join spend
    where
    {%- for measure in counts %}
        abs(roi.{{ measure }} - conversions.{{ measure }})
        > 0.000000001 * (1 + abs(conversions.{{ measure }})) or
    {%- endfor %}
    {%- for measure, whole in amounts %}
        ({{ whole }}.{{ measure }}_unconverted = 0) <> (roi.{{ measure }}_unknown = 0)
        or ({{ whole }}.{{ measure }}_unconverted = 0
            and abs(roi.{{ measure }} - {{ whole }}.{{ measure }})
            > 0.000000001 * (1 + abs({{ whole }}.{{ measure }})))
        {%- if not loop.last %} or{% endif %}
    {%- endfor %}

)

select * from final
