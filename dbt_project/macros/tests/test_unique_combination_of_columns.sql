{#- Rows whose combination of the given columns occurs more than once. -#}
{% test unique_combination_of_columns(model, combination_of_columns) %}

with final as (

    select
        {{ combination_of_columns | join(', ') }},
        count(*) as row_count
    from {{ model }}
    group by {{ combination_of_columns | join(', ') }}
    having count(*) > 1

)

select * from final

{% endtest %}
