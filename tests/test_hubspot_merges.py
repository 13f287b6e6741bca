"""Contacts merged in HubSpot, on a copy of the crafted company (tests/crafted_kpis.py). A
first later export holds hsM, the contact a merge made, synced to lead P and listing hsSEP
(a HubSpot-only inquiry of the first export, still there live) and hsGONE (in no export; one
newsletter form was exported under its id, and an e-mail opened at its address, which hsM
keeps in hs_additional_emails) in hs_merged_object_ids; a second re-exports hsM listing
hsSEP alone, without the other address; a third holds hsZ, a HubSpot-only inquiry that hsM
was merged into (listing hsM alone: hsSEP follows the chain), and hsR, synced to lead R,
which Salesforce merged into P; a fourth export of leads merges P into Q (R keeps its
MasterRecordId P: hsR follows the chain to Q). Each incremental refresh moves the merged
contacts' touches into the surviving record's journey (and out again); a full rebuild builds
the same tables."""

from __future__ import annotations

import pytest
import yaml

from crafted_kpis import CUSTOM_FIELD_VARS, PAGE, _lead, _write
from homes import copy_home
from orchestration.landing import BY_TABLE
from orchestration.refresh import run_refresh
from orchestration.warehouse import connect
from warehouse_diff import rebuilt_in_full


def _survivor(modified: str, merged: str, other_addresses: str, contact_id: str = "hsM",
              email: str = "p@example.com", lead_id: str = "P") -> dict:
    columns = list(BY_TABLE["hubspot__contacts"].columns)
    return {**dict.fromkeys(columns, ""), "id": contact_id, "email": email,
            "createdate": "2025-01-11T09:00:00Z", "lastmodifieddate": modified,
            "lifecyclestage": "lead", "company": "Acme", "jobtitle": "VP Marketing",
            "salesforceleadid": lead_id, "hs_merged_object_ids": merged,
            "hs_additional_emails": other_addresses}


def _merged_lead(lead_id: str, master: str) -> dict:
    return {**_lead(lead_id, "2025-01-09T15:00:00Z"), "IsDeleted": "true",
            "LastModifiedDate": "2025-01-13T15:00:00Z", "MasterRecordId": master}


def _seen(home) -> dict:
    with connect(home, read_only=True) as con:
        return {
            "matched": dict(con.execute("""
                select hubspot_contact_id, match_method || ' ' || coalesce(journey_id, '-')
                from intermediate.int_hubspot_contacts_matched
                where hubspot_contact_id in ('hsM', 'hsSEP', 'hsGONE', 'hsP', 'hsZ', 'hsR')
            """).fetchall()),
            "journeys": con.execute("""
                select journey_id, touches, hubspot_contact_id from marts.fct_lead_funnel
                where journey_id in ('hs_contact:hsSEP', 'sf_lead:P', 'hs_contact:hsZ', 'sf_lead:Q')
                order by journey_id""").fetchall(),
        }


@pytest.fixture(scope="module")
def merged(tmp_path_factory, crafted_company):
    tmp = tmp_path_factory.mktemp("hubspot_merges")
    home = copy_home(crafted_company[0], tmp / "home")
    contacts = home.landing / "hubspot" / "contacts"
    seen = {"before": _seen(home), "home": home}
    with pytest.MonkeyPatch.context() as env:
        env.setenv("ALIGNMENT_HOME", str(home.root))
        env.delenv("ALIGNMENT_CONTRACT", raising=False)
        env.delenv("ALIGNMENT_EXPECTATIONS", raising=False)
        env.setenv("ALIGNMENT_DBT_VARS", yaml.safe_dump(CUSTOM_FIELD_VARS))
        _write(contacts / "contacts_merged.csv",
               [_survivor("2025-01-11T09:00:00Z", "hsSEP; hsGONE", "hi@example.com;Gone@Example.com")])
        _write(home.landing / "hubspot" / "form_submissions" / "forms_merged.csv", [
            {"contact_id": "hsGONE", "submitted_at": "2024-10-01T15:00:00Z",
             "form_id": "newsletter", "form_name": "newsletter", "page_url": PAGE + "blog"}])
        _write(home.landing / "hubspot" / "email_events" / "events_merged.csv", [
            {"id": "ev1", "type": "OPEN", "recipient": "gone@example.com",
             "created": "2024-10-02T15:00:00Z", "email_campaign_id": "ec1"}])
        seen["merged"] = run_refresh(home)
        seen["after_merge"] = _seen(home)
        _write(contacts / "contacts_relisted.csv", [_survivor("2025-01-12T09:00:00Z", "hsSEP", "")])
        seen["relisted"] = run_refresh(home)
        seen["after_relisting"] = _seen(home)
        _write(contacts / "contacts_chained.csv", [
            _survivor("2025-01-13T09:00:00Z", "hsM", "", "hsZ", "z@example.com", ""),
            _survivor("2025-01-13T09:00:00Z", "", "", "hsR", "r-contact@example.com", "R"),
            # a cycle: two contacts listing each other
            _survivor("2025-01-13T09:00:00Z", "hsC2", "", "hsC1", "c1@example.com", ""),
            _survivor("2025-01-13T09:00:00Z", "hsC1", "", "hsC2", "c2@example.com", "")])
        leads = home.landing / "salesforce" / "Lead"
        _write(leads / "Lead_merged_R.csv", [
            _merged_lead("R", "P"), _merged_lead("X1", "X2"), _merged_lead("X2", "X1")])
        seen["chained"] = run_refresh(home)
        seen["after_chaining"] = _seen(home)
        _write(leads / "Lead_merged_P.csv", [
            {**_lead("Q", "2025-01-13T15:00:00Z"), "MasterRecordId": ""}, _merged_lead("P", "Q")])
        seen["lead_chained"] = run_refresh(home)
        seen["after_lead_chaining"] = _seen(home)
        seen["full"], seen["differences"] = rebuilt_in_full(home, tmp)
    return seen


def test_merged_contacts_count_in_the_surviving_contacts_journey(merged):
    assert merged["before"] == {
        "matched": {"hsSEP": "unmatched hs_contact:hsSEP", "hsP": "salesforce_lead_id sf_lead:P"},
        "journeys": [("hs_contact:hsSEP", 1, "hsSEP"), ("sf_lead:P", 2, "hsP")]}
    assert merged["merged"].success, merged["merged"].failures
    # hsSEP's newsletter form, hsGONE's and the e-mail opened at its address join P's two
    # forms; hsSEP's journey goes
    assert merged["after_merge"] == {
        "matched": {"hsM": "salesforce_lead_id sf_lead:P", "hsSEP": "merged sf_lead:P",
                    "hsGONE": "merged sf_lead:P", "hsP": "salesforce_lead_id sf_lead:P"},
        "journeys": [("sf_lead:P", 5, "hsP")]}
    # hsGONE's form finds its contact through the merge: no warning of an unknown contact
    assert not [check for check in merged["merged"].failed_checks if "form_submissions" in check]


def test_a_contact_no_longer_listed_leaves_the_journey(merged):
    assert merged["relisted"].success, merged["relisted"].failures
    assert merged["after_relisting"] == {
        "matched": {"hsM": "salesforce_lead_id sf_lead:P", "hsSEP": "merged sf_lead:P",
                    "hsP": "salesforce_lead_id sf_lead:P"},
        "journeys": [("sf_lead:P", 3, "hsP")]}
    assert [check for check in merged["relisted"].failed_checks if "form_submissions" in check]


def test_a_contact_merged_into_one_merged_away_later_follows_the_chain(merged):
    assert merged["chained"].success, merged["chained"].failures
    # hsSEP, merged into hsM, which was merged into hsZ: both in hsZ's journey with hsSEP's form
    assert merged["after_chaining"] == {
        "matched": {"hsM": "merged hs_contact:hsZ", "hsSEP": "merged hs_contact:hsZ",
                    "hsZ": "unmatched hs_contact:hsZ", "hsP": "salesforce_lead_id sf_lead:P",
                    "hsR": "salesforce_lead_id sf_lead:P"},
        "journeys": [("hs_contact:hsZ", 1, "hsZ"), ("sf_lead:P", 2, "hsP")]}


def test_a_cycle_of_merges_is_left_out_with_a_warning(merged):
    # each contact in the cycle is matched on its own, and a warning lists the cycles
    with connect(merged["home"], read_only=True) as con:
        assert dict(con.execute("""
            select hubspot_contact_id, match_method || ' ' || journey_id
            from intermediate.int_hubspot_contacts_matched
            where hubspot_contact_id in ('hsC1', 'hsC2')""").fetchall()) == {
            "hsC1": "unmatched hs_contact:hsC1", "hsC2": "unmatched hs_contact:hsC2"}
    warned = [check for check in merged["chained"].failed_checks if "merge_chains_end" in check]
    assert len(warned) == 2
    assert any("assert_lead_merge_chains_end" in check for check in warned)
    assert any("assert_contact_merge_chains_end" in check for check in warned)


def test_a_lead_merged_into_one_merged_away_later_follows_the_chain(merged):
    assert merged["lead_chained"].success, merged["lead_chained"].failures
    # R into P, P into Q: hsR, synced to R, and hsP, synced to P, both in Q's journey
    assert merged["after_lead_chaining"] == {
        "matched": {"hsM": "merged hs_contact:hsZ", "hsSEP": "merged hs_contact:hsZ",
                    "hsZ": "unmatched hs_contact:hsZ", "hsP": "salesforce_lead_id sf_lead:Q",
                    "hsR": "salesforce_lead_id sf_lead:Q"},
        "journeys": [("hs_contact:hsZ", 1, "hsZ"), ("sf_lead:Q", 2, "hsP")]}


def test_the_full_rebuild_builds_the_same_tables(merged):
    assert merged["full"].success, merged["full"].failures
    assert merged["differences"] == {}
