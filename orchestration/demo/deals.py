"""Lead conversion: contacts, opportunities with their stage history, buying groups, meetings."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from orchestration.demo import clock
from orchestration.demo.arrays import ABSENT, IdAllocator, between, expand, join, masked, strings
from orchestration.demo.companies import COUNTRIES, Accounts
from orchestration.demo.contract import (
    CLOSED_LOST,
    CLOSED_WON,
    CONTACT_ROLES,
    LEAD_SOURCES,
    OPPORTUNITY_OPEN_STAGES,
)
from orchestration.demo.engagement import MEMBER_STATUSES, Members
from orchestration.demo.handoff import DEAL_TASKS, task_table
from orchestration.demo.leads import Leads
from orchestration.demo.people import make_people
from orchestration.demo.users import Users, owner_ids

_STAGES = OPPORTUNITY_OPEN_STAGES + (CLOSED_WON, CLOSED_LOST)
_WON, _LOST = len(OPPORTUNITY_OPEN_STAGES), len(OPPORTUNITY_OPEN_STAGES) + 1
_EURO = np.isin(np.array(COUNTRIES), ("Germany", "France", "Spain", "Netherlands"))
_CONVERTED_ROLES = (0, 2, 3, 4, 5)  # the lead who converted: rarely the economic buyer


@dataclass(frozen=True)
class Deals:
    converted_rows: np.ndarray  # lead rows that converted, in this order below
    contact_ids: pa.Array  # per converted lead
    opportunity_ids: pa.Array  # per converted lead
    contacts: pa.Table
    opportunities: pa.Table
    opportunity_history: pa.Table
    contact_roles: pa.Table
    events: pa.Table  # without Id; `_at` orders it
    tasks: pa.Table  # without Id; `_at` orders it
    won: np.ndarray  # per converted lead
    closed: np.ndarray  # per converted lead


def _last_campaign(members: Members, n_leads: int, campaign_ids: pa.Array) -> pa.Array:
    """Per lead: the campaign of its latest response, null when none."""
    responded = np.array([MEMBER_STATUSES[s][1] for s in range(len(MEMBER_STATUSES))])
    keep = responded[members.status]
    lead, at, camp = members.lead_row[keep], members.responded_at[keep], members.campaign[keep]
    order = np.lexsort((at, lead))
    last = np.full(n_leads, ABSENT, dtype=np.int64)
    last[lead[order]] = camp[order]  # later rows overwrite: the latest response wins
    return campaign_ids.take(pa.array(last, mask=last == ABSENT))


def _stages(rng: np.random.Generator, n: int, win_rate: float):
    """Stage path per opportunity: first and last open stage, won flag, stage durations."""
    first = np.where(rng.random(n) < 0.6, 0, 1)
    won = rng.random(n) < win_rate
    last = np.where(won, rng.integers(4, 8, n), first + (rng.random(n) * (7 - first)).astype(int))
    visits = last - first + 2  # open stages + the closing stage
    parent, rank = expand(visits)
    stage = np.where(rank == visits[parent] - 1, np.where(won[parent], _WON, _LOST),
                     first[parent] + rank)
    gap = np.where(rank == 0, 0, rng.integers(3, 25, parent.size) * clock.DAY
                   + rng.integers(0, clock.DAY, parent.size))
    return won, parent, stage, gap


def convert(rng: np.random.Generator, leads: Leads, accounts: Accounts, users: Users,
            members: Members, campaign_ids: pa.Array, lead_score: np.ndarray, win_rate: float,
            ids: IdAllocator) -> Deals:
    rows = np.flatnonzero(leads.converted)
    n = rows.size
    at = leads.steps["convert"][rows]
    account = leads.account[rows]
    ae = np.where(rng.random(n) < 0.8, accounts.owner[account], rng.choice(users.ae, n))
    contact_ids = ids.take("003", n)
    opp_ids = ids.take("006", n)
    people = leads.people

    # Stage history: entered moments, then cut at the export (the rest is still ahead).
    won, parent, stage, gap = _stages(rng, n, win_rate)
    starts = np.searchsorted(parent, np.arange(n))
    entered = at[parent] + (np.cumsum(gap) - np.cumsum(gap)[starts][parent])
    happened = entered < clock.EXPORT_AT
    end_at = np.zeros(n, dtype=np.int64)
    np.maximum.at(end_at, parent, entered)  # the planned close moment
    closed = end_at < clock.EXPORT_AT
    current = np.zeros(n, dtype=np.int64)
    current_at = np.zeros(n, dtype=np.int64)
    np.maximum.at(current_at, parent[happened], entered[happened])
    current[parent[happened]] = stage[happened]  # stages rise along each path: last wins

    employees = accounts.employees[account]
    amount = np.round(rng.lognormal(np.log(30_000) + 0.25 * np.log(employees / 250), 0.6, n), -2)
    euro = _EURO[accounts.country[account]]
    campaign = _last_campaign(members, leads.size, campaign_ids).take(pa.array(rows))
    campaign = masked(campaign, rng.random(n) < 0.7)
    company = accounts.name.take(pa.array(account))
    source = strings(LEAD_SOURCES, leads.source[rows])
    opportunities = pa.table({
        "Id": opp_ids,
        "AccountId": accounts.ids.take(pa.array(account)),
        "OwnerId": owner_ids(users, ae),
        "Name": join(company, " - New Business"),
        "CreatedDate": clock.salesforce(at),
        "CloseDate": clock.dates(end_at),
        "StageName": strings(_STAGES, current),
        "Amount": pa.array(amount),
        "IsClosed": pa.array(closed),
        "IsWon": pa.array(closed & won),
        "LeadSource": source,
        "CampaignId": campaign,
        "Type": pa.array(np.full(n, "New Business")),
        "CurrencyIsoCode": strings(("USD", "EUR"), euro.astype(np.int64)),
        "Original_Lead_Score__c": pa.array(lead_score[rows]),
        "IsDeleted": pa.array(np.zeros(n, dtype=bool)),
        "LastModifiedDate": clock.salesforce(
            np.minimum(current_at + rng.integers(60, 3600, n), clock.EXPORT_AT - 1)),
    })
    history = pa.table({
        "OpportunityId": opp_ids.take(pa.array(parent[happened])),
        "CreatedDate": clock.salesforce(entered[happened]),
        "StageName": strings(_STAGES, stage[happened]),
        "Amount": pa.array(amount[parent[happened]]),
        "CloseDate": clock.dates(end_at[parent[happened]]),
        "_at": pa.array(entered[happened]),
    })

    # Buying group: the converted person plus 1-4 colleagues the AE adds to the deal.
    extra = rng.integers(1, 5, n)
    g_parent, g_rank = expand(extra)
    g = g_parent.size
    colleagues = make_people(rng, ids.numbers("person", g),
                             accounts.domain.take(pa.array(account[g_parent])),
                             rng.random(g) < 0.6, accounts.russian_share(account[g_parent]))
    g_created = np.minimum(at[g_parent] + rng.integers(clock.HOUR, 20 * clock.DAY, g),
                           clock.LAST_MOMENT)
    g_ids = ids.take("003", g)
    contacts = pa.table({
        "Id": pa.concat_arrays([contact_ids, g_ids]),
        "AccountId": accounts.ids.take(pa.array(np.concatenate([account, account[g_parent]]))),
        "Email": pa.concat_arrays([people.email.take(pa.array(rows)), colleagues.email]),
        "FirstName": pa.concat_arrays([people.first_name.take(pa.array(rows)),
                                       colleagues.first_name]),
        "LastName": pa.concat_arrays([people.last_name.take(pa.array(rows)),
                                      colleagues.last_name]),
        "Title": pa.concat_arrays([people.title.take(pa.array(rows)), colleagues.title]),
        "Phone": pa.concat_arrays([people.phone.take(pa.array(rows)), colleagues.phone]),
        "LeadSource": pa.concat_arrays([source, pa.nulls(g, pa.string())]),
        "OwnerId": owner_ids(users, np.concatenate([ae, ae[g_parent]])),
        "CreatedDate": clock.salesforce(np.concatenate([at, g_created])),
        "LastModifiedDate": clock.salesforce(np.concatenate([at, g_created]) + 120),
    })

    primary_is_converted = rng.random(n) < 0.7
    role_contact = pa.concat_arrays([contact_ids, g_ids])
    role_opp = np.concatenate([np.arange(n), g_parent])
    role = np.concatenate([rng.choice(_CONVERTED_ROLES, n), rng.integers(0, len(CONTACT_ROLES), g)])
    primary = np.concatenate([primary_is_converted,
                              (g_rank == 0) & ~primary_is_converted[g_parent]])
    role_at = np.concatenate([at, g_created])
    order = np.lexsort((np.arange(role_opp.size), role_at))
    contact_roles = pa.table({
        "OpportunityId": opp_ids.take(pa.array(role_opp[order])),
        "ContactId": role_contact.take(pa.array(order)),
        "Role": strings(CONTACT_ROLES, role[order]),
        "IsPrimary": pa.array(primary[order]),
        "CreatedDate": clock.salesforce(role_at[order]),
        "_at": pa.array(role_at[order]),
    })
    primary_contact = pc.if_else(pa.array(primary_is_converted), contact_ids,
                                 g_ids.take(pa.array(np.searchsorted(g_parent, np.arange(n)))))

    events = _events(rng, leads, users, rows, opp_ids, primary_contact, ae, parent, stage,
                     entered, happened)
    tasks = _deal_tasks(rng, users, opp_ids, primary_contact, ae, at,
                        np.minimum(end_at, clock.LAST_MOMENT))
    return Deals(rows, contact_ids, opp_ids, contacts, opportunities, history, contact_roles,
                 events, tasks, won & closed, closed)


def _events(rng, leads: Leads, users: Users, rows, opp_ids, primary_contact, ae, parent, stage,
            entered, happened) -> pa.Table:
    """A discovery call before each qualification; a demo when a deal reaches Needs Analysis."""
    qualified = np.flatnonzero(leads.steps["qualify"] != ABSENT)
    low = np.maximum(leads.steps["decide"][qualified], leads.steps["reaccept"][qualified])
    call_at = between(rng, low, leads.steps["qualify"][qualified])
    demo = happened & (stage == 2)
    demo_at = entered[demo] + rng.integers(clock.HOUR, 5 * clock.DAY, demo.sum())
    demo_at = np.minimum(demo_at, clock.LAST_MOMENT)
    at = np.concatenate([call_at, demo_at])
    k = call_at.size
    subject = np.concatenate([np.zeros(k, dtype=np.int64), np.ones(demo_at.size, dtype=np.int64)])
    order = np.argsort(at, kind="stable")
    table = pa.table({
        "WhoId": pa.concat_arrays([leads.ids.take(pa.array(qualified)),
                                   primary_contact.take(pa.array(parent[demo]))]),
        "WhatId": pa.concat_arrays([pa.nulls(k, pa.string()),
                                    opp_ids.take(pa.array(parent[demo]))]),
        "OwnerId": owner_ids(users, np.concatenate([leads.owner[qualified], ae[parent[demo]]])),
        "CreatedDate": clock.salesforce(at - rng.integers(clock.MINUTE, 2 * clock.DAY, at.size)),
        "ActivityDateTime": clock.salesforce(at),
        "Subject": strings(("Discovery call", "Product demo"), subject),
        "EventSubtype": pa.array(np.full(at.size, "Event")),
        "DurationInMinutes": pa.array(np.where(subject == 0, 30, 60)),
        "_at": pa.array(at),
    })
    return table.take(pa.array(order))


def _deal_tasks(rng, users: Users, opp_ids, primary_contact, ae, start, end) -> pa.Table:
    parent, _ = expand(rng.poisson(2.0, start.size))
    at = between(rng, start[parent], end[parent])
    return task_table(primary_contact.take(pa.array(parent)), opp_ids.take(pa.array(parent)),
                      owner_ids(users, ae[parent]), at, rng.choice(DEAL_TASKS, parent.size))
