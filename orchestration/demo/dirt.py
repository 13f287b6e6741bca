"""Realistic dirt: messy e-mails, stale exports beside re-exports, malformed rows, orphans.

Malformed rows are always extra rows with ids no real record has, and with their links
(e-mail, lead, account) blanked, so that whatever a loader does with them no measured rate
changes. Each one breaks exactly one thing: an empty key, or one typed cell that cannot be
read as its type.
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from orchestration.demo.arrays import join, scatter, strings
from orchestration.demo.writers import as_text

NOT_A_DATE = "not-a-date"
MISSING_LEAD = "00Q999999999999999"
MISSING_ACCOUNT = "001999999999999999"
MISSING_OPPORTUNITY = "006999999999999999"


def _bad(prefix: str, k: int) -> str:
    return f"{prefix}BAD{k:0{15 - len(prefix)}d}"


# Per landing table: (cells set in every malformed row, the malformed rows).
MALFORMED: dict[str, tuple[dict[str, str | None], list[dict[str, str | None]]]] = {
    "salesforce__lead": (
        {"Email": None, "Status": "Open - Not Contacted", "LeadSource": "Web",
         "IsConverted": "false", "ConvertedDate": None, "ConvertedAccountId": None,
         "ConvertedContactId": None, "ConvertedOpportunityId": None},
        [{"Id": _bad("00Q", 1), "CreatedDate": NOT_A_DATE},
         {"Id": _bad("00Q", 2), "NumberOfEmployees": "many"},
         {"Id": None}],
    ),
    "salesforce__lead_history": (
        {"LeadId": MISSING_LEAD},
        [{"Id": _bad("017", 1), "CreatedDate": NOT_A_DATE}, {"Id": None}],
    ),
    "salesforce__account": (
        {},
        [{"Id": _bad("001", 1), "NumberOfEmployees": "many"},
         {"Id": _bad("001", 2), "CreatedDate": NOT_A_DATE}],
    ),
    "salesforce__contact": (
        {"AccountId": None, "Email": None},
        [{"Id": _bad("003", 1), "CreatedDate": NOT_A_DATE}],
    ),
    "salesforce__opportunity": (
        {"AccountId": None, "CampaignId": None},
        [{"Id": _bad("006", 1), "Amount": "n/a"}, {"Id": _bad("006", 2), "IsWon": "maybe"}],
    ),
    "salesforce__opportunity_contact_role": (
        {"OpportunityId": MISSING_OPPORTUNITY},
        [{"Id": None}],
    ),
    "salesforce__campaign": (
        {},
        [{"Id": _bad("701", 1), "ActualCost": "TBD"}],
    ),
    "salesforce__campaign_member": (
        {"LeadId": MISSING_LEAD, "ContactId": None},
        [{"Id": _bad("00v", 1), "FirstRespondedDate": NOT_A_DATE}],
    ),
    "salesforce__task": (
        {"WhoId": MISSING_LEAD, "WhatId": None},
        [{"Id": None}, {"Id": _bad("00T", 1), "ActivityDate": NOT_A_DATE}],
    ),
    "hubspot__contacts": (
        {"property_email": None, "property_salesforceleadid": None,
         "property_salesforcecontactid": None, "property_hs_merged_object_ids": None,
         "property_hs_additional_emails": None},
        [{"id": "bad-contact-1", "property_createdate": NOT_A_DATE}, {"id": None}],
    ),
    "hubspot__form_submissions": (
        {},
        [{"contact_id": None}, {"contact_id": "999999999", "submitted_at": NOT_A_DATE}],
    ),
    "hubspot__email_events": (
        {"recipient": "nobody@invalid.example"},
        [{"id": "ev-bad-1", "created": NOT_A_DATE}, {"id": None}],
    ),
    "ads__spend": (
        {},
        [{"campaign_id": None}],
    ),
}


def with_malformed(table: pa.Table, name: str, typed: bool = False) -> tuple[pa.Table, int]:
    """The table with its malformed rows inserted mid-file (where type sniffing won't see them).

    Returns the table (all text unless `typed`) and the number of rows added.
    """
    common, rows = MALFORMED[name]
    base = table if typed else as_text(table)
    template = base.slice(0, 1).to_pylist()[0] if base.num_rows else {}
    bad = pa.Table.from_pylist([{**template, **common, **row} for row in rows], schema=base.schema)
    middle = base.num_rows // 2
    return pa.concat_tables([base.slice(0, middle), bad, base.slice(middle)]), len(rows)


def messy_emails(rng: np.random.Generator, emails: pa.Array, mask: np.ndarray) -> pa.Array:
    """Where `mask` is set: the address in another case and padded with spaces."""
    rows = np.flatnonzero(mask)
    n = rows.size
    clean = emails.take(pa.array(rows))
    variant = rng.integers(0, 3, n)
    cased = pc.case_when(
        pc.make_struct(pa.array(variant == 0), pa.array(variant == 1)),
        pc.utf8_upper(clean), pc.utf8_title(clean), pc.utf8_capitalize(clean))
    padded = join(strings(("", " ", "  "), rng.integers(0, 3, n)), cased,
                  strings((" ", "", "  "), rng.integers(0, 3, n)))
    return scatter(emails, rows, padded)


def stale_version(final: pa.Table, chosen: np.ndarray, stale: dict[str, pa.Array]) -> pa.Table:
    """The first export: the chosen rows as they were before their last status change."""
    columns = {
        name: (pc.if_else(pa.array(chosen), stale[name], col) if name in stale else col)
        for name, col in zip(final.column_names, final.columns, strict=True)
    }
    return pa.table(columns)
