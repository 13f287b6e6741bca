"""The handoff loop in Salesforce: status and owner history, and the tasks around them."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyarrow as pa

from orchestration.demo import clock
from orchestration.demo.arrays import ABSENT, between, expand, strings
from orchestration.demo.contract import CONVERTED, OPEN, QUALIFIED, STATUSES
from orchestration.demo.leads import (
    MQL_ACCEPTED,
    MQL_IGNORED,
    MQL_LATE,
    MQL_RECYCLED,
    MQL_REJECTED,
    PARTNER_ACCEPTED,
    PARTNER_REJECTED,
    SALES,
    Leads,
)
from orchestration.demo.users import Users, owner_ids

TASK_SUBJECTS = (
    ("Call", "Call"), ("Email: intro", "Email"), ("LinkedIn message", "Task"),
    ("Follow-up call", "Call"), ("Email: follow-up", "Email"),
    ("Marketing: event invitation sent", "Email"), ("Marketing: nurture content sent", "Email"),
    ("Partner intro call", "Call"), ("Call with buying group", "Call"),
    ("Send proposal", "Email"),
)
FIRST_TASKS = (0, 1, 2)
FOLLOW_UPS = (3, 4)
MARKETING_TASKS = (5, 6)
PARTNER_TASK = 7
DEAL_TASKS = (8, 9)


@dataclass(frozen=True)
class Handoff:
    history: pa.Table  # LeadHistory without Id; `_at` orders it
    tasks: pa.Table  # Task without Id; `_at` orders it
    status: np.ndarray  # final status code per lead
    previous_status: np.ndarray  # status before the last change (OPEN when none)
    previous_change: np.ndarray  # moment of that earlier change (ABSENT when none)
    last_change: np.ndarray  # moment of the last status change, ABSENT when none
    first_sales_touch: np.ndarray  # first task by the sales owner, ABSENT when none


def _status_steps(leads: Leads) -> list[tuple[str, np.ndarray]]:
    path = leads.path
    accepted_first = np.isin(path, (MQL_ACCEPTED, SALES, PARTNER_ACCEPTED))
    rejected_first = np.isin(path, (MQL_LATE, MQL_REJECTED, MQL_RECYCLED, PARTNER_REJECTED))
    decide = np.where(accepted_first, leads.accept_status,
                      np.where(rejected_first, leads.reject_status, OPEN))
    n = leads.size
    return [
        ("decide", decide),
        ("recycle", leads.recycle_status),
        ("reaccept", leads.accept_status),
        ("qualify", np.full(n, QUALIFIED)),
        ("convert", np.full(n, CONVERTED)),
        ("close", leads.closed_status),
    ]


def _history(leads: Leads, users: Users):
    n = leads.size
    current = np.full(n, OPEN, dtype=np.int64)
    previous = np.full(n, OPEN, dtype=np.int64)
    previous_change = np.full(n, ABSENT, dtype=np.int64)
    last_change = np.full(n, ABSENT, dtype=np.int64)
    rows, at, field, old, new, actor = [], [], [], [], [], []
    for step, status in _status_steps(leads):
        moved = leads.steps[step] != ABSENT
        idx = np.flatnonzero(moved)
        rows.append(idx)
        at.append(leads.steps[step][idx])
        field.append(np.zeros(idx.size, dtype=np.int64))
        old.append(current[idx])
        new.append(status[idx])
        actor.append(leads.owner[idx])
        previous[idx] = current[idx]
        previous_change[idx] = last_change[idx]
        current[idx] = status[idx]
        last_change[idx] = leads.steps[step][idx]

    status_rows = np.concatenate(rows)
    status_text = [strings(STATUSES, np.concatenate(old)), strings(STATUSES, np.concatenate(new))]
    # Handoffs move the owner: marketing automation -> SDR on MQL, partner manager -> AE.
    routed = np.flatnonzero(leads.steps["route"] != ABSENT)
    to_ae = np.flatnonzero(leads.path == PARTNER_ACCEPTED)
    owner_rows = np.concatenate([routed, to_ae])
    owner_at = np.concatenate([leads.steps["route"][routed], leads.steps["decide"][to_ae]])
    owner_from = np.concatenate([np.full(routed.size, users.automation), leads.creator[to_ae]])
    owner_actor = np.concatenate([np.full(routed.size, users.automation), leads.owner[to_ae]])
    converted = np.flatnonzero(leads.steps["convert"] != ABSENT)

    lead = np.concatenate([status_rows, owner_rows, converted])
    moment = np.concatenate(at + [owner_at, leads.steps["convert"][converted]])
    kinds = np.concatenate([np.zeros(status_rows.size), np.ones(owner_rows.size),
                            np.full(converted.size, 2)]).astype(np.int64)
    nulls = pa.nulls(converted.size, pa.string())
    old_value = pa.concat_arrays([status_text[0], owner_ids(users, owner_from), nulls])
    new_value = pa.concat_arrays([status_text[1], owner_ids(users, leads.owner[owner_rows]),
                                  nulls])
    by = np.concatenate(actor + [owner_actor, leads.owner[converted]])
    order = np.lexsort((kinds, moment))
    table = pa.table({
        "LeadId": leads.ids.take(pa.array(lead[order])),
        "CreatedDate": clock.salesforce(moment[order]),
        "CreatedById": owner_ids(users, by[order]),
        "Field": strings(("Status", "Owner", "leadConverted"), kinds[order]),
        "OldValue": old_value.take(pa.array(order)),
        "NewValue": new_value.take(pa.array(order)),
        "IsDeleted": pa.array(np.zeros(order.size, dtype=bool)),
        "_at": pa.array(moment[order]),
    })
    return table, current, previous, previous_change, last_change


def task_table(who: pa.Array, what: pa.Array, owner: pa.Array, at: np.ndarray,
               subject: np.ndarray) -> pa.Table:
    """Task rows (without Id) from parallel columns; `_at` keeps the moment for ordering."""
    return pa.table({
        "WhoId": who,
        "WhatId": what,
        "OwnerId": owner,
        "CreatedDate": clock.salesforce(at),
        "ActivityDate": clock.dates(at),
        "Subject": strings([s for s, _ in TASK_SUBJECTS], subject),
        "TaskSubtype": strings([t for _, t in TASK_SUBJECTS], subject),
        "Status": pa.array(np.full(at.size, "Completed")),
        "_at": pa.array(at),
    })


def _tasks(rng: np.random.Generator, leads: Leads, users: Users) -> pa.Table:
    n = leads.size
    first = leads.steps["task"]
    touched = np.flatnonzero(first != ABSENT)
    partner = leads.path >= PARTNER_ACCEPTED
    # The first touch is by the owner: the SDR/AE, or the partner manager for referrals.
    first_by = np.where(partner, leads.creator, leads.owner)
    first_subject = np.where(partner, PARTNER_TASK, rng.choice(FIRST_TASKS, n))

    rate = np.select([np.isin(leads.path, (MQL_ACCEPTED, PARTNER_ACCEPTED)), leads.path == SALES,
                      np.isin(leads.path, (MQL_LATE, MQL_REJECTED, MQL_RECYCLED))],
                     [1.5, 2.0, 0.8], 0.0)
    follow_parent, _ = expand(np.where(first != ABSENT, rng.poisson(rate), 0))
    follow_at = between(rng, first[follow_parent] + clock.MINUTE,
                        np.minimum(first[follow_parent] + 14 * clock.DAY, clock.LAST_MOMENT))
    back = np.flatnonzero(leads.steps["reaccept"] != ABSENT)
    back_at = leads.steps["reaccept"][back] + rng.integers(clock.MINUTE, 3 * clock.DAY, back.size)
    back_at = np.minimum(back_at, clock.LAST_MOMENT)

    # Marketing also touches handed-over leads (invitations, content): not a sales touch, and
    # often before the SDR's first call, to tell the two apart in speed-to-lead.
    mql = (leads.path >= MQL_ACCEPTED) & (leads.path <= MQL_IGNORED)
    mkt = np.flatnonzero(mql & (rng.random(n) < 0.12))
    route = leads.steps["route"][mkt]
    mkt_end = np.where(first[mkt] != ABSENT, first[mkt],
                       np.minimum(route + 7 * clock.DAY, clock.LAST_MOMENT))
    mkt_at = between(rng, route, mkt_end)

    who = np.concatenate([touched, follow_parent, back, mkt])
    at = np.concatenate([first[touched], follow_at, back_at, mkt_at])
    by = np.concatenate([first_by[touched], leads.owner[follow_parent], leads.owner[back],
                         rng.choice(users.marketing, mkt.size)])
    subject = np.concatenate([
        first_subject[touched], rng.choice(FOLLOW_UPS, follow_parent.size),
        rng.choice(FOLLOW_UPS, back.size), rng.choice(MARKETING_TASKS, mkt.size)])
    return task_table(leads.ids.take(pa.array(who)), pa.nulls(who.size, pa.string()),
                      owner_ids(users, by), at, subject)


def hand_off(rng: np.random.Generator, leads: Leads, users: Users) -> Handoff:
    history, status, previous, previous_change, last_change = _history(leads, users)
    return Handoff(
        history=history,
        tasks=_tasks(rng, leads, users),
        status=status,
        previous_status=previous,
        previous_change=previous_change,
        last_change=last_change,
        first_sales_touch=np.where(leads.mql, leads.steps["task"], ABSENT),
    )
