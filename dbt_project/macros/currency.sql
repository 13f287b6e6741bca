{#- Money in one currency: the reporting currency (var attribution.reporting_currency), at the
    rates of seeds/fx_rates (int_fx_rates_ranged). docs/attribution.md, "FX". -#}

{#- An amount in the reporting currency: as it is when its currency is the reporting one (or
    unknown), else times the FX rate (null when no rate is known). -#}
{% macro to_reporting_currency(amount, currency, rate) -%}
    case
        when {{ currency }} is null
            or upper(trim({{ currency }})) = '{{ attribution_config()["reporting_currency"] | upper }}'
            then {{ amount }}
        else {{ amount }} * {{ rate }}
    end
{%- endmacro %}

{#- The sum of amounts converted to the reporting currency, of the rows meeting `condition`:
    null when one of them could not be converted (its original amount is known, its converted
    one is not: its currency has no FX rate), since a sum without it would look complete and
    be too small; 0 when no row has an amount. -#}
{% macro sum_converted(converted, original, condition='1 = 1') -%}
    case
        when count(case when {{ condition }} and {{ original }} is not null and {{ converted }} is null then 1 end) = 0
            then coalesce(sum(case when {{ condition }} then {{ converted }} end), 0)
    end
{%- endmacro %}
