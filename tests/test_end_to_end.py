"""A real refresh (Dagster in-process, DuckDB, dbt build) on generated data, checked against
the generator's ground truth; its incremental build checked against a full rebuild.

The company (tests/conftest.py, demo_2k) was refreshed without its last 30 days, then
incrementally with them and ten crafted changes: a lead that takes over a HubSpot-only
contact's address, an opened e-mail re-exported as bounced, a customer contact in
Salesforce with another HubSpot-only contact's address, a lead matched to a HubSpot contact
by its address alone that changes its address, another such lead deleted, an account
merged into another, an opportunity, a campaign member and a task deleted, and a lead
converted into another's opportunity (tests/demo_later.py)."""

from __future__ import annotations

import json
import re
import shutil
from collections import Counter

import pytest

from demo_later import (
    CUSTOMER_CONTACT,
    DELETED_FILES,
    MOVED_ADDRESS,
    MOVED_OPPORTUNITY,
    SHARED_OPPORTUNITY_FILE,
    TAKEOVER_LEAD,
)
from homes import copy_home
from orchestration.build_state import settled_nodes
from orchestration.cli import main
from orchestration.demo.truth import TRUTH_FILE
from orchestration.home import Home
from orchestration.landing import OBJECTS
from orchestration.warehouse import connect
from warehouse_diff import table_differences

LEADS = 2_000


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory, demo_2k):
    """The session's generated company (tests/conftest.py, demo_2k) on a copy of its own:
    the tests below rebuild it and land a broken file."""
    base, outcome = demo_2k
    home = copy_home(base, tmp_path_factory.mktemp("e2e") / "home")
    truth = json.loads((home.root / TRUTH_FILE).read_text(encoding="utf-8"))
    assert truth["generator"]["leads"] == LEADS
    with pytest.MonkeyPatch.context() as env:
        env.setenv("ALIGNMENT_HOME", str(home.root))
        yield home, truth, outcome


def one(home: Home, sql: str, parameters: list | None = None):
    with connect(home, read_only=True) as con:
        return con.execute(sql, parameters).fetchone()


def test_the_refresh_succeeds_with_every_dbt_test_passing(warehouse):
    _, _, outcome = warehouse
    assert outcome.success, outcome.failures
    assert outcome.failed_checks == ()


def test_every_landed_row_is_loaded_or_quarantined(warehouse):
    home, truth, _ = warehouse
    with connect(home, read_only=True) as con:
        manifest = {obj: (read, quarantined) for obj, read, quarantined in con.execute(
            "select object, sum(rows_read), sum(rows_quarantined) from raw.load_manifest "
            "where file not in ('salesforce/Lead/day2_Lead_takeover.csv', "
            "'salesforce/Lead/day2_Lead_address_changed.csv', "
            "'salesforce/Lead/day2_Lead_deleted.csv', "
            "'hubspot/email_events/day2_email_events_bounced.jsonl', "
            "'salesforce/Contact/day2_Contact_customer.csv', "
            "'salesforce/Lead/day2_Lead_account_merged.csv', "
            f"'salesforce/Opportunity/day2_{MOVED_OPPORTUNITY}', "
            f"'salesforce/Lead/day2_{SHARED_OPPORTUNITY_FILE}', "
            + ", ".join(f"'salesforce/{folder}/day2_{name}'"
                        for folder, name in DELETED_FILES.items()) + ") "
            "group by object").fetchall()}
        unreconciled = con.execute("select count(*) from raw.load_manifest "
                                   "where rows_read <> rows_loaded + rows_quarantined").fetchone()
    tables = {f"{obj.system}/{obj.name}": obj.table for obj in OBJECTS}
    assert {tables[obj]: counts for obj, counts in manifest.items()} == {
        table: (count["rows"], count["malformed"]) for table, count in truth["counts"].items()}
    assert unreconciled == (0,)


def test_marketing_acceptance_rate_recovers_the_generator_knob(warehouse):
    home, truth, _ = warehouse
    handed_over, accepted = one(home, """
        select count(*), count(*) filter (where is_accepted)
        from marts.fct_lead_funnel
        where sourced_by = 'marketing' and is_handed_over and lead_id is distinct from ?""",
        [TAKEOVER_LEAD])
    funnel = truth["funnel"]
    assert (handed_over, accepted) == (funnel["marketing_mql"],
                                       funnel["marketing_mql_accepted"])
    assert abs(accepted / handed_over - truth["knobs"]["acceptance_rate"]) <= 0.02


def test_sales_sourced_share_of_accepted_leads_recovers_the_knob(warehouse):
    home, truth, _ = warehouse
    sales, accepted = one(home, """
        select count(*) filter (where sourced_by = 'sales'), count(*)
        from marts.fct_lead_funnel where sal_at is not null""")
    assert sales == truth["funnel"]["sales_sourced_accepted"]
    assert abs(sales / accepted - truth["knobs"]["sales_sourced_share"]) <= 0.02


def test_one_journey_per_lead_and_per_hubspot_only_contact(warehouse):
    home, truth, _ = warehouse
    journeys, leads, hubspot_only = one(home, """
        select count(*), count(lead_id), count(*) filter (where lead_id is null)
        from marts.fct_lead_funnel""")
    # the crafted lead took over one HubSpot-only contact's journey; the crafted customer
    # contact ended another's; the lead that changed its address, and the deleted one, left
    # their HubSpot contacts one of their own
    assert (leads, hubspot_only) == (truth["leads"]["total"] + 1 - 1,
                                     truth["hubspot_only_contacts"]["count"] - 2 + 2)
    assert journeys == leads + hubspot_only


def test_merged_hubspot_duplicates_count_in_the_surviving_contacts_journeys(warehouse):
    """The generator's merged duplicates (orchestration/demo/merges.py): each takes the journey
    of the contact that lists it, and every lead whose last form was filed under a duplicate
    (its crossing form, for a lead that crossed) keeps the designed MQL moment."""
    home, truth, _ = warehouse
    detail = home.root / "demo_truth" / "leads_part*.parquet"
    merged, followed, leads, mql, wrong = one(home, f"""
        with merged as (
            select merged.journey_id, survivor.journey_id as survivor_journey_id
            from intermediate.int_hubspot_contacts_matched as merged
            join intermediate.int_hubspot_contacts_matched as survivor
                on survivor.hubspot_contact_id = merged.merged_into_contact_id
            where merged.match_method = 'merged')
        select (select count(*) from merged),
               (select count(*) from merged where journey_id = survivor_journey_id),
               count(*), count(truth.mql_at),
               count(*) filter (where funnel.mql_at is distinct from truth.mql_at)
        from marts.fct_lead_funnel as funnel
        join read_parquet('{detail}') as truth on truth.lead_id = funnel.lead_id
        where funnel.journey_id in (select journey_id from merged)""")
    assert merged == followed == leads == truth["hubspot"]["merged_duplicates"] > 0
    assert mql > 0
    assert wrong == 0


def test_merged_salesforce_leads_send_their_hubspot_contacts_to_the_surviving_leads(warehouse):
    """The generator's merged-away leads (orchestration/demo/merges.py): each HubSpot contact
    still synced to one is matched to the lead it was merged into (whose address is another
    now), and every such lead keeps the designed MQL moment."""
    home, truth, _ = warehouse
    detail = home.root / "demo_truth" / "leads_part*.parquet"
    synced, followed, deleted, leads, mql, wrong = one(home, f"""
        with merged as (
            select contacts.hubspot_contact_id, leads.master_record_id, leads.is_deleted
            from staging.stg_hubspot__contacts as contacts
            join staging.stg_salesforce__leads as leads
                on leads.lead_id = contacts.salesforce_lead_id
            where leads.master_record_id is not null),
        matched as (
            select matched.lead_id, matched.lead_id = merged.master_record_id as followed
            from merged
            join intermediate.int_hubspot_contacts_matched as matched
                on matched.hubspot_contact_id = merged.hubspot_contact_id
            where matched.match_method = 'salesforce_lead_id')
        select (select count(*) from merged),
               (select count(*) from matched where followed),
               (select count(*) from merged where is_deleted),
               count(*), count(truth.mql_at),
               count(*) filter (where funnel.mql_at is distinct from truth.mql_at)
        from marts.fct_lead_funnel as funnel
        join read_parquet('{detail}') as truth on truth.lead_id = funnel.lead_id
        where funnel.lead_id in (select lead_id from matched)""")
    assert synced == followed == deleted == leads == truth["leads"]["merged_away"] > 0
    assert mql > 0
    assert wrong == 0


def test_orphans_are_kept_and_flagged(warehouse):
    home, truth, _ = warehouse
    orphans = truth["orphans"]["ids"]
    assert one(home, "select list(opportunity_id) from marts.fct_opportunities "
                     "where is_account_missing") == (orphans["opportunity_account_missing"],)
    # and the lead converted into the opportunity deleted later (demo_later.py)
    converted, = one(home, """
        select lead_id from staging.stg_salesforce__leads
        where converted_opportunity_id in (
            select opportunity_id from staging.stg_salesforce__opportunities where is_deleted)""")
    assert one(home, "select list(lead_id order by lead_id) from marts.fct_lead_funnel "
                     "where is_opportunity_missing") == (
        sorted([*orphans["lead_converted_opportunity_missing"], converted]),)


def test_the_monthly_mart_adds_up_to_the_lead_funnel(warehouse):
    home, _, _ = warehouse
    assert one(home, "select sum(leads), sum(mqls), sum(won) from marts.fct_funnel_monthly") \
        == one(home, "select count(*), count(mql_at), count(won_at) from marts.fct_lead_funnel")


def test_the_incremental_refresh_moved_and_retired_touches(warehouse):
    home, _, _ = warehouse
    built = json.loads((home.dbt_target / "run_results.json").read_text(encoding="utf-8"))
    touches = next(r for r in built["results"]
                   if r["unique_id"] == "model.alignment.int_touches_unioned")
    assert not built["args"].get("full_refresh")
    assert "moved_identities" in touches["compiled_code"]  # built incrementally
    # dbt's output went to logs/refresh.log, not to a debug log file of its own as well
    assert built["args"]["log_level_file"] == "none"
    assert not (home.dbt_target / "dbt.log").exists()
    # the address's e-mail touches (and the contact's forms) now touch the lead's journey
    assert one(home, """
        select count(*) filter (where touches.journey_id = 'sf_lead:' || leads.lead_id),
               count(*)
        from staging.stg_salesforce__leads as leads
        inner join intermediate.int_touches_unioned as touches
            on touches.identity_key = 'email:' || leads.email
        where leads.lead_id = ?""", [TAKEOVER_LEAD]) == (3, 3)
    assert one(home, """
        select count(*) from intermediate.int_touches_unioned
        where touch_id in (select 'hubspot_email:' || email_event_id
                           from staging.stg_hubspot__email_events
                           where event_type = 'BOUNCE')""") == (0,)
    # the HubSpot contact with the customer contact's address belongs to no journey now: its
    # keys are gone from int_identity_journeys and the touches they found went
    gone, = one(home, """
        select hubspot_contact_id from intermediate.int_hubspot_contacts_matched
        where contact_id = ?""", [CUSTOMER_CONTACT])
    assert one(home, """
        select count(*) filter (where journey_id is null), count(*)
        from intermediate.int_identity_journeys
        where identity_type = 'hubspot_contact' and identity_value = ?""", [gone]) == (1, 1)
    assert one(home, """
        select count(*) from intermediate.int_touches_unioned
        where journey_id = 'hs_contact:' || ?""", [gone]) == (0,)
    # the incremental build wrote the touches of the day and of the keys that moved, not all
    # of them again (it did when the full build's newest loads made no touch)
    written, kept = one(home, """
        select count(*) filter (where _seen_up_to = (select max(load_id) from raw.load_manifest)),
               count(*) filter (where _seen_up_to < (select max(load_id) from raw.load_manifest))
        from intermediate.int_touches_unioned""")
    assert 0 < written < kept / 10


def test_the_incremental_build_tested_the_rows_newer_than_the_full_build(warehouse):
    home, _, _ = warehouse
    built = json.loads((home.dbt_target / "run_results.json").read_text(encoding="utf-8"))
    # the full build's newest load: the mark of every touch the incremental one kept
    full_build_load, = one(home, """
        select max(_seen_up_to) from intermediate.int_touches_unioned
        where _seen_up_to < (select max(load_id) from raw.load_manifest)""")
    filtered = [r for r in built["results"]
                if r["unique_id"].startswith("test.alignment.valid_columns_")
                and re.search(rf"(_load_id|_seen_up_to|changed_after_load) > {full_build_load}\b",
                              r["compiled_code"])]
    # the valid_columns tests of the 28 incremental models and of the 2 tables rewritten by
    # difference that mark the rows they write, passed
    assert [r["status"] for r in filtered] == ["pass"] * 30
    # fct_touchpoints' keys repeated only where a row it wrote is
    unique, = [r for r in built["results"] if r["unique_id"].startswith(
        "test.alignment.unique_combination_of_columns_fct_touchpoints_")]
    assert unique["status"] == "pass" and f"_seen_up_to > {full_build_load}" \
        in unique["compiled_code"]
    events, = [" ".join(r["compiled_code"].split()) for r in filtered
               if ".valid_columns_stg_hubspot__email_events_" in r["unique_id"]]
    # a new event's id checked against every event's
    assert re.search(r"where email_event_id is not null and email_event_id in \(select "
                     rf"email_event_id from \S+ where _load_id > {full_build_load}\) group by",
                     events), events
    # the relationships of the touchpoints, the drift and the opportunities to the funnel
    # and of the touches to the journeys, on their rows written since and those of the
    # journeys their parent recorded gone
    relationships = sorted(r["unique_id"].split(".")[2].split("_journey_id")[0]
                           for r in built["results"] if r["status"] == "pass"
                           and f"_seen_up_to > {full_build_load} or journey_id in"
                           in " ".join(r["compiled_code"].split()))
    assert relationships == [f"relationships_since_tested_{model}" for model in (
        "fct_definition_drift", "fct_opportunities", "fct_touchpoints", "int_touches_unioned")]
    # the singular tests on the journeys the funnel, attribution and the nurture stays wrote
    # again (and the leads a newer load brought), passed
    singular = {r["unique_id"].split(".")[-1]: r["status"] for r in built["results"]
                if r["unique_id"].startswith("test.alignment.assert_")
                and f"_seen_up_to > {full_build_load}" in r["compiled_code"]}
    assert singular == {"assert_attribution_weights_sum_to_one": "pass",
                        "assert_mql_touch_reaches_threshold_under_its_version": "pass",
                        "assert_handoff_touch_is_sales_ready_under_its_version": "pass",
                        "assert_every_conversion_is_attributed_or_unattributed": "pass",
                        "assert_nurture_stays_of_a_journey_never_overlap": "pass",
                        "assert_every_live_lead_is_one_journey": "pass"}


def _written_or_gone(*tables: str) -> str:
    """SQL: the journeys with a row of any of the tables (schema.name) marked with a load,
    or a gone row so marked (macros/incremental.sql: journeys_written_or_gone); the load is
    a parameter, twice per table."""
    return " union ".join(
        f"select journey_id from {table} where _seen_up_to = ? union select journey_id "
        f"from intermediate.{table.split('.')[1]}__gone where _seen_up_to = ?"
        for table in tables)


def test_the_incremental_build_computed_again_the_journeys_whose_inputs_changed(warehouse):
    home, _, _ = warehouse
    newest, = one(home, "select max(load_id) from raw.load_manifest")
    contact, = one(home, """
        select hubspot_contact_id from intermediate.int_hubspot_contacts_matched
        where contact_id = ?""", [CUSTOMER_CONTACT])
    gone, takeover = f"hs_contact:{contact}", f"sf_lead:{TAKEOVER_LEAD}"
    # scoring: the journeys whose touches or fit were written or went, without a digest
    # (journeys_written_or_gone): the journey whose touches moved to the takeover lead is
    # recorded gone; the takeover lead's touches were written (its three e-mail touches of
    # the address and the HubSpot contact's form)
    scoring = _written_or_gone("intermediate.int_touches_unioned",
                               "intermediate.int_journeys_fit_evaluated")
    assert one(home, """
        select count(*) from intermediate.int_touches_unioned__gone
        where journey_id = ? and _seen_up_to = ?""", [gone, newest]) == (1,)
    assert one(home, """
        select count(*), count(*) filter (where _seen_up_to = ?)
        from intermediate.int_touches_unioned where journey_id = ?""",
               [newest, takeover]) == (4, 4)
    changed, journeys = one(home, f"""
        select count(*) filter (where journey_id in (
                   select journey_id from intermediate.int_touches_unioned)),
               (select count(distinct journey_id) from intermediate.int_touches_unioned)
        from ({scoring})""", [newest] * 4)
    assert 0 < changed < journeys / 10
    # the scored journeys written by this build are exactly those with touches; the gone one
    # has no rows left
    assert one(home, """
        select count(*) filter (where _seen_up_to = ?), count(*) filter (where journey_id = ?)
        from intermediate.int_journeys_scored""", [newest, gone]) == (changed, 0)
    assert one(home, f"""
        select count(*) from intermediate.int_touches_scored
        where journey_id = ? or (_seen_up_to = ? and journey_id not in ({scoring}))""",
               [gone, newest, *[newest] * 4]) == (0,)
    # attribution: the journeys whose conversions or touches were written or went, without a
    # digest (journeys_written_or_gone): the takeover lead's creation was written
    # (unattributed: no touch in its window); the ended journey's creation and touches went,
    # recorded gone by both (built by difference)
    assert one(home, """
        select count(*) from intermediate.int_conversions_listed
        where journey_id = ? and milestone = 'lead_created' and _seen_up_to = ?""",
               [takeover, newest]) == (1,)
    assert one(home, """
        select (select count(*) from intermediate.int_conversions_listed__gone
                where journey_id = ? and _seen_up_to = ?),
               (select count(*) from intermediate.fct_touchpoints__gone
                where journey_id = ? and _seen_up_to = ?)""",
               [gone, newest, gone, newest]) == (1, 1)
    changed, journeys = one(home, f"""
        select count(*) filter (where journey_id in (
                   select journey_id from marts.fct_attribution)),
               (select count(distinct journey_id) from marts.fct_attribution)
        from ({_written_or_gone("intermediate.int_conversions_listed",
                                "marts.fct_touchpoints")})""", [newest] * 4)
    assert 0 < changed < journeys / 10
    # what fct_attribution wrote again is exactly those journeys (their rows, the gone one
    # none), and the conversions without a journey
    assert one(home, """
        select count(distinct journey_id) filter (where _seen_up_to = ?),
               count(*) filter (where journey_id = ?),
               count(*) filter (where journey_id = ? and not is_attributed)
        from marts.fct_attribution""", [newest, gone, takeover]) == (changed, 0, 1)
    # nurture: the journeys with a funnel row, a sales touch or a marketing touch written or
    # gone (nurture_inputs, no digest) are the ones written; the ended journey's funnel row
    # went, recorded gone by fct_lead_funnel (by_difference)
    assert one(home, """
        select count(*) from intermediate.fct_lead_funnel__gone
        where journey_id = ? and _seen_up_to = ?""", [gone, newest]) == (1,)
    nurture_inputs = _written_or_gone("marts.fct_lead_funnel",
                                      "intermediate.int_sales_touches_unioned",
                                      "intermediate.int_touches_unioned")
    written, marked, journeys = one(home, f"""
        select count(distinct journey_id) filter (where _seen_up_to = ?),
               count(distinct journey_id) filter (where journey_id in ({nurture_inputs})),
               count(distinct journey_id)
        from intermediate.int_nurture_stays""", [newest, *[newest] * 6])
    # (a funnel row whose score alone changed counts too: more than the stays that changed)
    assert 0 < written == marked < journeys / 5
    gone_rows, takeover_written = one(home, """
        select count(*) filter (where journey_id = ?),
               count(*) filter (where journey_id = ? and _seen_up_to = ?)
        from intermediate.int_nurture_stays""", [gone, takeover, newest])
    assert gone_rows == 0 and takeover_written > 0


def test_the_incremental_build_dated_again_the_leads_a_load_brought(warehouse):
    # int_lead_stages_dated is incremental by lead: the leads whose record or history a load
    # after the full build brought are dated again, the takeover lead among them; the full
    # rebuild (below) proves the rest were right as they stood.
    home, _, _ = warehouse
    newest, = one(home, "select max(load_id) from raw.load_manifest")
    full_build_load, = one(home, """
        select max(_seen_up_to) from intermediate.int_lead_stages_dated
        where _seen_up_to < ?""", [newest])
    written, brought, leads = one(home, """
        with brought as (
            select lead_id from staging.stg_salesforce__leads where _load_id > ?
            union
            select lead_id from staging.stg_salesforce__lead_history where _load_id > ?
        )
        select count(*) filter (where _seen_up_to = ?),
               count(*) filter (where lead_id in (from brought)),
               count(*)
        from intermediate.int_lead_stages_dated""", [full_build_load, full_build_load, newest])
    # the 30 days held back hold a tenth of the history (as for the diffed tables below)
    assert 0 < written == brought < leads / 5
    assert one(home, """
        select _seen_up_to from intermediate.int_lead_stages_dated where lead_id = ?""",
               [TAKEOVER_LEAD]) == (newest,)


def test_the_incremental_build_matched_again_the_hubspot_contacts_a_load_may_move(warehouse):
    # int_hubspot_contacts_matched is incremental by HubSpot contact: the two contacts whose
    # address a new lead and a new Salesforce contact took were matched again (to the lead,
    # to the customer contact), and the one whose lead changed its address (matched by the
    # lead's old version: only the row here remembers it), with a share of the others; the
    # full rebuild (below) proves the contacts it left were right as they stood.
    home, _, _ = warehouse
    newest, = one(home, "select max(load_id) from raw.load_manifest")
    moved_email, = one(home, "select email from staging.stg_salesforce__leads where email like ?",
                       [MOVED_ADDRESS.format("%")])
    moved_contact = moved_email.removeprefix("moved-from-").removesuffix("@example.invalid")
    assert one(home, """
        select match_method, lead_id, journey_id, _seen_up_to
        from intermediate.int_hubspot_contacts_matched where hubspot_contact_id = ?""",
               [moved_contact]) == ("unmatched", None, f"hs_contact:{moved_contact}", newest)
    # int_journeys_identified computed again the journey it left (the lead's: its contact
    # gone, its address new) and the one it started
    left, = one(home, """
        select replaced_journey_id from intermediate.int_hubspot_contacts_matched
        where hubspot_contact_id = ?""", [moved_contact])
    assert left.startswith("sf_lead:")
    assert one(home, """
        select email, hubspot_contact_id, _seen_up_to from intermediate.int_journeys_identified
        where journey_id = ?""", [left]) == (moved_email, None, newest)
    assert one(home, """
        select journey_type, _seen_up_to from intermediate.int_journeys_identified
        where journey_id = ?""", [f"hs_contact:{moved_contact}"]) == ("hubspot_contact", newest)
    written, journeys = one(home, """
        select count(*) filter (where _seen_up_to = ?), count(*)
        from intermediate.int_journeys_identified""", [newest])
    assert 0 < written < journeys / 5
    assert one(home, """
        select match_method, _seen_up_to from intermediate.int_hubspot_contacts_matched
        where lead_id = ? and match_method = 'email_lead'""", [TAKEOVER_LEAD]) \
        == ("email_lead", newest)
    assert one(home, """
        select match_method, journey_id, _seen_up_to from intermediate.int_hubspot_contacts_matched
        where contact_id = ?""", [CUSTOMER_CONTACT]) == ("email_contact", None, newest)
    written, contacts = one(home, """
        select count(*) filter (where _seen_up_to = ?), count(*)
        from intermediate.int_hubspot_contacts_matched""", [newest])
    assert 0 < written < contacts / 5



def test_the_incremental_build_removed_the_deleted_lead_everywhere(warehouse):
    # The lead re-exported as deleted: its journey, stage dates, identity keys and touches
    # went, and its HubSpot contact (matched by the lead's address) starts a journey of its
    # own; the full rebuild (below) proves nothing else still points to it.
    home, _, _ = warehouse
    newest, = one(home, "select max(load_id) from raw.load_manifest")
    deleted, = one(home, """select lead_id from staging.stg_salesforce__leads
                            where is_deleted and master_record_id is null""")
    journey = f"sf_lead:{deleted}"
    assert one(home, f"""
        select
            (select count(*) from marts.fct_lead_funnel where journey_id = '{journey}'),
            (select count(*) from intermediate.int_journeys_identified
             where journey_id = '{journey}'),
            (select count(*) from intermediate.int_lead_stages_dated where lead_id = '{deleted}'),
            (select count(*) from intermediate.int_identity_journeys
             where journey_id = '{journey}'),
            (select count(*) from intermediate.int_touches_unioned where journey_id = '{journey}'),
            (select count(*) from intermediate.int_sales_touches_unioned
             where journey_id = '{journey}'),
            (select count(*) from marts.fct_attribution where journey_id = '{journey}')""") \
        == (0, 0, 0, 0, 0, 0, 0)
    contact, = one(home, """
        select hubspot_contact_id from intermediate.int_hubspot_contacts_matched
        where replaced_journey_id = ?""", [journey])
    assert one(home, """
        select match_method, journey_id, _seen_up_to
        from intermediate.int_hubspot_contacts_matched where hubspot_contact_id = ?""",
               [contact]) == ("unmatched", f"hs_contact:{contact}", newest)
    assert one(home, """
        select count(*) from marts.fct_lead_funnel where journey_id = ?""",
               [f"hs_contact:{contact}"]) == (1,)


def test_an_opportunity_two_leads_were_converted_into_counts_once(warehouse):
    # The lead re-exported as converted into another's opportunity, created before it, the
    # same day: the opportunity, its amount and its win are its journey's now, and no longer
    # the other's, which the build found through the opportunity alone (its own lead did not
    # change); the full rebuild (below) proves it the same as built whole.
    home, _, _ = warehouse
    lead, opportunity = one(home, """
        select leads.lead_id, leads.converted_opportunity_id
        from staging.stg_salesforce__leads as leads
        inner join raw.load_manifest as load on leads._load_id = load.load_id
        where load.file = ?""", [f"salesforce/Lead/day2_{SHARED_OPPORTUNITY_FILE}"])
    assert one(home, """
        select count(*) from staging.stg_salesforce__leads
        where converted_opportunity_id = ?""", [opportunity]) == (2,)
    assert one(home, """
        select
            (select journey_id from marts.fct_opportunities where opportunity_id = $2),
            (select list(journey_id) from marts.fct_lead_funnel where opportunity_id = $2),
            (select count(*) from marts.fct_lead_funnel
             where opportunity_id is null and lead_id in (
                 select lead_id from staging.stg_salesforce__leads
                 where converted_opportunity_id = $2 and lead_id <> $1))""",
               [lead, opportunity]) == (f"sf_lead:{lead}", [f"sf_lead:{lead}"], 1)


def _deleted(home, folder: str) -> str:
    """The Id of the record demo_later.py re-exported as deleted in the object's folder."""
    model, key = {"Opportunity": ("opportunities", "opportunity_id"),
                  "CampaignMember": ("campaign_members", "campaign_member_id"),
                  "Task": ("tasks", "task_id")}[folder]
    record, = one(home, f"""
        select {key} from staging.stg_salesforce__{model} as records
        inner join raw.load_manifest as load on records._load_id = load.load_id
        where load.file = ? and records.is_deleted""",
                  [f"salesforce/{folder}/day2_{DELETED_FILES[folder]}"])
    return record


def test_the_incremental_build_removed_the_deleted_opportunity_member_and_task(warehouse):
    # Each was in the marts before (demo_later.py picked them there); the full rebuild
    # (below) proves every table the same as built whole.
    home, _, _ = warehouse
    opportunity, member, task = (_deleted(home, folder)
                                 for folder in ("Opportunity", "CampaignMember", "Task"))
    assert one(home, """
        select
            (select count(*) from staging.stg_salesforce__opportunities
             where opportunity_id = $1 and is_deleted),
            (select count(*) from marts.fct_opportunities where opportunity_id = $1),
            (select count(*) from intermediate.int_opportunities_stage_dated
             where opportunity_id = $1),
            (select count(*) from marts.fct_attribution where opportunity_id = $1),
            (select count(*) from marts.fct_lead_funnel
             where opportunity_id = $1 and not is_opportunity_missing),
            (select count(*) from intermediate.int_touches_unioned
             where touch_id = 'salesforce_campaign:' || $2),
            (select count(*) from intermediate.int_sales_touches_unioned
             where activity_id = $3)""", [opportunity, member, task]) == (1, 0, 0, 0, 0, 0, 0)


def test_the_incremental_build_computed_again_the_sales_activities_a_load_may_change(warehouse):
    # int_sales_touches_unioned, incremental by activity: it reads again the activities of
    # the later days' records, and those on the leads and contacts of the journeys those
    # days changed, and writes (with the newest load) those whose rows differ; the rest keep
    # the first build's mark. The full rebuild (below) proves the rows are a rebuild's.
    home, _, _ = warehouse
    first, newest, written, rows, retired = one(home, """
        select min(_seen_up_to), max(_seen_up_to),
            count(*) filter (where _seen_up_to = (select max(load_id) from raw.load_manifest)),
            count(*), count(*) filter (where touched_at is null)
        from intermediate.int_sales_touches_unioned""")
    assert first < newest and 0 < written < rows / 5 and retired == 0
    # every activity first exported in the later days that makes a touch was written
    new_activities, unwritten = one(home, f"""
        select count(*), count(*) filter (where touches._seen_up_to = {first})
        from intermediate.int_sales_touches_unioned as touches
        where touches.activity_id in (
            select id from raw.salesforce__task group by id having min(_load_id) > {first}
            union all
            select id from raw.salesforce__event group by id having min(_load_id) > {first})""")
    assert new_activities > 0 and unwritten == 0
    # the touches on leads the later days brought a new version of were read again; those
    # that make the rows they made kept their mark
    assert one(home, f"""
        select count(*) from intermediate.int_sales_touches_unioned as touches
        where touches._seen_up_to = {first} and touches.journey_id in (
            select 'sf_lead:' || lead_id from staging.stg_salesforce__leads
            where _load_id > {first})""")[0] > 0


REWRITTEN = re.compile(r"alignment: (\w+)\.(\w+) rewritten by difference: (\d+) rows written, "
                       r"(\d+) deleted")


def test_the_incremental_build_wrote_only_the_rows_that_differ(warehouse):
    # Tables materialized as diffed_table (macros/diffed_table.sql) compare every row a
    # rebuild would write with the table's and write only the differences, and incremental
    # models built by_difference the rows of the keys they computed again; the full rebuild
    # (below) proves the tables are then what a rebuild gives.
    home, _, _ = warehouse
    manifest = json.loads((home.dbt_target / "manifest.json").read_text(encoding="utf-8"))
    diffed = {node["name"] for node in manifest["nodes"].values()
              if node["config"].get("materialized") == "diffed_table"
              or node["config"].get("incremental_strategy") == "by_difference"}
    log = (home.root / "logs" / "refresh.log").read_text(encoding="utf-8")
    rewritten = {name: (int(written), int(deleted))
                 for _, name, written, deleted in REWRITTEN.findall(log)}
    assert set(rewritten) == diffed and len(diffed) == 9
    for name, (written, deleted) in rewritten.items():
        schema = manifest["nodes"][f"model.alignment.{name}"]["schema"]
        rows, = one(home, f"select count(*) from {schema}.{name}")
        # the 30 days held back hold a tenth of the history (a changed row is one written
        # and one deleted; opportunities move through their stages: a fifth of them)
        assert 0 < written < rows / 4 and deleted < rows / 4, name
        # the rows it wrote carry the newest load; those it gave again unchanged kept theirs
        assert one(home, f"select count(*) from {schema}.{name} where _seen_up_to = "
                         "(select max(load_id) from raw.load_manifest)") == (written,), name


def test_the_incremental_build_computed_again_the_funnel_journeys_whose_inputs_changed(warehouse):
    # fct_lead_funnel is incremental by journey: the ended journey went, the takeover lead's
    # and the journey the moved contact started were written, with a share of the others;
    # the full rebuild (below) proves the journeys it left were right as they stood.
    home, _, _ = warehouse
    newest, = one(home, "select max(load_id) from raw.load_manifest")
    contact, = one(home, """
        select hubspot_contact_id from intermediate.int_hubspot_contacts_matched
        where contact_id = ?""", [CUSTOMER_CONTACT])
    moved_email, = one(home, "select email from staging.stg_salesforce__leads where email like ?",
                       [MOVED_ADDRESS.format("%")])
    moved_contact = moved_email.removeprefix("moved-from-").removesuffix("@example.invalid")
    assert one(home, """
        select count(*) filter (where journey_id = ?),
               count(*) filter (where journey_id = ? and _seen_up_to = ?),
               count(*) filter (where journey_id = ? and _seen_up_to = ?)
        from marts.fct_lead_funnel""", [f"hs_contact:{contact}", f"sf_lead:{TAKEOVER_LEAD}", newest,
                                       f"hs_contact:{moved_contact}", newest]) == (0, 1, 1)
    # the ended journey went from the journeys first, recorded gone there too (by_difference)
    assert one(home, """
        select count(*) from intermediate.int_journeys_identified__gone
        where journey_id = ? and _seen_up_to = ?""", [f"hs_contact:{contact}", newest]) == (1,)
    written, journeys = one(home, """
        select count(*) filter (where _seen_up_to = ?), count(*) from marts.fct_lead_funnel""",
                            [newest])
    assert 0 < written < journeys / 5
    # it computed again more journeys than it wrote: most came out as they were (by_difference)
    rebuilt, = one(home, "select count(*) from intermediate.fct_lead_funnel__rebuilt")
    assert written < rebuilt < journeys / 2



def test_the_incremental_build_moved_the_merged_account_s_opportunity_and_lead(warehouse):
    # the account merged into another (demo_later.py): its only opportunity and the lead
    # converted into it belong to the other account now, and the account view credits the
    # other account alone; the full rebuild (below) proves every table the same as built whole
    home, _, _ = warehouse
    opportunity, old_account, new_account = one(home, """
        select earlier.id, earlier.account_id, moved.account_id
        from raw.salesforce__opportunity as moved
        inner join raw.load_manifest as load on moved._load_id = load.load_id
        inner join raw.salesforce__opportunity as earlier
            on earlier.id = moved.id and earlier._load_id < moved._load_id
        where load.file = ?""", [f"salesforce/Opportunity/day2_{MOVED_OPPORTUNITY}"])
    assert old_account != new_account
    assert one(home, """
        select opportunities.account_id, funnel.account_id
        from marts.fct_opportunities as opportunities
        inner join marts.fct_lead_funnel as funnel
            on opportunities.journey_id = funnel.journey_id
        where opportunities.opportunity_id = ?""", [opportunity]) == (new_account, new_account)
    assert one(home, """
        select count(*) filter (where account_id = ?),
               count(*) filter (where account_id = ? and attribution_model = 'linear'
                                and opportunities_touched > 0) > 0
        from marts.fct_account_attribution""", [old_account, new_account]) == (0, True)


def test_the_incremental_build_kept_the_settled_nodes_and_their_test_results(warehouse):
    """The seeds, the seven models built of them and the lead definitions alone, and the
    tests of those alone were not built again (build_state.settled_nodes)."""
    home, _, outcome = warehouse
    built = json.loads((home.dbt_target / "run_results.json").read_text(encoding="utf-8"))
    manifest = json.loads((home.dbt_target / "manifest.json").read_text(encoding="utf-8"))
    ran = Counter(result["unique_id"].split(".")[0] for result in built["results"])
    assert (ran["model"], ran["seed"]) == (69 - 7, 0)
    assert not {result["unique_id"] for result in built["results"]} & settled_nodes(manifest)
    tests = [node for node in manifest["nodes"].values() if node["resource_type"] == "test"]
    on_settled_only = [test for test in tests if test["unique_id"] in settled_nodes(manifest)]
    assert len(on_settled_only) == 20 + 12  # on seeds alone, on the settled models
    assert ran["test"] == len(tests) - len(on_settled_only)
    # the settled nodes' tests are reported with the results of the build that ran them:
    # every dbt test is a check, as a full build reports
    assert outcome.dbt_checks == len(tests) == 155
    assert one(home, "select count(*) from reference.lead_status_map") == (15,)
    # kept as built: the signed versions in force
    assert one(home, "select count(*) from intermediate.int_lead_definitions_in_force") \
        == one(home, "select count(*) from contract.lead_definition_versions") == (1,)


def test_the_incremental_refresh_published_the_marts_it_built(warehouse):
    """Its publication updated the marked marts by key in a copy of the first refresh's
    (tests/test_publish.py): they hold the warehouse's rows, e-mail addresses hashed."""
    home, _, outcome = warehouse
    assert outcome.published
    with connect(home, read_only=True) as con:
        con.execute(f"attach '{home.published}' as published (read_only)")
        for table, hashed in (("fct_lead_funnel", "email"), ("fct_attribution", None),
                              ("fct_touchpoints", None), ("fct_definition_drift", None)):
            built = f"select * exclude ({hashed}) from" if hashed else "select * from"
            served = f"select * exclude ({hashed}_hash) from" if hashed else "select * from"
            differ = con.execute(
                f"select (select count(*) from ({built} marts.{table} except all "
                f"{served} published.{table})), (select count(*) from ({served} "
                f"published.{table} except all {built} marts.{table})), "
                f"(select count(*) from marts.{table} where _seen_up_to > "
                f"(select min(_seen_up_to) from marts.{table}))").fetchone()
            # the later days wrote rows again, and the publication holds them as built
            assert differ[:2] == (0, 0) and differ[2] > 0, table


def test_a_full_rebuild_loads_nothing_and_builds_the_same_tables(warehouse, capsys):
    home, _, _ = warehouse
    incremental = home.root.parent / "incremental.duckdb"
    shutil.copy(home.warehouse, incremental)
    loads = one(home, "select count(*) from raw.load_manifest")

    assert main(["refresh", "--home", str(home.root), "--full-refresh"]) == 0

    assert "refresh done" in capsys.readouterr().out
    built = json.loads((home.dbt_target / "run_results.json").read_text(encoding="utf-8"))
    assert built["args"]["full_refresh"] is True
    assert one(home, "select count(*) from raw.load_manifest") == loads
    # every table dbt builds, row for row (doubles to ten significant digits)
    assert table_differences(str(home.warehouse), str(incremental)) == {}


def test_status_shows_loads_quarantine_and_marts(warehouse, capsys):
    home, truth, _ = warehouse

    assert main(["status", "--home", str(home.root), "--funnel"]) == 0

    out = capsys.readouterr().out
    # The Lead files: the generator's (their part files split at the later days) and the
    # crafted changes' (demo_later), a record each; rows read reconcile with loaded and
    # quarantined.
    lead = truth["counts"]["salesforce__lead"]
    files = sorted((home.landing / "salesforce" / "Lead").glob("*.csv"))
    generated = {name.rsplit("/", 1)[-1] for name in lead["files"]}
    crafted = [path for path in files if path.name.removeprefix("day2_") not in generated]
    read = lead["rows"] + len(crafted)
    assert re.search(rf"│ salesforce/Lead +│ +{len(files)} │ +{read} │ +"
                     rf"{read - lead['malformed']} │ +{lead['malformed']} │", out)
    assert "not a timestamp" in out  # a quarantine reason of the generator's bad rows
    assert "marts.fct_lead_funnel" in out and "marts.kpi_alignment_monthly" in out
    assert "Funnel by sourcing" in out and "marketing" in out


def test_a_broken_landing_file_fails_the_refresh_naming_asset_file_and_column(warehouse,
                                                                              capsys):
    home, _, _ = warehouse
    broken = home.landing / "salesforce" / "Account" / "Account_zz_broken.csv"
    broken.write_text("Id,Name\n001X,Broken Inc\n", encoding="utf-8")
    try:
        code = main(["refresh", "--home", str(home.root)])
    finally:
        broken.unlink()

    err = capsys.readouterr().err
    assert code == 1
    assert "failed: raw: orchestration.ingest.LandingError: salesforce/Account: " in err
    assert "Account_zz_broken.csv: required column 'industry' of salesforce/Account is missing" \
        in err
