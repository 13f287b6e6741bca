{#- The article's symptoms of misalignment, detected month by month: one row per month and
    symptom found, with the measured value, the threshold it crossed and the evidence in words.
    Thresholds come from seeds/alignment_symptom_thresholds.csv (a symptom without a row is not
    checked) and the acceptance benchmarks from seeds/alignment_benchmarks.csv. Only complete
    months are judged (a month under way has immature cohorts and partial spend), except the
    nurture pool, whose snapshot of the month under way is taken at the as-of moment.
      funnel_not_filling   a complete month's new leads below threshold x the average of the
                           three months before (all three in the data, average above 0);
      conversion_weak      acceptance rate below the point `threshold` of the way from the
                           laggard to the best-in-class acceptance benchmark;
      roi_not_shown        share of the month's spend on campaigns with no attributable lead
                           above threshold (fct_campaign_spend_monthly.is_attributable);
      sales_self_sourcing  sales sourced more than threshold of the month's pipeline while the
                           acceptance rate is below the conversion_weak point;
      nurture_ageing       more than threshold of the nurture pool at month end has been in
                           nurture longer than the nurture window. -#}

with

scorecard as {{ not_materialized() }} (

    select * from {{ ref('kpi_alignment_monthly') }}

),

nurture as (

    select * from {{ ref('fct_nurture_pool_monthly') }}

),

thresholds as {{ not_materialized() }} (

    select * from {{ ref('alignment_symptom_thresholds') }}

),

benchmarks as (

    select * from {{ ref('alignment_benchmarks') }}

),

acceptance_points as (

    select
        benchmarks.laggard_threshold
        + thresholds.threshold * (benchmarks.best_in_class_threshold - benchmarks.laggard_threshold)
            as low_acceptance_below,
        benchmarks.laggard_threshold,
        benchmarks.best_in_class_threshold
    from benchmarks
    inner join thresholds
        on thresholds.symptom = 'conversion_weak'
    where benchmarks.kpi = 'acceptance_rate'

),

lead_trends as (

    select
        report_month,
        is_complete_month,
        leads,
        avg(cast(leads as {{ type_double() }})) over (
            order by report_month
            rows between 3 preceding and 1 preceding
        ) as trailing_leads,
        count(*) over (
            order by report_month
            rows between 3 preceding and 1 preceding
        ) as trailing_months
    from scorecard

),

funnel_not_filling as (

    select
        lead_trends.report_month,
        'funnel_not_filling' as symptom,
        'leads / trailing 3-month average' as measure,
        lead_trends.leads / lead_trends.trailing_leads as measured_value,
        thresholds.threshold,
        {{ dbt.concat([
            "'new leads '", "cast(lead_trends.leads as " ~ dbt.type_string() ~ ")",
            "' vs '", format_number('lead_trends.trailing_leads', 1),
            "' a month over the three months before ('",
            format_number('lead_trends.leads / lead_trends.trailing_leads', 3), "' < '",
            format_number('thresholds.threshold', 3), "')'",
        ]) }} as evidence
    from lead_trends
    inner join thresholds
        on thresholds.symptom = 'funnel_not_filling'
    where lead_trends.is_complete_month
        and lead_trends.trailing_months = 3
        and lead_trends.trailing_leads > 0
        and lead_trends.leads < thresholds.threshold * lead_trends.trailing_leads

),

conversion_weak as (

    select
        scorecard.report_month,
        'conversion_weak' as symptom,
        'acceptance_rate' as measure,
        scorecard.acceptance_rate as measured_value,
        acceptance_points.low_acceptance_below as threshold,
        {{ dbt.concat([
            "'sales accepted '", "cast(scorecard.marketing_accepted as " ~ dbt.type_string() ~ ")",
            "' of '", "cast(scorecard.marketing_handoffs as " ~ dbt.type_string() ~ ")",
            "' handoffs ('", format_number('100 * scorecard.acceptance_rate', 1),
            "'%), below '", format_number('100 * acceptance_points.low_acceptance_below', 1),
            "'% on the way from laggard '", format_number('100 * acceptance_points.laggard_threshold', 1),
            "'% to best-in-class '", format_number('100 * acceptance_points.best_in_class_threshold', 1), "'%'",
        ]) }} as evidence
    from scorecard
    cross join acceptance_points
    where scorecard.is_complete_month
        and scorecard.acceptance_rate < acceptance_points.low_acceptance_below

),

roi_not_shown as (

    select
        scorecard.report_month,
        'roi_not_shown' as symptom,
        'unattributed_spend_share' as measure,
        scorecard.unattributed_spend_share as measured_value,
        thresholds.threshold,
        {{ dbt.concat([
            format_number("scorecard.unattributed_spend", 2),
            "' of '", format_number('scorecard.spend', 2),
            "' spent ('", format_number('100 * scorecard.unattributed_spend_share', 1),
            "'%) went to campaigns with no attributable lead (threshold '",
            format_number('100 * thresholds.threshold', 1), "'%)'",
        ]) }} as evidence
    from scorecard
    inner join thresholds
        on thresholds.symptom = 'roi_not_shown'
    where scorecard.is_complete_month
        and scorecard.unattributed_spend_share > thresholds.threshold

),

sales_self_sourcing as (

    select
        scorecard.report_month,
        'sales_self_sourcing' as symptom,
        'sales_sourced_pipeline_share' as measure,
        scorecard.sales_sourced_pipeline_share as measured_value,
        thresholds.threshold,
        {{ dbt.concat([
            "'sales sourced '", format_number('100 * scorecard.sales_sourced_pipeline_share', 1),
            "'% of the pipeline (threshold '", format_number('100 * thresholds.threshold', 1),
            "'%) while accepting '", format_number('100 * scorecard.acceptance_rate', 1),
            "'% of marketing''s handoffs'",
        ]) }} as evidence
    from scorecard
    inner join thresholds
        on thresholds.symptom = 'sales_self_sourcing'
    cross join acceptance_points
    where scorecard.is_complete_month
        and scorecard.sales_sourced_pipeline_share > thresholds.threshold
        and scorecard.acceptance_rate < acceptance_points.low_acceptance_below

),

nurture_ageing as (

    select
        nurture.report_month,
        'nurture_ageing' as symptom,
        'past_nurture_window_share' as measure,
        nurture.past_nurture_window_share as measured_value,
        thresholds.threshold,
        {{ dbt.concat([
            "cast(nurture.past_nurture_window as " ~ dbt.type_string() ~ ")",
            "' of '", "cast(nurture.pool_size as " ~ dbt.type_string() ~ ")",
            "' leads in nurture ('", format_number('100 * nurture.past_nurture_window_share', 1),
            "'%) have been there over '", "cast(nurture.nurture_window_days as " ~ dbt.type_string() ~ ")",
            "' days (threshold '", format_number('100 * thresholds.threshold', 1), "'%)'",
        ]) }} as evidence
    from nurture
    inner join thresholds
        on thresholds.symptom = 'nurture_ageing'
    where nurture.past_nurture_window_share > thresholds.threshold

),

unioned as (

    select * from funnel_not_filling
    union all
    select * from conversion_weak
    union all
    select * from roi_not_shown
    union all
    select * from sales_self_sourcing
    union all
    select * from nurture_ageing

),

final as (

    select
        report_month,
        symptom,
        measure,
        cast(measured_value as {{ type_double() }}) as measured_value,
        cast(threshold as {{ type_double() }}) as threshold,
        evidence
    from unioned

)

select * from final
