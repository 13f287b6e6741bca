{#- Picklist values that have no row in their mapping seed: one failing row per unmapped value,
    with its row count. Warn only: unmapped values still flow (as 'unmapped' / 'unknown') and
    someone should add them to the seed. Matching is on trimmed, lower-case values, as in the
    models. -#}
{% test unmapped_values(model, column_name, to, field, to_where=none, where_clause=none) %}
{{ config(severity='warn') }}

with picklist_values as (

    select
        {{ column_name }} as unmapped_value,
        {{ picklist_key(column_name) }} as value_key
    from {{ model }}
    where {{ column_name }} is not null
    {%- if where_clause %}
        and ({{ where_clause }})
    {%- endif %}

),

mapped_values as (

    select distinct {{ picklist_key(field) }} as value_key
    from {{ to }}
    {%- if to_where %}
    where {{ to_where }}
    {%- endif %}

),

final as (

    select
        picklist_values.unmapped_value,
        count(*) as row_count
    from picklist_values
    left join mapped_values
        on picklist_values.value_key = mapped_values.value_key
    where mapped_values.value_key is null
    group by picklist_values.unmapped_value

)

select * from final

{% endtest %}
