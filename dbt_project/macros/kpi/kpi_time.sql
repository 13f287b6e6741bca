{#- Time helpers of the alignment KPI marts (models/marts/kpi). -#}

{#- A wall-clock timestamp of the reporting time zone (var reporting_timezone), without time
    zone, as the UTC timestamp it denotes: the inverse of to_reporting_timezone. Month
    boundaries of the scorecard are local midnights turned into UTC with it. -#}
{% macro from_reporting_timezone(expression) -%}
    {%- set tz = var('reporting_timezone', 'UTC') -%}
    {%- if tz | upper == 'UTC' -%}
        {{ expression }}
    {%- else -%}
        {{ return(adapter.dispatch('from_reporting_timezone', 'alignment')(expression, tz)) }}
    {%- endif -%}
{%- endmacro %}

{% macro default__from_reporting_timezone(expression, tz) -%}
    (({{ expression }}) at time zone '{{ tz }}') at time zone 'UTC'
{%- endmacro %}

{% macro duckdb__from_reporting_timezone(expression, tz) -%}
    timezone('UTC', timezone('{{ tz }}', {{ expression }}))
{%- endmacro %}

{% macro spark__from_reporting_timezone(expression, tz) -%}
    to_utc_timestamp({{ expression }}, '{{ tz }}')
{%- endmacro %}

{#- First day (a date) of the reporting-time-zone month of a UTC timestamp. -#}
{% macro reporting_month(expression) -%}
    cast({{ dbt.date_trunc('month', to_reporting_timezone(expression)) }} as date)
{%- endmacro %}

{#- Seconds elapsed from one timestamp to another (negative when the second is earlier). -#}
{% macro elapsed_seconds(from_timestamp, to_timestamp) -%}
    {{ dbt.datediff(from_timestamp, to_timestamp, 'second') }}
{%- endmacro %}

{#- Business seconds (Mon-Fri, var business_day_start_hour 9 to business_day_end_hour 18) from
    a fixed Monday (1900-01-01) up to a wall-clock timestamp of the reporting time zone. The
    business time between two moments is the difference of this value at both, so no calendar
    table and no per-day join are needed:
      day number n = days since that Monday; weekday = n % 7 (0 = Monday .. 6 = Sunday);
      whole business days before the day = 5 * floor(n / 7) + least(n % 7, 5);
      plus, on a weekday, the part of the day's business window already gone.
    Whole seconds, so differences are exact. Holidays are not known (every Monday-Friday is a
    business day). -#}
{% macro business_seconds_since_epoch(local_timestamp) -%}
    {%- set start_second = (var('business_day_start_hour', 9) | int) * 3600 -%}
    {%- set window_seconds = ((var('business_day_end_hour', 18) | int) - (var('business_day_start_hour', 9) | int)) * 3600 -%}
    {%- set day_number = dbt.datediff("cast('1900-01-01' as date)", "cast(" ~ local_timestamp ~ " as date)", 'day') -%}
    {%- set seconds_into_day = dbt.datediff(dbt.date_trunc('day', local_timestamp), local_timestamp, 'second') -%}
    (
        {{ window_seconds }} * (
            5 * floor(({{ day_number }}) / 7)
            + least(({{ day_number }}) % 7, 5)
        )
        + case
            when ({{ day_number }}) % 7 < 5
                then least(greatest(({{ seconds_into_day }}) - {{ start_second }}, 0), {{ window_seconds }})
            else 0
        end
    )
{%- endmacro %}

{#- Business hours from one UTC timestamp to another, counted in the reporting time zone. -#}
{% macro business_hours_between(from_timestamp, to_timestamp) -%}
    cast(
        {{ business_seconds_since_epoch(to_reporting_timezone(to_timestamp)) }}
        - {{ business_seconds_since_epoch(to_reporting_timezone(from_timestamp)) }}
    as {{ type_double() }}) / 3600
{%- endmacro %}

{#- Largest non-null of the expressions (null when all are null); see least_not_null. -#}
{% macro greatest_not_null(expressions) -%}
    {%- if expressions | length == 1 -%}
        {{ expressions[0] }}
    {%- else -%}
        greatest(
        {%- for i in range(expressions | length) %}
            coalesce({{ (expressions[i:] + expressions[:i]) | join(', ') }}){{ "," if not loop.last }}
        {%- endfor %}
        )
    {%- endif -%}
{%- endmacro %}
