import pytest

from orchestration.columns import normalize_column, normalize_header


@pytest.mark.parametrize(
    ("name", "system", "expected"),
    [
        ("ConvertedOpportunityId", "salesforce", "converted_opportunity_id"),
        ("converted_opportunity_id", "salesforce", "converted_opportunity_id"),
        ("Lead_Score__c", "salesforce", "lead_score_c"),
        ("lead_score_c", "salesforce", "lead_score_c"),
        ("NumberOfEmployees", "salesforce", "number_of_employees"),
        ("ActivityDateTime", "salesforce", "activity_date_time"),
        ("URLField__c", "salesforce", "url_field_c"),
        ("property_hs_lead_status", "hubspot", "hs_lead_status"),
        ("hs_lead_status", "hubspot", "hs_lead_status"),
        # Only HubSpot's Fivetran prefix is stripped; a Salesforce custom field keeps it.
        ("Property_Type__c", "salesforce", "property_type_c"),
    ],
)
def test_both_export_styles_normalize_to_one_name(name, system, expected):
    assert normalize_column(name, system) == expected


def test_two_columns_with_one_normalized_name_are_refused():
    with pytest.raises(ValueError, match="'IsWon' and 'is_won' both normalize to 'is_won'"):
        normalize_header(["Id", "IsWon", "is_won"], "salesforce")
