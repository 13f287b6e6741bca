with source as (

    select * from {{ source('contract', 'lead_definition_versions') }}

),

final as (

    select
        {{ clean_text('version') }} as definition_version,
        cast(effective_from as {{ dbt.type_timestamp() }}) as effective_from,
        cast(effective_to as {{ dbt.type_timestamp() }}) as effective_to,
        cast(mql_threshold as {{ type_double() }}) as mql_threshold,
        cast(scoring_window_days as {{ dbt.type_int() }}) as scoring_window_days,
        cast(min_employees as {{ dbt.type_bigint() }}) as min_employees,
        cast(max_employees as {{ dbt.type_bigint() }}) as max_employees,
        cast(srl_min_score as {{ type_double() }}) as srl_min_score,
        cast(sla_hours as {{ type_double() }}) as sla_hours,
        sla_business_hours,
        cast(disposition_days as {{ dbt.type_int() }}) as disposition_days,
        cast(stalled_days as {{ dbt.type_int() }}) as stalled_days,
        cast(cooldown_days as {{ dbt.type_int() }}) as cooldown_days,
        cast(nurture_window_days as {{ dbt.type_int() }}) as nurture_window_days,
        {{ clean_text('agreed_by_marketing') }} as agreed_by_marketing,
        {{ clean_text('agreed_by_sales') }} as agreed_by_sales,
        coalesce(is_current, false) as is_current,
        {%- for commitment in kpi_commitments() %}
        cast({{ commitment }} as {{ type_double() }}) as {{ commitment }}{{ "," if not loop.last }}
        {%- endfor %}
    from source

)

select * from final
