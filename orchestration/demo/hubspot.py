"""HubSpot contacts: one per marketing lead, plus inquiries that never reach Salesforce."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from orchestration.demo import clock
from orchestration.demo.arrays import ABSENT, IdAllocator, choice, masked, numbers, strings
from orchestration.demo.companies import Accounts, pick
from orchestration.demo.contract import (
    CONVERTED,
    HUBSPOT_SOURCE_OF,
    LEAD_SOURCES,
    MARKETING_SOURCES,
    OPEN,
    QUALIFIED,
    RECYCLES,
    STATUSES,
)
from orchestration.demo.engagement import CROSS_PLAN, INQUIRY_PLAN, NURTURE_PLAN, Audience
from orchestration.demo.leads import ENGAGED_UNFIT, MQL_LATE, Leads, creation_times
from orchestration.demo.people import People, make_people

# Inquiries arrive through the web channels only.
_INQUIRY_SOURCES = ("Web", "Organic Search", "Paid Search", "Paid Social", "Email")
_INQUIRY_WEIGHTS = (0.3, 0.3, 0.15, 0.15, 0.1)
_HUBSPOT_SOURCES = tuple(HUBSPOT_SOURCE_OF.get(s, "OFFLINE") for s in LEAD_SOURCES)
LIFECYCLE = ("subscriber", "lead", "marketingqualifiedlead", "salesqualifiedlead", "opportunity",
             "customer")
SUBSCRIBER, LEAD, MQL, SQL, OPPORTUNITY, CUSTOMER = range(len(LIFECYCLE))
_LEAD_STATUS = ("NEW", "IN_PROGRESS", "OPEN_DEAL", "UNQUALIFIED", "BAD_TIMING")
# hs_lead_status per Salesforce status code (the sync keeps them in step).
_LEAD_STATUS_OF = np.array([
    2 if code in (QUALIFIED, CONVERTED) else 1 if code in (1, 2) else 0 if code == OPEN
    else 4 if code in RECYCLES else 3
    for code in range(len(STATUSES))
])
FIVETRAN_SYNCED = clock.EXPORT_AT + 2 * clock.HOUR


@dataclass(frozen=True)
class Inquiries:
    """HubSpot-only contacts: filled a form, never became Salesforce leads."""

    people: People
    account: np.ndarray
    source: np.ndarray
    first_touch: np.ndarray


def make_inquiries(rng: np.random.Generator, n: int, start: int, end: int,
                   accounts: Accounts, ids: IdAllocator) -> Inquiries:
    account = pick(rng, accounts, n, None)
    people = make_people(rng, ids.numbers("person", n), accounts.domain.take(pa.array(account)),
                         rng.random(n) < 0.3, accounts.russian_share(account),
                         free_mail_share=0.5)
    source = np.array([MARKETING_SOURCES.index(s) for s in _INQUIRY_SOURCES])[
        choice(rng, n, _INQUIRY_WEIGHTS)]
    return Inquiries(people, account, source, creation_times(rng, n, start, end))


def audience(leads: Leads, inquiries: Inquiries, ids: IdAllocator) -> Audience:
    """Marketing leads' contacts first (in lead order), then the inquiries."""
    rows = np.flatnonzero(leads.hubspot)
    plan = np.where(leads.mql[rows] | (leads.path[rows] == ENGAGED_UNFIT), CROSS_PLAN, NURTURE_PLAN)
    k = inquiries.first_touch.size
    n = rows.size + k
    return Audience(
        contact_id=numbers(ids.numbers("hubspot", n) + 1000),
        email=pa.concat_arrays([leads.people.email.take(pa.array(rows)), inquiries.people.email]),
        lead_row=np.concatenate([rows, np.full(k, ABSENT)]),
        plan=np.concatenate([plan, np.full(k, INQUIRY_PLAN)]),
        source=np.concatenate([leads.source[rows], inquiries.source]),
        first_touch=np.concatenate([leads.first_touch[rows], inquiries.first_touch]),
        created=np.concatenate([leads.created[rows], inquiries.first_touch]),
        cross=np.concatenate([leads.steps["cross"][rows], np.full(k, ABSENT)]),
    )


def contacts_table(rng: np.random.Generator, aud: Audience, leads: Leads, inquiries: Inquiries,
                   accounts: Accounts, points: np.ndarray, last_touch: np.ndarray,
                   status: np.ndarray, lead_contact_ids: pa.Array, won: np.ndarray) -> pa.Table:
    """The Fivetran export of HubSpot contacts: `id` plus `property_<name>` columns.

    `lead_contact_ids` holds each lead's converted Salesforce contact id (null if none);
    `won` flags leads whose opportunity is won.
    """
    n = aud.size
    is_lead = aud.lead_row != ABSENT
    row = np.maximum(aud.lead_row, 0)
    lead_rows = row[is_lead]
    st = np.where(is_lead, status[row], OPEN)
    accepted = np.where(is_lead, leads.ever_accepted[row], False)
    mql = np.where(is_lead, leads.mql[row], False)
    converted = np.where(is_lead, leads.converted[row], False)
    stage = np.select(
        [won[row] & is_lead, converted, accepted & mql, mql, aud.plan == CROSS_PLAN],
        [CUSTOMER, OPPORTUNITY, SQL, MQL, LEAD],
        np.where(rng.random(n) < np.where(is_lead, 0.7, 0.4), LEAD, SUBSCRIBER))
    # HubSpot's workflows stamp the stage dates a few minutes after the Salesforce change.
    lag = rng.integers(30, 900, n)
    mql_date = np.where(mql, aud.cross + lag, ABSENT)
    first_accept = np.where(leads.path[row] == MQL_LATE, leads.steps["reaccept"][row],
                            leads.steps["decide"][row])
    sql_date = np.where(accepted & mql, first_accept + lag, ABSENT)
    modified = np.maximum.reduce([last_touch, mql_date, sql_date,
                                  np.where(is_lead, leads.steps["convert"][row], ABSENT)])
    modified = np.minimum(modified + rng.integers(60, 3600, n), clock.LAST_MOMENT)
    synced = is_lead & ~np.where(is_lead, leads.email_only[row], True)
    lead_ids = leads.ids.take(pa.array(row))
    account = np.concatenate([leads.account[lead_rows], inquiries.account])
    people_rows = pa.array(lead_rows)
    title = pa.concat_arrays([leads.people.title.take(people_rows), inquiries.people.title])
    return pa.table({
        "id": aud.contact_id,
        "property_email": aud.email,
        "property_firstname": pa.concat_arrays([leads.people.first_name.take(people_rows),
                                                inquiries.people.first_name]),
        "property_lastname": pa.concat_arrays([leads.people.last_name.take(people_rows),
                                               inquiries.people.last_name]),
        "property_createdate": clock.iso_utc(aud.first_touch),
        "property_lastmodifieddate": clock.iso_utc(modified),
        "property_lifecyclestage": strings(LIFECYCLE, stage),
        "property_hs_lead_status": masked(strings(_LEAD_STATUS, _LEAD_STATUS_OF[st]),
                                          is_lead | (rng.random(n) < 0.5)),
        "property_hubspotscore": pa.array(points),
        "property_hs_analytics_source": strings(_HUBSPOT_SOURCES, aud.source),
        "property_company": accounts.name.take(pa.array(account)),
        "property_jobtitle": title,
        "property_salesforceleadid": masked(lead_ids, synced),
        "property_salesforcecontactid": pc.if_else(
            pa.array(synced), lead_contact_ids.take(pa.array(row)), pa.scalar(None, pa.string())),
        "property_hs_lifecyclestage_marketingqualifiedlead_date": clock.iso_utc(mql_date),
        "property_hs_lifecyclestage_salesqualifiedlead_date": clock.iso_utc(sql_date),
        "_fivetran_synced": clock.iso_utc(np.full(n, FIVETRAN_SYNCED)),
        "_fivetran_deleted": pa.array(np.zeros(n, dtype=bool)),
    })
