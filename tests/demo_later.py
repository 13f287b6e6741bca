"""The later days of the session's demo company (tests/conftest.py, demo_2k): held back from
its first refresh, landed before its second, incremental one, with five crafted changes."""

from __future__ import annotations

import csv
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
# HubSpot contact, matched no more, starts a journey of its own.
TAKEOVER_LEAD = "00QTAKEOVER0000001"
CUSTOMER_CONTACT = "003CUSTOMER0000001"
MOVED_ADDRESS = "moved-from-{}@example.invalid"


def _landed_record(folder: Path, record_id: str) -> dict:
    """The record's row in the object's landing files (CSV), as exported."""
    for path in sorted(folder.glob("*.csv")):
        with path.open(newline="") as f:
            for row in csv.DictReader(f):
                if row["Id"] == record_id:
                    return row
    raise LookupError(f"{record_id} is in no file of {folder}")


def _write_csv(path: Path, row: dict) -> None:
    with path.open("w", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=list(row))
        writer.writeheader()
        writer.writerow(row)


def later_crafted_changes(home: Home, later: Path) -> None:
    """Write the five crafted changes into the held-back folder `later`."""
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
