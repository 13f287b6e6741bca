{#- seeds/fx_rates.csv holds rates to the reporting currency (var attribution.reporting_currency):
    a row for the reporting currency itself, or a rate that is not above 0, says the seed was
    written for another reporting currency (the shipped rates are to USD) or mistyped, and
    every converted amount would be wrong. An error: it stops the build. -#}

select
    currency,
    rate_month,
    rate_to_reporting,
    case
        when upper(trim(currency)) = '{{ attribution_config()["reporting_currency"] | upper }}'
            then 'a rate for the reporting currency itself: rates must be to it'
        else 'a rate not above 0'
    end as problem
from {{ ref('fx_rates') }}
where upper(trim(currency)) = '{{ attribution_config()["reporting_currency"] | upper }}'
    or rate_to_reporting <= 0
