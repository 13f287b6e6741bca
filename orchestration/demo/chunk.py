"""One chunk of leads, end to end: journeys, touches, handoff, deals, and the landing tables."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from orchestration.demo import clock
from orchestration.demo.arrays import ABSENT, IdAllocator, exact_subset, masked, strings
from orchestration.demo.campaigns import Campaigns
from orchestration.demo.companies import COUNTRIES, INDUSTRIES, Accounts
from orchestration.demo.contract import CONVERTED, LEAD_SOURCES, POINTS, STATUSES
from orchestration.demo.deals import Deals, convert
from orchestration.demo.dirt import (
    MISSING_ACCOUNT,
    MISSING_OPPORTUNITY,
    messy_emails,
    stale_version,
)
from orchestration.demo.engagement import (
    MEMBER_STATUSES,
    Members,
    combine,
    engage,
    partner_members,
)
from orchestration.demo.handoff import Handoff, hand_off
from orchestration.demo.hubspot import audience, contacts_table, make_inquiries
from orchestration.demo.knobs import DemoKnobs
from orchestration.demo.leads import (
    NURTURE,
    PARTNER_ACCEPTED,
    PATHS,
    SALES,
    SOURCED_BY,
    ChunkSpec,
    Leads,
    make_leads,
)
from orchestration.demo.merges import merge_duplicates, merge_leads
from orchestration.demo.truth import ORPHAN_KINDS, Tally, lead_detail, speed_buckets
from orchestration.demo.users import Users, owner_ids

_PARTNER_TIERS = ("Gold", "Silver", "Registered")


@dataclass(frozen=True)
class World:
    """What all chunks share: the company's people, the accounts, the campaign calendar."""

    users: Users
    accounts: Accounts
    campaigns: Campaigns


@dataclass(frozen=True)
class Chunk:
    tables: dict[str, pa.Table]  # landing table -> rows of this chunk's part file
    lead_reexport: pa.Table
    lead_detail: pa.Table
    hubspot_only: pa.Table


def _with_ids(table: pa.Table, ids: IdAllocator, prefix: str) -> pa.Table:
    """Order by the hidden `_at` moment, then number the rows in that order."""
    table = table.sort_by([("_at", "ascending")]).drop_columns(["_at"])
    return table.add_column(0, "Id", ids.take(prefix, table.num_rows))


def _per_lead(values: pa.Array, rows: np.ndarray, n: int) -> pa.Array:
    """Spread values of a subset of leads (at `rows`) over all n leads; null elsewhere."""
    index = np.full(n, -1)
    index[rows] = np.arange(rows.size)
    return values.take(pa.array(index, mask=index < 0))


def _lead_table(rng, leads: Leads, world: World, handoff: Handoff, contact_of: pa.Array,
                opportunity_of: pa.Array, score: np.ndarray, email_mess: np.ndarray) -> pa.Table:
    n = leads.size
    acc = world.accounts
    account = pa.array(leads.account)
    converted = leads.converted
    modified = np.maximum.reduce([leads.created, handoff.last_change, leads.steps["route"],
                                  leads.steps["convert"]])
    modified = np.minimum(modified + rng.integers(60, 3600, n), clock.LAST_MOMENT)
    unknown_size = (leads.path == NURTURE) & (rng.random(n) < 0.05)
    partner = leads.path >= PARTNER_ACCEPTED
    return pa.table({
        "Id": leads.ids,
        "IsDeleted": pa.array(np.zeros(n, dtype=bool)),
        "MasterRecordId": pa.nulls(n, pa.string()),
        "FirstName": leads.people.first_name,
        "LastName": leads.people.last_name,
        "Company": acc.name.take(account),
        "Title": leads.people.title,
        "Email": messy_emails(rng, leads.people.email, email_mess),
        "Phone": leads.people.phone,
        "Industry": strings(INDUSTRIES, acc.industry[leads.account]),
        "NumberOfEmployees": masked(pa.array(acc.employees[leads.account]), ~unknown_size),
        "Country": strings(COUNTRIES, acc.country[leads.account]),
        "LeadSource": strings(LEAD_SOURCES, leads.source),
        "Status": strings(STATUSES, handoff.status),
        "OwnerId": owner_ids(world.users, leads.owner),
        "CreatedById": owner_ids(world.users, leads.creator),
        "CreatedDate": clock.salesforce(leads.created),
        "LastModifiedDate": clock.salesforce(modified),
        "SystemModstamp": clock.salesforce(np.minimum(modified + 2, clock.LAST_MOMENT)),
        "IsConverted": pa.array(converted),
        "ConvertedDate": clock.dates(np.where(converted, leads.steps["convert"], ABSENT)),
        "ConvertedAccountId": masked(acc.ids.take(account), converted),
        "ConvertedContactId": contact_of,
        "ConvertedOpportunityId": opportunity_of,
        "Lead_Score__c": masked(pa.array(score), leads.path != SALES),
        "Partner_Tier__c": masked(strings(_PARTNER_TIERS, rng.integers(0, 3, n)), partner),
    })


def _stale(rng, leads: Leads, handoff: Handoff, final: pa.Table, score: np.ndarray):
    """Values of the first export for leads whose last status change came after it."""
    n = leads.size
    was = np.maximum(leads.created, handoff.previous_change) + 1
    unconverted = handoff.status == CONVERTED
    nothing = pa.nulls(n, pa.string())
    stale = {
        "Status": strings(STATUSES, handoff.previous_status),
        "LastModifiedDate": clock.salesforce(was),
        "SystemModstamp": clock.salesforce(was),
        "IsConverted": pa.array(np.where(unconverted, False, leads.converted)),
        "Lead_Score__c": pc.if_else(pa.array(leads.path == SALES), pa.nulls(n, pa.int64()),
                                    pa.array(np.maximum(0, score - rng.integers(0, 6, n)))),
        "Phone": masked(final["Phone"].combine_chunks(), rng.random(n) < 0.5),
    }
    for name in ("ConvertedDate", "ConvertedAccountId", "ConvertedContactId",
                 "ConvertedOpportunityId"):
        column = final[name].combine_chunks()
        stale[name] = pc.if_else(pa.array(unconverted), nothing, column)
    return stale


def _members_table(members: Members, leads: Leads, world: World, contact_of: pa.Array,
                   ids: IdAllocator) -> pa.Table:
    responded = np.array([r for _, r in MEMBER_STATUSES])[members.status]
    last = np.maximum(members.created, members.responded_at)
    table = pa.table({
        "CampaignId": world.campaigns.ids.take(pa.array(members.campaign)),
        "LeadId": leads.ids.take(pa.array(members.lead_row)),
        # Salesforce fills ContactId on the member when the lead converts.
        "ContactId": contact_of.take(pa.array(members.lead_row)),
        "Status": strings([s for s, _ in MEMBER_STATUSES], members.status),
        "HasResponded": pa.array(responded),
        "FirstRespondedDate": clock.dates(members.responded_at),
        "CreatedDate": clock.salesforce(members.created),
        "LastModifiedDate": clock.salesforce(np.minimum(last + 60, clock.LAST_MOMENT)),
        "_at": pa.array(members.created),
    })
    return _with_ids(table, ids, "00v")


def _orphans(leads: Leads, deals: Deals, lead_table: pa.Table, tally: Tally):
    """Chunk 0 only: one opportunity loses its account, one lead its opportunity."""
    opportunities = deals.opportunities
    if opportunities.num_rows < 2:
        return lead_table, opportunities
    first = np.arange(opportunities.num_rows) == 0
    opportunities = opportunities.set_column(
        opportunities.schema.get_field_index("AccountId"), "AccountId",
        pc.if_else(pa.array(first), pa.scalar(MISSING_ACCOUNT),
                   opportunities["AccountId"].combine_chunks()))
    lead = deals.converted_rows[1]
    column = lead_table.schema.get_field_index("ConvertedOpportunityId")
    lead_table = lead_table.set_column(
        column, "ConvertedOpportunityId",
        pc.if_else(pa.array(np.arange(leads.size) == lead), pa.scalar(MISSING_OPPORTUNITY),
                   lead_table["ConvertedOpportunityId"].combine_chunks()))
    account_missing, opportunity_missing = ORPHAN_KINDS
    tally.orphans[account_missing] = [opportunities["Id"][0].as_py()]
    tally.orphans[opportunity_missing] = [leads.ids[lead].as_py()]
    return lead_table, opportunities


def build_chunk(rng: np.random.Generator, spec: ChunkSpec, knobs: DemoKnobs, world: World,
                ids: IdAllocator, tally: Tally) -> Chunk:
    leads = make_leads(rng, spec, knobs, world.accounts, world.users, ids)
    n = leads.size
    marketing = int(leads.hubspot.sum())
    inquiries = make_inquiries(rng, round(knobs.hubspot_only_share * marketing), spec.start,
                               spec.end, world.accounts, ids)
    aud = audience(leads, inquiries, ids)
    touches = engage(rng, aud, world.campaigns, ids)
    partner_rows = np.flatnonzero(leads.path >= PARTNER_ACCEPTED)
    members = combine(touches.members,
                      partner_members(partner_rows, leads.created[partner_rows], world.campaigns))
    lead_rows = aud.lead_row[aud.lead_row != ABSENT]
    score = np.zeros(n, dtype=np.int64)
    score[lead_rows] = touches.points[: lead_rows.size]
    score[partner_rows] = POINTS["partner_referral"]
    handoff = hand_off(rng, leads, world.users)
    deals = convert(rng, leads, world.accounts, world.users, members, world.campaigns.ids, score,
                    knobs.win_rate, ids)
    contact_of = _per_lead(deals.contact_ids, deals.converted_rows, n)
    opportunity_of = _per_lead(deals.opportunity_ids, deals.converted_rows, n)
    won = np.zeros(n, dtype=bool)
    won[deals.converted_rows] = deals.won

    # Every address a contact can only be matched by is messy; a tenth of the others too.
    email_mess = leads.email_only | (leads.hubspot & (rng.random(n) < 0.1))
    final = _lead_table(rng, leads, world, handoff, contact_of, opportunity_of, score,
                        email_mess)
    opportunities = deals.opportunities
    if spec.index == 0:
        final, opportunities = _orphans(leads, deals, final, tally)
    eligible = handoff.last_change != ABSENT
    share = min(1.0, knobs.reexport_share * n / max(1, eligible.sum()))
    chosen = exact_subset(rng, eligible, share)
    first_export = stale_version(final, chosen, _stale(rng, leads, handoff, final, score))

    contacts = contacts_table(rng, aud, leads, inquiries, world.accounts, touches.points,
                              touches.last_touch, handoff.status, contact_of, won)
    contacts, forms = merge_duplicates(contacts, touches.form_submissions, ids)
    final, first_export, contacts = merge_leads(final, first_export, contacts, ids)
    tasks = pa.concat_tables([handoff.tasks, deals.tasks])
    tables = {
        "salesforce__lead": first_export,
        "salesforce__lead_history": _with_ids(handoff.history, ids, "017"),
        "salesforce__contact": deals.contacts,
        "salesforce__opportunity": opportunities,
        "salesforce__opportunity_history": _with_ids(deals.opportunity_history, ids, "008"),
        "salesforce__opportunity_contact_role": _with_ids(deals.contact_roles, ids, "00K"),
        "salesforce__campaign_member": _members_table(members, leads, world, contact_of, ids),
        "salesforce__task": _with_ids(tasks, ids, "00T"),
        "salesforce__event": _with_ids(deals.events, ids, "00U"),
        "hubspot__contacts": contacts,
        "hubspot__form_submissions": forms,
        "hubspot__email_events": touches.email_events,
    }
    _tally(tally, leads, handoff, deals, inquiries.first_touch.size)
    tally.merged_duplicates += contacts.num_rows - aud.size
    tally.merged_leads += first_export.num_rows - final.num_rows
    mql = leads.mql
    tally.speed.update(speed_buckets(leads.steps["cross"][mql], handoff.first_sales_touch[mql]))
    contact_ids = _per_lead(aud.contact_id.slice(0, lead_rows.size), lead_rows, n)
    inquiry_ids = aud.contact_id.slice(lead_rows.size)
    return Chunk(
        tables=tables,
        lead_reexport=final.filter(pa.array(chosen)),
        lead_detail=lead_detail(leads, handoff.status, handoff.first_sales_touch, contact_ids,
                                opportunity_of, won, score, chosen),
        hubspot_only=pa.table({
            "contact_id": inquiry_ids,
            "email": aud.email.slice(lead_rows.size),
            "created_at": pa.array(inquiries.first_touch, type=pa.timestamp("s", tz="UTC")),
        }),
    )


def _tally(tally: Tally, leads: Leads, handoff: Handoff, deals: Deals, inquiries: int) -> None:
    tally.paths.update({PATHS[p]: int(c) for p, c in enumerate(np.bincount(leads.path,
                                                                           minlength=len(PATHS)))})
    tally.sourced_by.update({SOURCED_BY[s]: int(c) for s, c in
                             enumerate(np.bincount(leads.sourced_by, minlength=3))})
    tally.lead_sources.update({LEAD_SOURCES[s]: int(c) for s, c in
                               enumerate(np.bincount(leads.source,
                                                     minlength=len(LEAD_SOURCES))) if c})
    tally.final_statuses.update({STATUSES[s]: int(c) for s, c in
                                 enumerate(np.bincount(handoff.status,
                                                       minlength=len(STATUSES))) if c})
    tally.converted += int(leads.converted.sum())
    tally.opportunities += int(deals.converted_rows.size)
    tally.won += int(deals.won.sum())
    tally.lost += int((deals.closed & ~deals.won).sum())
    tally.hubspot_contacts_of_leads += int(leads.hubspot.sum())
    tally.email_only_matches += int(leads.email_only.sum())
    tally.hubspot_only += inquiries
