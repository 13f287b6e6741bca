"""The later days of the session's demo company (tests/conftest.py, demo_2k): held back from
its first refresh, landed before its second, incremental one, with ten crafted changes."""

from __future__ import annotations

import csv
import gzip
import json
from pathlib import Path

from orchestration.home import Home
from orchestration.warehouse import connect

# Days of the demo company held back from the first refresh and landed before the second.
LATER_DAYS = 30
# Added to those days: a new lead takes over the address of a HubSpot-only contact (whose
# e-mail touches move to the lead's journey), an opened e-mail is re-exported as bounced
# (its touch goes), and a new Salesforce contact, a customer no lead was converted to, takes
# the address of another HubSpot-only contact (whose journey ends: its touches go), and a
# lead matched to a HubSpot contact by its address alone changes its address (the contact,
# matched no more, starts a journey of its own). The lead's new address names the contact:
# MOVED_ADDRESS.format(<hubspot contact id>). And another lead so matched is deleted
# (re-exported with IsDeleted true): its journey, its keys and its touches go, and its
# HubSpot contact, matched no more, starts a journey of its own. And an account is merged
# into another: its only opportunity, with attributed touches, and the lead converted into it
# move to the other account (the opportunity's record in MOVED_OPPORTUNITY, landed as
# day2_<name>). And an opportunity with attributed touches, a campaign member who responded
# and a sales task are deleted (re-exported with IsDeleted true, as queryAll exports deleted
# records; the opportunity, in a Fivetran-style file, with _fivetran_deleted true): each leaves
# the marts (files DELETED_FILES, landed as day2_<name>). And a lead created before another
# that was converted into an opportunity is converted into the same one, the same day: the
# opportunity is credited to it now, and no longer to the other (SHARED_OPPORTUNITY_FILE).
TAKEOVER_LEAD = "00QTAKEOVER0000001"
CUSTOMER_CONTACT = "003CUSTOMER0000001"
MOVED_ADDRESS = "moved-from-{}@example.invalid"
MOVED_OPPORTUNITY = "opportunity_moved.csv"
SHARED_OPPORTUNITY_FILE = "Lead_converted_into_another_s_opportunity.csv"
DELETED_FILES = {"Opportunity": "opportunity_deleted.csv",
                 "CampaignMember": "CampaignMember_deleted.csv", "Task": "Task_deleted.csv"}


def _landed_record(folder: Path, value: str, column: str = "Id") -> dict:
    """The row whose `column` holds `value` in the object's landing files (CSV, gzipped or
    not), as exported: Salesforce's names (Id) or, as the demo's Opportunity files, Fivetran's
    (id)."""
    for path in sorted([*folder.glob("*.csv"), *folder.glob("*.csv.gz")]):
        with (gzip.open(path, "rt", newline="") if path.suffix == ".gz"
              else path.open(newline="")) as f:
            for row in csv.DictReader(f):
                if row[column] == value:
                    return row
    raise LookupError(f"{column} {value} is in no file of {folder}")


def _write_csv(path: Path, row: dict) -> None:
    with path.open("w", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=list(row))
        writer.writeheader()
        writer.writerow(row)


def later_crafted_changes(home: Home, later: Path) -> None:
    """Write the ten crafted changes into the held-back folder `later`."""
    with connect(home, read_only=True) as con:
        (email,), (customer_email,) = con.execute("""
            select contacts.email
            from intermediate.int_touches_unioned as touches
            inner join intermediate.int_hubspot_contacts_matched as contacts
                on touches.journey_id = contacts.journey_id
            where touches.journey_id like 'hs_contact:%'
                and touches.touch_source = 'hubspot_email'
            group by 1 order by count(*) desc, 1 limit 2""").fetchall()
        opened, = con.execute("""
            select email_event_id from staging.stg_hubspot__email_events
            where event_type = 'OPEN' order by 1 limit 1""").fetchone()
        (moved_contact, moved_lead), (_, deleted_lead) = con.execute("""
            select hubspot_contact_id, lead_id
            from intermediate.int_hubspot_contacts_matched as matched
            where match_method = 'email_lead'
                and (select count(*) from staging.stg_salesforce__leads as leads
                     where leads.email = matched.email) = 1
                and matched.email not in (select email from staging.stg_salesforce__contacts
                                          where email is not null)
            order by 1 limit 2""").fetchall()
        moved_opportunity, new_account = con.execute("""
            select opportunity_id, (
                select min(account_id) from marts.fct_opportunities as others
                where not is_account_missing and others.account_id <> attribution.account_id)
            from marts.fct_attribution as attribution
            where milestone = 'opportunity_created' and is_attributed
                and account_id in (select account_id from marts.fct_opportunities
                                   where not is_account_missing
                                   group by 1 having count(*) = 1)
                and account_id in (select account_id from marts.fct_attribution
                                   group by 1 having count(distinct journey_id) = 1)
            order by 1 limit 1""").fetchone()
        deleted_opportunity, = con.execute("""
            select min(opportunity_id) from marts.fct_attribution
            where milestone = 'opportunity_created' and is_attributed
                and opportunity_id <> ?
                and opportunity_id in (select opportunity_id from marts.fct_opportunities
                                       where not is_account_missing)""",
            [moved_opportunity]).fetchone()
        deleted_member, = con.execute("""
            select min(replace(touch_id, 'salesforce_campaign:', ''))
            from intermediate.int_touches_unioned
            where touch_source = 'salesforce_campaign'""").fetchone()
        converted_first, shared_opportunity, converted_date, account, converted_too = \
            con.execute("""
            select first.lead_id, first.converted_opportunity_id, first.converted_date,
                   first.converted_account_id, (
                       select min(other.lead_id) from staging.stg_salesforce__leads as other
                       where not other.is_deleted and not other.is_converted
                           and other.created_at < first.created_at
                           and other.lead_id not in ($moved, $deleted))
            from staging.stg_salesforce__leads as first
            where first.is_converted and first.converted_date is not null
                and first.converted_opportunity_id in (
                    select opportunity_id from marts.fct_opportunities
                    where not is_account_missing
                        and opportunity_id not in ($moved_opportunity, $deleted_opportunity))
                and first.created_at > (select min(created_at) from staging.stg_salesforce__leads)
            order by first.lead_id limit 1""", {"moved": moved_lead, "deleted": deleted_lead,
                                                 "moved_opportunity": moved_opportunity,
                                                 "deleted_opportunity": deleted_opportunity}
        ).fetchone()
        deleted_task, = con.execute("""
            select min(activity_id) from intermediate.int_sales_touches_unioned
            where activity_type = 'task'""").fetchone()
    with (home.landing / "salesforce" / "Lead" / "Lead_part0001.csv").open(newline="") as f:
        lead = next(csv.DictReader(f))
    moment = "2026-10-30T10:00:00.000+0000"
    lead.update(Id=TAKEOVER_LEAD, Email=email, CreatedDate=moment, LastModifiedDate=moment,
                SystemModstamp=moment, IsConverted="false", ConvertedDate="",
                ConvertedAccountId="", ConvertedContactId="", ConvertedOpportunityId="")
    _write_csv(later / "salesforce" / "Lead" / "Lead_takeover.csv", lead)
    moved = _landed_record(home.landing / "salesforce" / "Lead", moved_lead)
    moved.update(Email=MOVED_ADDRESS.format(moved_contact), LastModifiedDate=moment,
                 SystemModstamp=moment)
    _write_csv(later / "salesforce" / "Lead" / "Lead_address_changed.csv", moved)
    deleted = _landed_record(home.landing / "salesforce" / "Lead", deleted_lead)
    deleted.update(IsDeleted="true", LastModifiedDate=moment, SystemModstamp=moment)
    _write_csv(later / "salesforce" / "Lead" / "Lead_deleted.csv", deleted)
    events = home.landing / "hubspot" / "email_events" / "email_events_part0001.jsonl"
    with events.open(encoding="utf-8") as f:
        event = next(e for e in map(json.loads, f) if e["id"] == opened)
    (later / "hubspot" / "email_events" / "email_events_bounced.jsonl").write_text(
        json.dumps({**event, "type": "BOUNCE"}) + "\n", encoding="utf-8")
    with (home.landing / "salesforce" / "Contact" / "Contact_part0001.csv").open(newline="") as f:
        contact = next(csv.DictReader(f))
    contact.update(Id=CUSTOMER_CONTACT, Email=customer_email, CreatedDate=moment,
                   LastModifiedDate=moment)
    _write_csv(later / "salesforce" / "Contact" / "Contact_customer.csv", contact)
    opportunity = _landed_record(home.landing / "salesforce" / "Opportunity", moved_opportunity,
                                 "id")
    opportunity.update(account_id=new_account, last_modified_date=moment,
                       _fivetran_synced=moment)
    _write_csv(later / "salesforce" / "Opportunity" / MOVED_OPPORTUNITY, opportunity)
    converted = _landed_record(home.landing / "salesforce" / "Lead", moved_opportunity,
                               "ConvertedOpportunityId")
    converted.update(ConvertedAccountId=new_account, LastModifiedDate=moment,
                     SystemModstamp=moment)
    _write_csv(later / "salesforce" / "Lead" / "Lead_account_merged.csv", converted)
    converted_later = _landed_record(home.landing / "salesforce" / "Lead", converted_too)
    converted_later.update(IsConverted="true", ConvertedDate=converted_date.isoformat(),
                           ConvertedOpportunityId=shared_opportunity, ConvertedAccountId=account,
                           LastModifiedDate=moment, SystemModstamp=moment)
    _write_csv(later / "salesforce" / "Lead" / SHARED_OPPORTUNITY_FILE, converted_later)
    assert converted_first != converted_too
    for folder, record_id, column, deleted in [
            ("Opportunity", deleted_opportunity, "id",
             # purged from the recycle bin: Fivetran's flag alone
             {"_fivetran_deleted": "true", "last_modified_date": moment,
              "_fivetran_synced": moment}),
            ("CampaignMember", deleted_member, "Id",
             {"IsDeleted": "true", "LastModifiedDate": moment}),
            ("Task", deleted_task, "Id", {"IsDeleted": "true"})]:
        record = _landed_record(home.landing / "salesforce" / folder, record_id, column)
        _write_csv(later / "salesforce" / folder / DELETED_FILES[folder], {**record, **deleted})
