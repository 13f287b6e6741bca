{#- A double precision type (dbt.type_float() is single precision on some adapters). -#}
{% macro type_double() -%}
    {{ return(adapter.dispatch('type_double', 'alignment')()) }}
{%- endmacro %}

{% macro default__type_double() -%}
    double precision
{%- endmacro %}

{% macro duckdb__type_double() -%}
    double
{%- endmacro %}

{% macro spark__type_double() -%}
    double
{%- endmacro %}

{#- untested (docs/profiles/bigquery.yml) -#}
{% macro bigquery__type_double() -%}
    float64
{%- endmacro %}

{#- numerator / denominator, null (not 0, not an error) when the denominator is 0 or null. -#}
{% macro safe_divide(numerator, denominator) -%}
    case
        when {{ denominator }} is null or {{ denominator }} = 0 then null
        else cast({{ numerator }} as {{ type_double() }}) / cast({{ denominator }} as {{ type_double() }})
    end
{%- endmacro %}

{#- Smallest non-null of the expressions (null when all are null). SQL's least() skips nulls
    on some engines and returns null on others; the coalesce rotation behaves the same on all. -#}
{% macro least_not_null(expressions) -%}
    {%- if expressions | length == 1 -%}
        {{ expressions[0] }}
    {%- else -%}
        least(
        {%- for i in range(expressions | length) %}
            coalesce({{ (expressions[i:] + expressions[:i]) | join(', ') }}){{ "," if not loop.last }}
        {%- endfor %}
        )
    {%- endif -%}
{%- endmacro %}
