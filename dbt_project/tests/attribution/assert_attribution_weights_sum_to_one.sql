{#- For every conversion and every attribution model, the weights of its rows sum to 1
    (weights are rounded to 12 decimals, hence the tolerance). Fails with the conversion and
    the sums. After an incremental build, the conversions written again: fct_attribution
    writes every row of a journey, and of a conversion without one, together. -#}

with

attribution as (

    select * from {{ ref('fct_attribution') }}
    where {{ written_since_tested('_seen_up_to') }}

),

sums as (

    select
        conversion_id
        {%- for model in attribution_models() %},
        sum(weight_{{ model }}) as sum_{{ model }}
        {%- endfor %}
    from attribution
    group by conversion_id

),

final as (

    select * from sums
    where
        {%- for model in attribution_models() %}
        abs(sum_{{ model }} - 1) > 0.000000001 or sum_{{ model }} is null{{ " or" if not loop.last }}
        {%- endfor %}

)

select * from final
