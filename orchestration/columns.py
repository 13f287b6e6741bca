"""Column names: Salesforce API names, Fivetran snake_case and HubSpot properties, made one."""

from __future__ import annotations

import re

_ACRONYM_BOUNDARY = re.compile(r"([A-Z]+)([A-Z][a-z])")
_CAMEL_BOUNDARY = re.compile(r"([a-z0-9])([A-Z])")
_NON_WORD = re.compile(r"[^0-9a-zA-Z]+")
# Fivetran lands HubSpot contact properties as property_<name>.
_HUBSPOT_PREFIX = "property_"


def normalize_column(name: str, system: str | None = None) -> str:
    """Return the snake_case form both export styles share.

    ``ConvertedOpportunityId`` and ``converted_opportunity_id`` give the same name, and so do
    ``Lead_Score__c`` and Fivetran's ``lead_score_c``.
    """
    snake = _CAMEL_BOUNDARY.sub(r"\1_\2", _ACRONYM_BOUNDARY.sub(r"\1_\2", name.strip()))
    snake = _NON_WORD.sub("_", snake).strip("_").lower()
    snake = re.sub(r"_+", "_", snake)
    if system == "hubspot" and snake.startswith(_HUBSPOT_PREFIX):
        snake = snake[len(_HUBSPOT_PREFIX):]
    return snake or "unnamed"


def normalize_header(names: list[str], system: str | None = None) -> dict[str, str]:
    """Map each original column name to its normalized name.

    Two columns that normalize to one name would silently overwrite each other, so that is
    an error naming both.
    """
    mapping: dict[str, str] = {}
    seen: dict[str, str] = {}
    for original in names:
        normalized = normalize_column(original, system)
        if normalized in seen:
            raise ValueError(
                f"columns {seen[normalized]!r} and {original!r} both normalize to {normalized!r}"
            )
        seen[normalized] = original
        mapping[original] = normalized
    return mapping
