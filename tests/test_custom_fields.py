"""Custom fields: a company's own Lead and Opportunity fields (Partner_Tier__c) reach
fct_lead_funnel and fct_opportunities by naming them in the dbt vars lead_custom_columns and
opportunity_custom_columns, with no SQL edit; the crafted company's session refresh names them
(tests/conftest.py, crafted_company)."""

from __future__ import annotations

import pytest
import yaml

from crafted_kpis import LEADS, OPPORTUNITIES
from orchestration.home import DBT_PROJECT_DIR
from orchestration.warehouse import connect


@pytest.fixture(scope="module")
def refreshed(crafted_company):
    return crafted_company


def _columns(home, table: str) -> list[str]:
    with connect(home, read_only=True) as con:
        return [name for name, in con.execute(
            "select column_name from information_schema.columns where table_catalog = "
            "'warehouse' and table_schema = 'marts' and table_name = ? order by ordinal_position",
            [table]).fetchall()]


def test_the_lists_are_declared_in_dbt_project_yml():
    project = yaml.safe_load((DBT_PROJECT_DIR / "dbt_project.yml").read_text())
    assert project["vars"]["lead_custom_columns"] == []
    assert project["vars"]["opportunity_custom_columns"] == []


def test_the_refresh_succeeds(refreshed):
    _, outcome, _, _ = refreshed
    assert outcome.success, outcome.failures
    assert outcome.failed_checks == ()


def test_a_listed_lead_field_reaches_the_funnel_after_the_last_column(refreshed):
    home, _, leads, _ = refreshed
    columns = _columns(home, "fct_lead_funnel")
    assert columns[-1] == "partner_tier_c"
    # not listed, or not in the export: not carried
    assert "internal_note_c" not in columns and "missing_field_c" not in columns
    with connect(home, read_only=True) as con:
        got = dict(con.execute("select lead_id, partner_tier_c from marts.fct_lead_funnel "
                               "where lead_id is not null").fetchall())
    assert len(got) == len(LEADS)
    assert got == {lead: row["Partner_Tier__c"] for lead, row in leads.items()
                   if lead in got}


def test_a_listed_opportunity_field_reaches_the_opportunity_mart(refreshed):
    home, _, _, opportunities = refreshed
    columns = _columns(home, "fct_opportunities")
    assert columns[-1] == "partner_tier_c"
    with connect(home, read_only=True) as con:
        got = dict(con.execute(
            "select opportunity_id, partner_tier_c from marts.fct_opportunities").fetchall())
    assert len(got) == len(OPPORTUNITIES)
    # an empty value lands as null; the rest as exported, as text
    assert got == {opp: row["Partner_Tier__c"] or None for opp, row in opportunities.items()}


def test_the_published_marts_carry_the_field(refreshed):
    home, outcome, _, _ = refreshed
    # the shipped contract's expectations only warn on this company: it is published
    assert outcome.published
    import duckdb

    with duckdb.connect(str(home.published), read_only=True) as con:
        names = {name for name, in con.execute(
            "select column_name from information_schema.columns "
            "where table_name = 'fct_opportunities'").fetchall()}
    assert "partner_tier_c" in names

