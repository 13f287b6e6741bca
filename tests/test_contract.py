"""The lead-definition contract: parsed, validated with messages naming version and field."""

from __future__ import annotations

import datetime as dt

import pytest

from orchestration.contract import ContractError, load_contract, parse_contract
from orchestration.glossary import GLOSSARY_FILE, render_glossary
from orchestration.home import CONTRACT_FILE

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
[version.points]
form_submission = 10
demo_request = 40

[[version]]
version = "v2"
effective_from = 2025-07-01
agreed_by_marketing = "M. Petrova"
agreed_by_sales = "A. New"
mql_threshold = 60
scoring_window_days = 60
[version.points]
form_submission = 15
"""


def test_the_shipped_contract_is_valid():
    versions = load_contract(CONTRACT_FILE)
    assert [v.version for v in versions] == ["2025.1"]
    assert versions[0].mql_threshold == 50


def test_versions_parse_in_order_with_normalized_fit_values():
    v1, v2 = parse_contract(VALID)
    assert (v1.version, v1.effective_from, v1.mql_threshold) == ("v1", dt.datetime(2024, 1, 1), 50)
    assert v1.fit_values == {"industry_excluded": ("education",), "country": (),
                             "seniority": ("director", "vp")}
    assert (v2.version, v2.scoring_window_days, v2.points) == ("v2", 60, {"form_submission": 15})


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
    ],
)
def test_an_invalid_contract_is_rejected_naming_version_and_field(edit, message):
    with pytest.raises(ContractError) as error:
        parse_contract(VALID.replace(*edit))
    assert message in str(error.value)


def test_the_glossary_is_generated_from_the_contract_and_is_current():
    assert GLOSSARY_FILE.read_text(encoding="utf-8") == render_glossary(), (
        "docs/definitions.md is stale: run `alignment glossary`")
