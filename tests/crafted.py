"""A hand-made company small enough that every right answer is known by hand.

Every lead is marketing-sourced (LeadSource Web) with a synced HubSpot contact, and fits the
shipped contract (500 employees, Software, Germany, a VP) unless it says otherwise. Touches
are HubSpot form submissions: the form `demo-request` is a demo_request touch (40 points in
the shipped contract), `newsletter` a plain form_submission (10 points).
"""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from pathlib import Path

from orchestration.landing import BY_TABLE

# Salesforce API names of the columns the landing contract requires, in its order.
API_NAMES = {
    "salesforce__lead": [
        "Id", "CreatedDate", "LastModifiedDate", "IsDeleted", "OwnerId", "Email", "FirstName",
        "LastName", "Company", "Title", "Industry", "NumberOfEmployees", "Country",
        "LeadSource", "Status", "IsConverted", "ConvertedDate", "ConvertedAccountId",
        "ConvertedContactId", "ConvertedOpportunityId"],
    "salesforce__lead_history": ["Id", "LeadId", "CreatedDate", "Field", "OldValue", "NewValue"],
}


@dataclass
class CraftedLead:
    lead_id: str
    created: str  # ISO timestamp, UTC
    forms: list[tuple[str, str]] = field(default_factory=list)  # (form_id, submitted_at)
    statuses: list[tuple[str, str]] = field(default_factory=list)  # (status, changed_at)
    industry: str = "Software"
    employees: int = 500
    title: str = "VP Marketing"
    lead_source: str = "Web"
    hubspot_stage: str = "lead"
    hubspot_mql_at: str = ""

    @property
    def email(self) -> str:
        return f"{self.lead_id.lower()}@example.com"

    @property
    def status(self) -> str:
        return self.statuses[-1][0] if self.statuses else "Open - Not Contacted"


def _write(path: Path, header: list[str], rows: list[list[object]]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)


def write_company(landing: Path, leads: list[CraftedLead]) -> None:
    """Write the leads as Salesforce and HubSpot exports under landing/."""
    _write(landing / "salesforce/Lead/Lead.csv", API_NAMES["salesforce__lead"], [
        [lead.lead_id, lead.created, lead.created, "false", "005SDR", lead.email, "Test",
         lead.lead_id, "Acme", lead.title, lead.industry, lead.employees, "Germany",
         lead.lead_source, lead.status, "false", "", "", "", ""]
        for lead in leads])
    previous = {}
    history = []
    for lead in leads:
        for status, changed_at in lead.statuses:
            history.append([f"017{lead.lead_id}{len(history)}", lead.lead_id, changed_at,
                            "Status", previous.get(lead.lead_id, "Open - Not Contacted"),
                            status])
            previous[lead.lead_id] = status
    _write(landing / "salesforce/LeadHistory/LeadHistory.csv",
           API_NAMES["salesforce__lead_history"], history)
    contacts = list(BY_TABLE["hubspot__contacts"].columns)
    _write(landing / "hubspot/contacts/contacts.csv", contacts, [
        [{"id": f"hs{lead.lead_id}", "email": lead.email, "createdate": lead.created,
          "lastmodifieddate": lead.created, "lifecyclestage": lead.hubspot_stage,
          "company": "Acme", "jobtitle": lead.title, "salesforceleadid": lead.lead_id,
          "hs_lifecyclestage_marketingqualifiedlead_date": lead.hubspot_mql_at,
          }.get(column, "") for column in contacts]
        for lead in leads])
    _write(landing / "hubspot/form_submissions/forms.csv",
           ["contact_id", "submitted_at", "form_id", "form_name", "page_url"],
           [[f"hs{lead.lead_id}", at, form, form, "https://example.com/" + form]
            for lead in leads for form, at in lead.forms])
