{#- Rank of a journey among those converted into one opportunity, 1 for the journey the
    opportunity is credited to: the earliest conversion, then the earliest lead, then the
    lowest lead id. fct_opportunities names it the opportunity's source journey and
    fct_lead_funnel gives the opportunity to it alone, so that two leads converted into one
    deal count it, its win and its amount once. Over int_journeys_identified's columns. -#}
{% macro opportunity_source_rank() -%}
    row_number() over (
        partition by opportunity_id
        order by converted_date, created_at, lead_id
    )
{%- endmacro %}
