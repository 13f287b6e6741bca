"""Contacts deleted in HubSpot, on a copy of the crafted company (tests/crafted_kpis.py): a
later export re-exports hsSEP, a HubSpot-only inquiry, as archived (HubSpot's API) and hsP,
synced to lead P, with Fivetran's _fivetran_deleted. The incremental refresh after it takes
hsSEP's journey and touch out of every mart and keeps lead P's journey whole; a full rebuild
builds the same tables."""

from __future__ import annotations

import json

import pytest
import yaml

from crafted_kpis import CUSTOM_FIELD_VARS, _write
from homes import copy_home
from orchestration.landing import BY_TABLE
from orchestration.refresh import run_refresh
from orchestration.warehouse import connect
from warehouse_diff import rebuilt_in_full

DELETED_AT = "2025-01-11T12:00:00Z"


def _contact(contact_id: str, email: str, created: str, lead_id: str, source: str) -> dict:
    return {"id": contact_id, "email": email, "createdate": created,
            "lastmodifieddate": DELETED_AT, "lifecyclestage": "lead", "company": "Acme",
            "jobtitle": "VP Marketing", "salesforceleadid": lead_id,
            "hs_analytics_source": source}


def _rows(home, sql: str) -> list[tuple]:
    with connect(home, read_only=True) as con:
        return con.execute(sql).fetchall()


@pytest.fixture(scope="module")
def deleted(tmp_path_factory, crafted_company):
    tmp = tmp_path_factory.mktemp("hubspot_deletions")
    home = copy_home(crafted_company[0], tmp / "home")
    columns = list(BY_TABLE["hubspot__contacts"].columns)
    folder = home.landing / "hubspot" / "contacts"
    _write(folder / "contacts_archived.csv", [
        {**dict.fromkeys(columns, ""), "archived": "true",
         **_contact("hsSEP", "sep@example.com", "2024-09-15T15:00:00Z", "", "ORGANIC_SEARCH")}])
    _write(folder / "contacts_fivetran.csv", [
        {**dict.fromkeys(columns, ""), "_fivetran_deleted": "true",
         **_contact("hsP", "p@example.com", "2025-01-10T15:00:00Z", "P", "")}])
    with pytest.MonkeyPatch.context() as env:
        env.setenv("ALIGNMENT_HOME", str(home.root))
        env.delenv("ALIGNMENT_CONTRACT", raising=False)
        env.delenv("ALIGNMENT_EXPECTATIONS", raising=False)
        env.setenv("ALIGNMENT_DBT_VARS", yaml.safe_dump(CUSTOM_FIELD_VARS))
        seen = {"home": home, "incremental": run_refresh(home)}
        seen["matched"] = dict(_rows(home, """
            select hubspot_contact_id, match_method || ' ' || coalesce(journey_id, '-')
            from intermediate.int_hubspot_contacts_matched
            where hubspot_contact_id in ('hsSEP', 'hsP')"""))
        seen["journeys"] = _rows(home, """
            select journey_id, touches from marts.fct_lead_funnel
            where journey_id in ('hs_contact:hsSEP', 'sf_lead:P') order by journey_id""")
        seen["touches"] = _rows(home, """
            select journey_id, count(*) from marts.fct_touchpoints
            where journey_id in ('hs_contact:hsSEP', 'sf_lead:P')
            group by journey_id order by journey_id""")
        seen["before"] = _rows(crafted_company[0], """
            select journey_id, touches from marts.fct_lead_funnel
            where journey_id in ('hs_contact:hsSEP', 'sf_lead:P') order by journey_id""")
        seen["incremental_build"] = json.loads(
            (home.dbt_target / "run_results.json").read_text(encoding="utf-8"))["args"]
        seen["full"], seen["differences"] = rebuilt_in_full(home, tmp)
    return seen


def test_a_deleted_hubspot_only_contact_leaves_the_marts(deleted):
    assert deleted["incremental"].success, deleted["incremental"].failures
    assert not deleted["incremental_build"].get("full_refresh")
    # before: hsSEP's newsletter form made a journey of its own; P's two forms are P's
    assert deleted["before"] == [("hs_contact:hsSEP", 1), ("sf_lead:P", 2)]
    assert deleted["matched"] == {"hsSEP": "deleted -", "hsP": "salesforce_lead_id sf_lead:P"}
    assert deleted["journeys"] == [("sf_lead:P", 2)]
    assert deleted["touches"] == [("sf_lead:P", 2)]


def test_the_full_rebuild_builds_the_same_tables(deleted):
    assert deleted["full"].success, deleted["full"].failures
    assert deleted["differences"] == {}
