"""A hand-made company for the alignment KPI marts, small enough to work every KPI out by hand.

All times are UTC. The reporting time zone of the checks is America/New_York (EST = UTC-5
until 2024-03-10 and from 2024-11-03; EDT = UTC-4 in between). Every lead fits the shipped
contract (Software, 500 employees, a VP); a `newsletter` form is 10 points and a
`demo-request` form 40, so newsletter + demo-request reaches the MQL threshold of 50 at the
demo request, which is the handoff to sales (sales-ready = MQL in the shipped contract: SLA 24
clock hours, 14 days to decide, stalled after 30 days, nurture window 180 days).

Users: SDR and AE are sales users; MKT is marketing (its tasks are no sales touches).

| lead | source | created (cohort, New York) | story |
|---|---|---|---|
| Y1 | Web | 2023-11-06 | handed over 11-06 16:00, SDR task +120 min, rejected (No Response) 11-08 |
| Y2 | Web | 2023-11-07 | handed over 11-07 16:00, never touched, rejected (No Response) 11-09 |
| AUG | Web | 2024-08-15 | one newsletter: 10 points, never ready |
| SEP | HubSpot only (ORGANIC_SEARCH) | 2024-09-15 | one newsletter, never ready |
| OCT | Web | 2024-10-15 | one newsletter, never ready |
| A | Web | 2024-11-04 | handed over 11-05 15:00, SDR task +30 min, accepted 11-05 16:00, converted 11-12 to OPP_A (13,000, won 2024-11-28) |
| B | Web | 2024-11-06 | handed over 11-06 16:00, a MKT task +10 min (no sales touch), SDR task +28 h, rejected (No Budget) 11-08; responded to webinar CMP1 on 11-20 |
| C | Web | 2024-11-07 | handed over 11-07 16:00, SDR task +60 min, rejected (Not a Fit) 11-08, recycled 11-10, newsletter 11-20, accepted 12-02; AE task 12-03, then silence: stalled from 2025-01-02 |
| D | Web | 2024-11-12 | handed over 11-12 16:00, never touched, never decided: ignored |
| E | Web | 2024-11-13 | newsletter 11-13 and 2025-01-11 (the data's last event): 20 points, never ready |
| F | Outbound Prospecting (sales) | 2024-11-14 | accepted 11-14, converted 11-20 to OPP_F (20,000, open) |
| G | Partner Referral (partner) | 2024-11-15 | accepted 11-15, converted 11-25 to OPP_G (5,000, lost 2024-12-10) |
| H | Web | 2024-12-01 03:00 UTC = 2024-11-30 22:00 New York | handed over 03:30 UTC, SDR meeting booked +90 min, accepted 12-05; AE task 12-20 |
| P | Web | 2025-01-10 | handed over 01-10 16:00, untouched 23 h later at the as-of moment: SLA open, pending |

Opportunities without a lead: OPP_Y (SDR Generated, 10,000, created 2023-11-02, won 2023-11-20)
and OPP_X (SDR Generated, 2,000, created 2024-11-18, open), both on account ACC2.

Spend: Google Ads `gads_brand` (A's demo-request page carries utm_campaign=gads_brand) 500 on
2023-11-10, 100 on 2024-02-10, 250 + 150 in November 2024; LinkedIn `li_abm` 200 in November
2024 (no lead); Salesforce campaign CMP1 (Webinar, 2024-11, cost 300, B responded) and CMP2
(Conference, 2024-10-01 to 2024-12-31, cost 900, no members).
"""

from __future__ import annotations

import csv
from pathlib import Path

from orchestration.landing import BY_TABLE

SDR, AE, MKT = "005SDR", "005AE", "005MKT"
USERS = [
    {"Id": SDR, "Name": "Sam Sdr", "Title": "SDR", "Department": "Sales Development", "IsActive": "true"},
    {"Id": AE, "Name": "Alex Ae", "Title": "Account Executive", "Department": "Sales", "IsActive": "true"},
    {"Id": MKT, "Name": "Mia Marketing", "Title": "Marketing Manager", "Department": "Marketing", "IsActive": "true"},
]

ACCOUNTS = ["ACC1", "ACC2", "ACC3", "ACC4", "ACC5"]


def _lead(lead_id, created, source="Web", status="Open - Not Contacted", converted=None):
    account, contact, opportunity, date = converted or ("", "", "", "")
    return {
        "Id": lead_id, "CreatedDate": created, "LastModifiedDate": created, "IsDeleted": "false",
        "OwnerId": SDR, "Email": f"{lead_id.lower()}@example.com", "FirstName": "Test",
        "LastName": lead_id, "Company": "Acme", "Title": "VP Marketing", "Industry": "Software",
        "NumberOfEmployees": 500, "Country": "Germany", "LeadSource": source, "Status": status,
        "IsConverted": "true" if converted else "false", "ConvertedDate": date,
        "ConvertedAccountId": account, "ConvertedContactId": contact,
        "ConvertedOpportunityId": opportunity,
    }


LEADS = [
    _lead("Y1", "2023-11-06T15:00:00Z", status="Rejected - No Response"),
    _lead("Y2", "2023-11-07T15:00:00Z", status="Rejected - No Response"),
    _lead("AUG", "2024-08-15T15:00:00Z"),
    _lead("OCT", "2024-10-15T15:00:00Z"),
    _lead("A", "2024-11-04T14:00:00Z", status="Closed - Converted",
          converted=("ACC1", "CON_A", "OPP_A", "2024-11-12")),
    _lead("B", "2024-11-06T15:00:00Z", status="Rejected - No Budget"),
    _lead("C", "2024-11-07T15:00:00Z", status="Accepted"),
    _lead("D", "2024-11-12T15:00:00Z"),
    _lead("E", "2024-11-13T15:00:00Z"),
    _lead("F", "2024-11-14T15:00:00Z", source="Outbound Prospecting", status="Closed - Converted",
          converted=("ACC3", "CON_F", "OPP_F", "2024-11-20")),
    _lead("G", "2024-11-15T15:00:00Z", source="Partner Referral", status="Closed - Converted",
          converted=("ACC4", "CON_G", "OPP_G", "2024-11-25")),
    _lead("H", "2024-12-01T03:00:00Z", status="Accepted"),
    _lead("P", "2025-01-10T15:00:00Z"),
]

# (lead, status, changed_at)
STATUS_CHANGES = [
    ("Y1", "Rejected - No Response", "2023-11-08T15:00:00Z"),
    ("Y2", "Rejected - No Response", "2023-11-09T15:00:00Z"),
    ("A", "Working - Contacted", "2024-11-05T16:00:00Z"),
    ("A", "Closed - Converted", "2024-11-12T15:00:00Z"),
    ("B", "Rejected - No Budget", "2024-11-08T14:00:00Z"),
    ("C", "Rejected - Not a Fit", "2024-11-08T15:00:00Z"),
    ("C", "Recycled", "2024-11-10T15:00:00Z"),
    ("C", "Accepted", "2024-12-02T15:00:00Z"),
    ("F", "Working - Contacted", "2024-11-14T16:00:00Z"),
    ("F", "Closed - Converted", "2024-11-20T15:00:00Z"),
    ("G", "Accepted", "2024-11-15T16:00:00Z"),
    ("G", "Closed - Converted", "2024-11-25T15:00:00Z"),
    ("H", "Accepted", "2024-12-05T15:00:00Z"),
]

PAGE = "https://www.example.com/"
# (HubSpot contact, form, submitted_at, page_url)
FORMS = [
    ("hsY1", "newsletter", "2023-11-06T15:00:00Z", PAGE + "blog"),
    ("hsY1", "demo-request", "2023-11-06T16:00:00Z", PAGE + "demo"),
    ("hsY2", "newsletter", "2023-11-07T15:00:00Z", PAGE + "blog"),
    ("hsY2", "demo-request", "2023-11-07T16:00:00Z", PAGE + "demo"),
    ("hsAUG", "newsletter", "2024-08-15T15:00:00Z", PAGE + "blog"),
    ("hsSEP", "newsletter", "2024-09-15T15:00:00Z", PAGE + "blog"),
    ("hsOCT", "newsletter", "2024-10-15T15:00:00Z", PAGE + "blog"),
    ("hsA", "newsletter", "2024-11-04T14:00:00Z", PAGE + "blog"),
    ("hsA", "demo-request", "2024-11-05T15:00:00Z",
     PAGE + "demo?utm_source=google&utm_medium=cpc&utm_campaign=gads_brand"),
    ("hsB", "newsletter", "2024-11-06T15:00:00Z", PAGE + "blog"),
    ("hsB", "demo-request", "2024-11-06T16:00:00Z", PAGE + "demo"),
    ("hsC", "newsletter", "2024-11-07T15:00:00Z", PAGE + "blog"),
    ("hsC", "demo-request", "2024-11-07T16:00:00Z", PAGE + "demo"),
    ("hsC", "newsletter", "2024-11-20T15:00:00Z", PAGE + "blog"),
    ("hsD", "newsletter", "2024-11-12T15:00:00Z", PAGE + "blog"),
    ("hsD", "demo-request", "2024-11-12T16:00:00Z", PAGE + "demo"),
    ("hsE", "newsletter", "2024-11-13T15:00:00Z", PAGE + "blog"),
    ("hsE", "newsletter", "2025-01-11T15:00:00Z", PAGE + "blog"),
    ("hsH", "newsletter", "2024-12-01T03:00:00Z", PAGE + "blog"),
    ("hsH", "demo-request", "2024-12-01T03:30:00Z", PAGE + "demo"),
    ("hsP", "newsletter", "2025-01-10T15:00:00Z", PAGE + "blog"),
    ("hsP", "demo-request", "2025-01-10T16:00:00Z", PAGE + "demo"),
]

# (id, who, what, owner, created)
TASKS = [
    ("00T1", "Y1", "", SDR, "2023-11-06T18:00:00Z"),
    ("00T2", "A", "", SDR, "2024-11-05T15:30:00Z"),
    ("00T3", "B", "", MKT, "2024-11-06T16:10:00Z"),
    ("00T4", "B", "", SDR, "2024-11-07T20:00:00Z"),
    ("00T5", "C", "", SDR, "2024-11-07T17:00:00Z"),
    ("00T6", "C", "", AE, "2024-12-03T15:00:00Z"),
    ("00T7", "F", "", AE, "2024-11-14T16:30:00Z"),
    ("00T8", "H", "", AE, "2024-12-20T15:00:00Z"),
]
# (id, who, what, owner, created, starts)
EVENTS = [
    ("00U1", "H", "", SDR, "2024-12-01T05:00:00Z", "2024-12-02T15:00:00Z"),
]

CONTACTS = [
    # (id, account) — CON_A2 and CON_A3 were never leads
    ("CON_A", "ACC1"), ("CON_A2", "ACC1"), ("CON_A3", "ACC1"), ("CON_F", "ACC3"), ("CON_G", "ACC4"),
]

# (id, account, created, close date, stage, amount, closed, won, lead source)
OPPORTUNITIES = [
    ("OPP_A", "ACC1", "2024-11-12T15:00:00Z", "2024-11-28", "Closed Won", 13000, True, True, "Web"),
    ("OPP_F", "ACC3", "2024-11-20T15:00:00Z", "2025-02-28", "Prospecting", 20000, False, False,
     "Outbound Prospecting"),
    ("OPP_G", "ACC4", "2024-11-25T15:00:00Z", "2024-12-10", "Closed Lost", 5000, True, False,
     "Partner Referral"),
    ("OPP_X", "ACC2", "2024-11-18T15:00:00Z", "2025-03-31", "Qualification", 2000, False, False,
     "SDR Generated"),
    ("OPP_Y", "ACC2", "2023-11-02T15:00:00Z", "2023-11-20", "Closed Won", 10000, True, True,
     "SDR Generated"),
]

# (id, opportunity, contact, role, primary)
CONTACT_ROLES = [
    ("OCR1", "OPP_A", "CON_A", "Decision Maker", True),
    ("OCR2", "OPP_A", "CON_A2", "Economic Buyer", False),
    ("OCR3", "OPP_A", "CON_A3", "Influencer", False),
    ("OCR4", "OPP_G", "CON_G", "Technical Buyer", True),
    ("OCR5", "OPP_G", "CON_G", "decision maker", False),
]

# (id, name, type, start, end, cost)
CAMPAIGNS = [
    ("CMP1", "Webinar 2024-11", "Webinar", "2024-11-01", "2024-11-30", 300),
    ("CMP2", "Conference Q4 2024", "Conference", "2024-10-01", "2024-12-31", 900),
]
# (id, campaign, lead, responded on)
CAMPAIGN_MEMBERS = [("CM1", "CMP1", "B", "2024-11-20")]

# platform -> (date, campaign id, name, utm_campaign, spend)
AD_SPEND = {
    "google_ads": [
        ("2023-11-10", "g1", "Brand", "gads_brand", 500),
        ("2024-02-10", "g1", "Brand", "gads_brand", 100),
        ("2024-11-05", "g1", "Brand", "gads_brand", 250),
        ("2024-11-20", "g1", "Brand", "gads_brand", 150),
    ],
    "linkedin_ads": [("2024-11-10", "l1", "ABM", "li_abm", 200)],
}


def _write(path: Path, rows: list[dict]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    header = list(rows[0])
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=header)
        writer.writeheader()
        writer.writerows(rows)


def _bool(value: bool) -> str:
    return "true" if value else "false"


def write_company(landing: Path) -> None:
    """Write the company above as Salesforce, HubSpot and ad-platform exports."""
    sf = landing / "salesforce"
    _write(sf / "User/User.csv", USERS)
    _write(sf / "Account/Account.csv", [
        {"Id": account, "Name": f"Account {account}", "Industry": "Software",
         "NumberOfEmployees": 500, "BillingCountry": "Germany", "OwnerId": AE,
         "CreatedDate": "2023-01-01T00:00:00Z"} for account in ACCOUNTS])
    _write(sf / "Lead/Lead.csv", LEADS)
    previous: dict[str, str] = {}
    history = []
    for number, (lead, status, at) in enumerate(STATUS_CHANGES):
        history.append({"Id": f"017H{number}", "LeadId": lead, "CreatedDate": at,
                        "Field": "Status", "OldValue": previous.get(lead, "Open - Not Contacted"),
                        "NewValue": status})
        previous[lead] = status
    _write(sf / "LeadHistory/LeadHistory.csv", history)
    _write(sf / "Contact/Contact.csv", [
        {"Id": contact, "AccountId": account, "Email": f"{contact.lower()}@example.com",
         "FirstName": "Contact", "LastName": contact, "Title": "VP Marketing", "LeadSource": "",
         "OwnerId": AE, "CreatedDate": "2024-01-01T00:00:00Z"} for contact, account in CONTACTS])
    _write(sf / "Opportunity/Opportunity.csv", [
        {"Id": opp, "AccountId": account, "OwnerId": AE, "Name": opp, "CreatedDate": created,
         "CloseDate": close, "StageName": stage, "Amount": amount, "IsClosed": _bool(closed),
         "IsWon": _bool(won), "LeadSource": source, "CampaignId": "", "Type": "New Business"}
        for opp, account, created, close, stage, amount, closed, won, source in OPPORTUNITIES])
    _write(sf / "OpportunityContactRole/OpportunityContactRole.csv", [
        {"Id": role_id, "OpportunityId": opp, "ContactId": contact, "Role": role,
         "IsPrimary": _bool(primary)} for role_id, opp, contact, role, primary in CONTACT_ROLES])
    _write(sf / "Campaign/Campaign.csv", [
        {"Id": campaign, "Name": name, "Type": kind, "Status": "Completed", "StartDate": start,
         "EndDate": end, "ActualCost": cost, "CurrencyIsoCode": "USD"}
        for campaign, name, kind, start, end, cost in CAMPAIGNS])
    _write(sf / "CampaignMember/CampaignMember.csv", [
        {"Id": member, "CampaignId": campaign, "LeadId": lead, "ContactId": "",
         "Status": "Responded", "HasResponded": "true", "FirstRespondedDate": responded,
         "CreatedDate": "2024-11-01T00:00:00Z"}
        for member, campaign, lead, responded in CAMPAIGN_MEMBERS])
    _write(sf / "Task/Task.csv", [
        {"Id": task, "WhoId": who, "WhatId": what, "OwnerId": owner, "CreatedDate": created,
         "ActivityDate": created[:10], "Subject": "Call", "TaskSubtype": "Call",
         "Status": "Completed"} for task, who, what, owner, created in TASKS])
    _write(sf / "Event/Event.csv", [
        {"Id": event, "WhoId": who, "WhatId": what, "OwnerId": owner, "CreatedDate": created,
         "ActivityDateTime": starts, "Subject": "Discovery call", "EventSubtype": "Event"}
        for event, who, what, owner, created, starts in EVENTS])

    contacts = list(BY_TABLE["hubspot__contacts"].columns)
    people = [(f"hs{lead['Id']}", lead["Email"], lead["CreatedDate"], lead["Id"], "")
              for lead in LEADS if any(form[0] == f"hs{lead['Id']}" for form in FORMS)]
    people.append(("hsSEP", "sep@example.com", "2024-09-15T15:00:00Z", "", "ORGANIC_SEARCH"))
    _write(landing / "hubspot/contacts/contacts.csv", [
        {column: {"id": hubspot_id, "email": email, "createdate": created,
                  "lastmodifieddate": created, "lifecyclestage": "lead", "company": "Acme",
                  "jobtitle": "VP Marketing", "salesforceleadid": lead_id,
                  "hs_analytics_source": source}.get(column, "") for column in contacts}
        for hubspot_id, email, created, lead_id, source in people])
    _write(landing / "hubspot/form_submissions/forms.csv", [
        {"contact_id": contact, "submitted_at": at, "form_id": form, "form_name": form,
         "page_url": url} for contact, form, at, url in FORMS])
    for platform, rows in AD_SPEND.items():
        _write(landing / "ads" / platform / "spend.csv", [
            {"date": day, "campaign_id": campaign, "campaign_name": name,
             "utm_campaign": utm, "spend": spend, "currency": "USD", "impressions": 1000,
             "clicks": 10} for day, campaign, name, utm, spend in rows])


# Custom fields of this company: Partner_Tier__c on leads and opportunities (named in the
# dbt vars by the session fixture crafted_company), Internal_Note__c on leads (not named).
TIERS = ("Gold", "Silver", "Bronze")
CUSTOM_FIELD_VARS = {"lead_custom_columns": ["partner_tier_c", "missing_field_c"],
                     "opportunity_custom_columns": ["Partner_Tier_c"]}


def _add_columns(path: Path, columns: dict) -> dict[str, dict[str, str]]:
    """Append columns to an export, each value computed from the row; returns them by Id."""
    with path.open(newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    for row in rows:
        for name, value in columns.items():
            row[name] = value(row)
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    return {row["Id"]: row for row in rows}


def add_custom_fields(landing: Path) -> tuple[dict, dict]:
    """Salesforce API names as the export gives them (landing makes them snake_case)."""
    sf = landing / "salesforce"
    leads = _add_columns(sf / "Lead/Lead.csv", {
        "Partner_Tier__c": lambda row: TIERS[len(row["Id"]) % 3],
        "Internal_Note__c": lambda row: "not listed"})
    opportunities = _add_columns(sf / "Opportunity/Opportunity.csv", {
        "Partner_Tier__c": lambda row: TIERS[len(row["Id"]) % 3] if row["Id"] != "OPP_A" else ""})
    return leads, opportunities
