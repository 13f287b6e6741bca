"""The lead-definition contract: parsed, validated with messages naming version and field."""

from __future__ import annotations

import datetime as dt

import pytest

from orchestration.contract import ContractError, load_contract, parse_contract
from orchestration.glossary import GLOSSARY_FILE, render_glossary
from orchestration.home import CONTRACT_FILE

# Sections every version needs and these tests do not vary.
COMMON = """
[version.handoff]
sla_hours = 24
disposition_days = 14
accepted_statuses = ["Working - Contacted", "Accepted"]
[version.rejection_reasons]
no_budget = "No budget"
not_a_fit = "Not a fit"
bad_contact_data = "Bad data"
no_response = "No response"
competitor = "Competitor"
duplicate = "Duplicate"
unqualified = "Unqualified"
other = "Other"
[version.recycle]
stalled_days = 30
cooldown_days = 30
nurture_window_days = 180
"""

VALID = """
[[version]]
version = "v1"
effective_from = 2024-01-01
agreed_by_marketing = "M. Petrova"
agreed_by_sales = "I. Sokolov"
mql_threshold = 50
scoring_window_days = 90
[version.fit]
min_employees = 20
industries_excluded = [" Education "]
seniorities = ["vp", "director"]
[version.srl]
min_score = 60
intent_touch_types = ["demo_request"]
{common}[version.points]
form_submission = 10
demo_request = 40

[[version]]
version = "v2"
effective_from = 2025-07-01
agreed_by_marketing = "M. Petrova"
agreed_by_sales = "A. New"
mql_threshold = 60
scoring_window_days = 60
{common}[version.points]
form_submission = 15
""".replace("{common}", COMMON)


def test_the_shipped_contract_is_valid():
    versions = load_contract(CONTRACT_FILE)
    assert [v.version for v in versions] == ["2025.1"]
    assert versions[0].mql_threshold == 50


def test_versions_parse_in_order_with_normalized_fit_values():
    v1, v2 = parse_contract(VALID)
    assert (v1.version, v1.effective_from, v1.mql_threshold) == ("v1", dt.datetime(2024, 1, 1), 50)
    assert v1.lists == {"industry_excluded": ("education",), "country": (),
                        "seniority": ("director", "vp"), "srl_intent_touch_type": ("demo_request",),
                        "accepted_status": ("Accepted", "Working - Contacted")}
    assert (v1.srl_min_score, v1.sla_hours, v1.sla_business_hours) == (60, 24, False)
    assert v1.days == {"disposition_days": 14, "stalled_days": 30, "cooldown_days": 30,
                       "nurture_window_days": 180}
    assert (v2.version, v2.scoring_window_days, v2.points) == ("v2", 60, {"form_submission": 15})
    # Without an [srl] table a sales-ready lead is an MQL.
    assert v2.srl_min_score == 60
    # Without [commitments] nothing is agreed: no expectation judges the version.
    assert set(v2.commitments.values()) == {None}


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (("demo_request = 40", "demo_request = -40"),
         "version 'v1' points: demo_request must not be negative, got -40"),
        (("mql_threshold = 60\n", ""), "version 'v2': mql_threshold is missing"),
        (("effective_from = 2025-07-01", "effective_from = 2023-07-01"),
         "version 'v2': effective_from 2023-07-01 must be after 2024-01-01, the start of version 'v1'"),
        (("effective_from = 2025-07-01", "effective_from = 2024-01-01"),
         "version 'v2': effective_from 2024-01-01 must be after 2024-01-01, the start of version 'v1'"),
        (("form_submission = 15", "webinar = 15"),
         "version 'v2' points: unknown touch type 'webinar'"),
        (('seniorities = ["vp", "director"]', 'seniorities = ["boss"]'),
         "version 'v1' fit: seniorities names unknown seniority 'boss'"),
        (('version = "v2"', 'version = "v1"'), "version 'v1': version is defined more than once"),
        (('agreed_by_sales = "A. New"', ""), "version 'v2': agreed_by_sales is missing"),
        (("min_employees = 20", "min_employees = 20\nmax_employees = 10"),
         "version 'v1' fit: min_employees 20 is above max_employees 10"),
        (("min_score = 60", "min_score = 40"),
         "version 'v1' srl: min_score 40 is below the mql_threshold 50"),
        (('intent_touch_types = ["demo_request"]', 'intent_touch_types = ["demo"]'),
         "version 'v1' srl: unknown touch type 'demo' in intent_touch_types"),
        (('no_budget = "No budget"\n', ""),
         "version 'v1' rejection_reasons: reason code 'no_budget' used by "
         "seeds/lead_status_map.csv is not declared"),
        (('accepted_statuses = ["Working - Contacted", "Accepted"]',
          'accepted_statuses = ["Working"]'),
         "version 'v1' handoff: accepted_statuses names 'Working', which "
         "seeds/lead_status_map.csv does not list"),
        (('accepted_statuses = ["Working - Contacted", "Accepted"]',
          'accepted_statuses = ["Rejected - No Budget"]'),
         "version 'v1' handoff: accepted_statuses names 'Rejected - No Budget', which "
         "seeds/lead_status_map.csv maps to 'rejected'"),
        (("sla_hours = 24", "sla_hours = 0"), "version 'v1' handoff: sla_hours must be above 0"),
        (("[version.points]\nform_submission = 15",
          "[version.commitments]\nmin_acceptance_rate = 25\n[version.points]\nform_submission = 15"),
         "version 'v2' commitments: min_acceptance_rate is a share between 0 and 1, got 25"),
        (("[version.points]\nform_submission = 15",
          "[version.commitments]\nmax_days_unworked = 2.5\n[version.points]\nform_submission = 15"),
         "version 'v2' commitments: max_days_unworked must be a whole number, got 2.5"),
        (("[version.points]\nform_submission = 15",
          "[version.commitments]\nmin_mqls = 5\n[version.points]\nform_submission = 15"),
         "version 'v2' commitments: unknown commitment 'min_mqls'"),
    ],
)
def test_an_invalid_contract_is_rejected_naming_version_and_field(edit, message):
    with pytest.raises(ContractError) as error:
        parse_contract(VALID.replace(*edit))
    assert message in str(error.value)


def test_the_glossary_is_generated_from_the_contract_and_is_current():
    assert GLOSSARY_FILE.read_text(encoding="utf-8") == render_glossary(), (
        "docs/definitions.md is stale: run `alignment glossary`")
