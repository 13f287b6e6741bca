"""The landing contract: which objects land where, and the columns each must carry.

Every landing object becomes one raw table, ``raw.<system>__<object>``. Columns named here
are typed on load (timestamps to UTC, dates, booleans, numbers); every other column of a file
(custom fields) is kept as text. Optional columns always exist in the raw table, null until
a file gives them, so dbt models can rely on them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from orchestration.columns import normalize_column

ColumnType = Literal["text", "timestamp", "date", "boolean", "integer", "decimal"]

# SQL types of the raw layer; text is the type of every custom column too.
SQL_TYPES: dict[ColumnType, str] = {
    "text": "varchar",
    "timestamp": "timestamp",
    "date": "date",
    "boolean": "boolean",
    "integer": "bigint",
    "decimal": "double",
}

LANDING_FORMATS = (".csv", ".csv.gz", ".parquet", ".jsonl", ".jsonl.gz")


@dataclass(frozen=True)
class LandingObject:
    system: str
    name: str  # folder name under landing/<system>/
    columns: dict[str, ColumnType]  # required, in snake_case
    key: str | None = "id"  # rows without it are quarantined; None: no natural key
    optional: dict[str, ColumnType] = field(default_factory=dict)
    # Objects such as ads/<platform>/ keep one sub-folder per source under landing/<system>/;
    # the sub-folder's name is kept in the column named here.
    partition_column: str | None = None
    # Columns holding Salesforce record Ids: a 15-character Id, as Salesforce's reports
    # export them, is loaded in its 18-character form (ingest.py), as the API exports it.
    salesforce_ids: tuple[str, ...] = ()
    # The columns naming one record, when not the key alone: staging keeps the latest version
    # of each record so named (its latest_versions partition; keep the two in step).
    record: tuple[str, ...] = ()
    # Columns besides the key that a row must fill, or be quarantined: a history row names
    # the record it is the history of.
    filled: tuple[str, ...] = ()
    # Columns a file that lacks them does not take from a record's earlier version (ingest.py:
    # a column a re-export lacks is carried over otherwise): their absence says something.
    not_carried: tuple[str, ...] = ()

    @property
    def record_key(self) -> tuple[str, ...]:
        return self.record or ((self.key,) if self.key else ())

    @property
    def table(self) -> str:
        return f"{self.system}__{normalize_column(self.name)}"

    def folder(self, landing: Path) -> Path:
        if self.partition_column:
            return landing / self.system
        return landing / self.system / self.name

    @property
    def all_columns(self) -> dict[str, ColumnType]:
        return {**self.columns, **self.optional}


def _sf(name: str, columns: dict[str, ColumnType], *, deletable: bool = False,
        **kw) -> LandingObject:
    # Salesforce objects may carry LastModifiedDate/SystemModstamp: latest version wins on it.
    optional: dict[str, ColumnType] = {"last_modified_date": "timestamp",
                                       "system_modstamp": "timestamp"}
    if deletable:
        # Deleted records as queryAll and Fivetran export them: IsDeleted, and Fivetran's
        # _fivetran_deleted for a record gone from the recycle bin too.
        optional.update({"is_deleted": "boolean", "fivetran_deleted": "boolean"})
    optional.update(kw.pop("optional", {}))
    optional = {column: kind for column, kind in optional.items() if column not in columns}
    ids = tuple(column for column in {**columns, **optional}
                if column == "id" or column.endswith("_id"))
    # An export that leaves out IsDeleted asked for live records only (queryAll adds deleted
    # ones, with the column): its records exist, whatever an earlier file said.
    return LandingObject("salesforce", name, columns, optional=optional, salesforce_ids=ids,
                         not_carried=("is_deleted", "fivetran_deleted"), **kw)


OBJECTS: tuple[LandingObject, ...] = (
    _sf("User", {"id": "text", "name": "text", "title": "text", "department": "text",
                 "is_active": "boolean"}),
    _sf("Account", {"id": "text", "name": "text", "industry": "text",
                    "number_of_employees": "integer", "billing_country": "text",
                    "owner_id": "text", "created_date": "timestamp"},
        deletable=True),
    _sf("Lead", {"id": "text", "created_date": "timestamp", "last_modified_date": "timestamp",
                 "is_deleted": "boolean", "owner_id": "text", "email": "text",
                 "first_name": "text", "last_name": "text", "company": "text", "title": "text",
                 "industry": "text", "number_of_employees": "integer", "country": "text",
                 "lead_source": "text", "status": "text", "is_converted": "boolean",
                 "converted_date": "date", "converted_account_id": "text",
                 "converted_contact_id": "text", "converted_opportunity_id": "text"},
        # the lead a deleted lead was merged into
        deletable=True, optional={"phone": "text", "master_record_id": "text"}),
    _sf("LeadHistory", {"id": "text", "lead_id": "text", "created_date": "timestamp",
                        "field": "text", "old_value": "text", "new_value": "text"},
        filled=("lead_id",)),
    _sf("Contact", {"id": "text", "account_id": "text", "email": "text", "first_name": "text",
                    "last_name": "text", "title": "text", "lead_source": "text",
                    "owner_id": "text", "created_date": "timestamp"},
        deletable=True, optional={"phone": "text"}),
    _sf("Opportunity", {"id": "text", "account_id": "text", "owner_id": "text", "name": "text",
                        "created_date": "timestamp", "close_date": "date", "stage_name": "text",
                        "amount": "decimal", "is_closed": "boolean", "is_won": "boolean",
                        "lead_source": "text", "campaign_id": "text", "type": "text"},
        deletable=True, optional={"currency_iso_code": "text"}),
    _sf("OpportunityHistory", {"id": "text", "opportunity_id": "text",
                               "created_date": "timestamp", "stage_name": "text",
                               "amount": "decimal"},
        filled=("opportunity_id",)),
    _sf("OpportunityContactRole", {"id": "text", "opportunity_id": "text", "contact_id": "text",
                                   "role": "text", "is_primary": "boolean"},
        deletable=True),
    _sf("Campaign", {"id": "text", "name": "text", "type": "text", "status": "text",
                     "start_date": "date", "end_date": "date", "actual_cost": "decimal"},
        deletable=True, optional={"currency_iso_code": "text"}),
    _sf("CampaignMember", {"id": "text", "campaign_id": "text", "lead_id": "text",
                           "contact_id": "text", "status": "text", "has_responded": "boolean",
                           "first_responded_date": "date", "created_date": "timestamp"},
        deletable=True),
    _sf("Task", {"id": "text", "who_id": "text", "what_id": "text", "owner_id": "text",
                 "created_date": "timestamp", "activity_date": "date", "subject": "text",
                 "task_subtype": "text", "status": "text"},
        deletable=True),
    # Not in the minimum contract: meetings are sales touches too when a company exports them.
    _sf("Event", {"id": "text", "who_id": "text", "what_id": "text", "owner_id": "text",
                  "created_date": "timestamp", "activity_date_time": "timestamp",
                  "subject": "text"},
        deletable=True, optional={"event_subtype": "text"}),
    LandingObject("hubspot", "contacts", {
        "id": "text", "email": "text", "createdate": "timestamp",
        "lastmodifieddate": "timestamp", "lifecyclestage": "text", "hs_lead_status": "text",
        "hubspotscore": "decimal", "hs_analytics_source": "text", "company": "text",
        "jobtitle": "text", "salesforceleadid": "text", "salesforcecontactid": "text",
        "hs_lifecyclestage_marketingqualifiedlead_date": "timestamp",
        "hs_lifecyclestage_salesqualifiedlead_date": "timestamp"},
        # Deleted contacts as HubSpot's API (archived) and Fivetran (_fivetran_deleted) export
        # them; a file without the columns holds live contacts. hs_merged_object_ids: the
        # contacts merged into this one, ';'-separated (a merge cannot be undone: carried);
        # hs_additional_emails: its other addresses (a merged contact's among them).
        optional={"firstname": "text", "lastname": "text", "archived": "boolean",
                  "fivetran_deleted": "boolean", "hs_merged_object_ids": "text",
                  "hs_additional_emails": "text"},
        salesforce_ids=("salesforceleadid", "salesforcecontactid"),
        not_carried=("archived", "fivetran_deleted")),
    LandingObject("hubspot", "form_submissions", {
        "contact_id": "text", "submitted_at": "timestamp", "form_id": "text",
        "form_name": "text", "page_url": "text"}, key="contact_id",
        record=("contact_id", "submitted_at", "form_id")),
    LandingObject("hubspot", "email_events", {
        "id": "text", "type": "text", "recipient": "text", "created": "timestamp",
        "email_campaign_id": "text"}),
    LandingObject("hubspot", "email_campaigns", {"id": "text", "name": "text"}),
    LandingObject("ads", "spend", {
        "date": "date", "campaign_id": "text", "campaign_name": "text", "utm_campaign": "text",
        "spend": "decimal", "currency": "text", "impressions": "integer", "clicks": "integer"},
        key="campaign_id", partition_column="platform",
        record=("platform", "date", "campaign_id")),
)

BY_TABLE: dict[str, LandingObject] = {o.table: o for o in OBJECTS}


def landing_object(table: str) -> LandingObject:
    try:
        return BY_TABLE[table]
    except KeyError:
        raise KeyError(f"unknown landing object {table!r}; known: {sorted(BY_TABLE)}") from None
