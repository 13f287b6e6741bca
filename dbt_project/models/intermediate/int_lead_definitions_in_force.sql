{#- The lead definition versions the funnel judges by. Normally the signed versions as agreed,
    each in force from its effective_from up to (not including) its effective_to. With var
    restate true, history is rebuilt under the current version: it alone, in force from the
    beginning of time (effective_from far in the past, effective_to null). Every model that
    judges by version (fit, scoring, acceptance, drift) reads this model, never staging. -#}
with

versions as (

    select * from {{ ref('stg_contract__lead_definition_versions') }}

),

final as (

    select
        definition_version,
        {%- if restate() %}
        -- restated: the current version judges every moment
        cast('1900-01-01 00:00:00' as {{ dbt.type_timestamp() }}) as effective_from,
        cast(null as {{ dbt.type_timestamp() }}) as effective_to,
        {%- else %}
        effective_from,
        effective_to,
        {%- endif %}
        mql_threshold,
        scoring_window_days,
        min_employees,
        max_employees,
        srl_min_score,
        sla_hours,
        sla_business_hours,
        disposition_days,
        stalled_days,
        cooldown_days,
        nurture_window_days,
        agreed_by_marketing,
        agreed_by_sales,
        is_current,
        {%- for commitment in kpi_commitments() %}
        {{ commitment }},
        {%- endfor %}
        '{{ judged_by() }}' as judged_by
    from versions
    {%- if restate() %}
    where is_current
    {%- endif %}

)

select * from final
