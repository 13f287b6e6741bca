"""Who the leads of one chunk are, and the designed journey (path and milestones) of each."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyarrow as pa

from orchestration.demo import clock
from orchestration.demo.arrays import (
    ABSENT,
    IdAllocator,
    between,
    choice,
    exact_codes,
    exact_subset,
)
from orchestration.demo.companies import Accounts, pick
from orchestration.demo.contract import (
    ACCEPTED,
    CLOSED_AFTER_WORK,
    MARKETING_SOURCE_WEIGHTS_MQL,
    MARKETING_SOURCE_WEIGHTS_OTHER,
    MARKETING_SOURCES,
    PARTNER_SOURCE_WEIGHTS,
    RECYCLES,
    REJECTION_WEIGHTS,
    REJECTIONS,
    SALES_SOURCE_WEIGHTS,
    SALES_SOURCES,
    WORKING,
)
from orchestration.demo.knobs import DemoKnobs, plan_sourcing
from orchestration.demo.people import People, make_people
from orchestration.demo.users import Users

# The designed path of a lead. Marketing paths come first; MQL paths are contiguous.
PATHS = (
    "nurture",  # marketing lead that stays below the MQL line
    "engaged_unfit",  # marketing lead with MQL-level points whose fit fails
    "mql_accepted",
    "mql_accepted_after_recycle",  # rejected -> recycled -> accepted
    "mql_rejected",
    "mql_rejected_recycled",
    "mql_ignored",  # handed over, never touched by sales
    "sales_sourced",  # created by an SDR or AE, accepted at once
    "partner_accepted",
    "partner_rejected",
)
(NURTURE, ENGAGED_UNFIT, MQL_ACCEPTED, MQL_LATE, MQL_REJECTED, MQL_RECYCLED, MQL_IGNORED,
 SALES, PARTNER_ACCEPTED, PARTNER_REJECTED) = range(len(PATHS))
SOURCED_BY = ("marketing", "sales", "partner")
# Milestones of a journey, in the order they happen.
STEPS = ("cross", "route", "task", "decide", "recycle", "reaccept", "qualify", "convert", "close")
_QUALIFIED_CONVERT = 0.9  # share of qualified leads that sales convert


@dataclass(frozen=True)
class ChunkSpec:
    index: int  # 0-based
    leads: int
    start: int  # leads of this chunk are created within [start, end)
    end: int

    @property
    def part(self) -> str:
        return f"part{self.index + 1:04d}"


def chunk_specs(leads: int, chunk_leads: int) -> list[ChunkSpec]:
    """Equal chunks, each owning an equal slice of the window: ids then follow creation time."""
    n = max(1, -(-leads // chunk_leads))
    sizes = [leads // n + (i < leads % n) for i in range(n)]
    bounds = np.linspace(clock.WINDOW_START, clock.EXPORT_AT, n + 1).astype(np.int64)
    return [ChunkSpec(i, sizes[i], int(bounds[i]), int(bounds[i + 1])) for i in range(n)]


@dataclass(frozen=True)
class Leads:
    ids: pa.Array
    path: np.ndarray
    source: np.ndarray  # index into contract.LEAD_SOURCES
    account: np.ndarray  # row in Accounts
    people: People
    first_touch: np.ndarray  # the moment the person first engaged (HubSpot createdate)
    created: np.ndarray  # Salesforce CreatedDate
    creator: np.ndarray  # user row of CreatedById
    owner: np.ndarray  # user row owning the lead at the export
    steps: dict[str, np.ndarray]  # STEPS -> moment or ABSENT
    accept_status: np.ndarray  # status codes the lead takes at each decision
    reject_status: np.ndarray
    recycle_status: np.ndarray
    closed_status: np.ndarray
    hubspot: np.ndarray  # has a HubSpot contact
    email_only: np.ndarray  # ... without the Salesforce sync id

    @property
    def size(self) -> int:
        return self.path.size

    @property
    def sourced_by(self) -> np.ndarray:
        return np.select([self.path < SALES, self.path == SALES], [0, 1], 2).astype(np.int8)

    @property
    def mql(self) -> np.ndarray:
        return (self.path >= MQL_ACCEPTED) & (self.path <= MQL_IGNORED)

    @property
    def ever_accepted(self) -> np.ndarray:
        return np.isin(self.path, (MQL_ACCEPTED, MQL_LATE, SALES, PARTNER_ACCEPTED))

    @property
    def converted(self) -> np.ndarray:
        return self.steps["convert"] != ABSENT


def _counts(leads: int, knobs: DemoKnobs) -> list[int]:
    plan = plan_sourcing(leads, knobs)
    late = round(knobs.accepted_after_recycle_share * plan.mql_accepted)
    ignored = min(round(knobs.ignored_share * plan.mql), plan.mql - plan.mql_accepted)
    rejected = plan.mql - plan.mql_accepted - ignored
    recycled = round(knobs.recycle_share * rejected)
    unfit = round(knobs.engaged_unfit_share * (plan.marketing - plan.mql))
    return [plan.marketing - plan.mql - unfit, unfit, plan.mql_accepted - late, late,
            rejected - recycled, recycled, ignored, plan.sales, plan.partner_accepted,
            plan.partner - plan.partner_accepted]


def creation_times(rng: np.random.Generator, n: int, start: int, end: int) -> np.ndarray:
    """Sorted moments in [start, end) snapped to business hours.

    The day is uniform, the time of day centred on 13:00 UTC. Nobody is created after 20:00
    on the last day, so every journey fits before the export.
    """
    t = between(rng, np.full(n, start), np.full(n, end))
    hour = 6 + 14 * rng.beta(4, 4, n)  # bell-shaped within 06:00-20:00, no pile-up at the ends
    return np.sort(clock.day_start(t) + (hour * clock.HOUR).astype(np.int64))


def _sources(rng: np.random.Generator, path: np.ndarray) -> np.ndarray:
    n = path.size
    mql = (path >= MQL_ACCEPTED) & (path <= MQL_IGNORED)
    source = np.where(mql, choice(rng, n, MARKETING_SOURCE_WEIGHTS_MQL),
                      choice(rng, n, MARKETING_SOURCE_WEIGHTS_OTHER))
    offset_sales = len(MARKETING_SOURCES)
    offset_partner = offset_sales + len(SALES_SOURCES)
    source = np.where(path == SALES, offset_sales + choice(rng, n, SALES_SOURCE_WEIGHTS), source)
    partner = path >= PARTNER_ACCEPTED
    return np.where(partner, offset_partner + choice(rng, n, PARTNER_SOURCE_WEIGHTS),
                    source).astype(np.int16)


def _fit(rng: np.random.Generator, path: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Whether each lead's company must pass fit (1), fail it (0) or either (-1); seniority."""
    n = path.size
    u = rng.random(n)
    mql = (path >= MQL_ACCEPTED) & (path <= MQL_IGNORED)
    # An engaged lead misses fit through its company (70%) or through a junior title.
    unfit_company = (path == ENGAGED_UNFIT) & (u < 0.7)
    company = np.select(
        [mql | (path >= PARTNER_ACCEPTED) | ((path == ENGAGED_UNFIT) & ~unfit_company),
         unfit_company, (path == SALES) & (u < 0.9)],
        [1, 0, 1], -1)
    senior_share = np.select([mql, path == SALES, path >= PARTNER_ACCEPTED], [1.0, 0.85, 0.7],
                             0.55)
    senior = rng.random(n) < senior_share
    senior = np.where(path == ENGAGED_UNFIT, unfit_company & (rng.random(n) < 0.5), senior)
    return company, senior


def _pick_accounts(rng, accounts: Accounts, company_fit: np.ndarray) -> np.ndarray:
    out = pick(rng, accounts, company_fit.size, None)
    for flag in (0, 1):
        want = company_fit == flag
        out[want] = pick(rng, accounts, int(want.sum()), np.full(want.sum(), bool(flag)))
    return out


def _speed_to_lead(rng: np.random.Generator, accepted: np.ndarray, among: np.ndarray,
                   knobs: DemoKnobs) -> np.ndarray:
    """Delay from handoff to the first sales task; sales answer the leads they accept faster.

    The overall shares stay on the knobs: accepted leads get a better mix, the rest a worse
    one, weighted so the average is unchanged (HBR: fast answers qualify far more often).
    """
    share = accepted[among].mean() if among.any() else 0.0
    hour_acc = min(1.0, knobs.first_touch_within_hour + 0.15)
    day_acc = max(0.0, knobs.first_touch_after_day - 0.10)
    hour_rest = (knobs.first_touch_within_hour - share * hour_acc) / max(1e-9, 1 - share)
    day_rest = (knobs.first_touch_after_day - share * day_acc) / max(1e-9, 1 - share)
    p_hour = np.where(accepted, hour_acc, np.clip(hour_rest, 0, 1))
    p_day = np.where(accepted, day_acc, np.clip(day_rest, 0, 1 - p_hour))
    u = rng.random(accepted.size)
    n = accepted.size
    return np.select(
        [u < p_hour, u >= 1 - p_day],
        [between(rng, np.full(n, 2 * clock.MINUTE), np.full(n, clock.HOUR)),
         between(rng, np.full(n, clock.DAY), np.full(n, 10 * clock.DAY))],
        between(rng, np.full(n, clock.HOUR), np.full(n, clock.DAY)))


def _durations(rng: np.random.Generator, path: np.ndarray, knobs: DemoKnobs):
    """Seconds between consecutive milestones (0 where a milestone does not happen)."""
    n = path.size
    mql = (path >= MQL_ACCEPTED) & (path <= MQL_IGNORED)
    partner = path >= PARTNER_ACCEPTED
    accepted = np.isin(path, (MQL_ACCEPTED, MQL_LATE, SALES, PARTNER_ACCEPTED))
    qualified = accepted & (rng.random(n) < knobs.sql_rate)
    converted = qualified & (rng.random(n) < _QUALIFIED_CONVERT)
    closed = accepted & ~qualified & (rng.random(n) < 0.4)

    def span(low: float, high: float) -> np.ndarray:
        return between(rng, np.full(n, int(low)), np.full(n, int(high)))

    d = {step: np.zeros(n, dtype=np.int64) for step in STEPS}
    present = {step: np.zeros(n, dtype=bool) for step in STEPS}
    # Days from the first touch to the touch that crosses the line (log-normal, median ~12 d).
    cross = (path == ENGAGED_UNFIT) | mql
    d["cross"] = np.clip(rng.lognormal(np.log(12 * clock.DAY), 0.9, n),
                         2 * clock.HOUR, 75 * clock.DAY).astype(np.int64)
    present["cross"] = cross
    present["route"] = mql
    d["route"] = span(10, 5 * clock.MINUTE)
    touched = (mql & (path != MQL_IGNORED)) | (path == SALES) | partner
    present["task"] = touched
    d["task"] = np.where(
        mql, _speed_to_lead(rng, path == MQL_ACCEPTED, touched & mql, knobs),
        np.where(path == SALES, span(0, 2 * clock.HOUR), span(clock.HOUR, 3 * clock.DAY)))
    present["decide"] = touched
    d["decide"] = np.where(path == SALES, span(5 * clock.MINUTE, 20 * clock.HOUR),
                           span(10 * clock.MINUTE, 48 * clock.HOUR))
    present["recycle"] = np.isin(path, (MQL_LATE, MQL_RECYCLED))
    d["recycle"] = span(3 * clock.DAY, 45 * clock.DAY)
    present["reaccept"] = path == MQL_LATE
    d["reaccept"] = span(14 * clock.DAY, 120 * clock.DAY)
    present["qualify"] = qualified
    d["qualify"] = span(clock.DAY, 30 * clock.DAY)
    present["convert"] = converted
    d["convert"] = span(clock.HOUR, 14 * clock.DAY)
    present["close"] = closed
    d["close"] = span(5 * clock.DAY, 60 * clock.DAY)
    return {s: np.where(present[s], d[s], 0) for s in STEPS}, present


def timeline(rng: np.random.Generator, path: np.ndarray, start: np.ndarray,
             knobs: DemoKnobs) -> dict[str, np.ndarray]:
    """Moments of each milestone; journeys that would run past the export are compressed.

    Compressing (rather than cutting) keeps every designed outcome visible in the export, so
    exact outcome counts survive for leads created in the last weeks of the window.
    """
    d, present = _durations(rng, path, knobs)
    matrix = np.stack([d[s] for s in STEPS], axis=1).astype(np.float64)
    budget = (clock.EXPORT_AT - clock.EXPORT_MARGIN - start).astype(np.float64)
    total = matrix.sum(axis=1)
    factor = np.minimum(1.0, budget / np.maximum(total, 1.0))
    matrix = np.floor(matrix * factor[:, None]).astype(np.int64)
    # Touches before the crossing touch need room: at least an hour after the first touch.
    matrix[:, 0] = np.where(present["cross"], np.maximum(matrix[:, 0], clock.HOUR), 0)
    moments = start[:, None] + np.cumsum(matrix, axis=1)
    return {s: np.where(present[s], moments[:, i], ABSENT) for i, s in enumerate(STEPS)}


def make_leads(rng: np.random.Generator, spec: ChunkSpec, knobs: DemoKnobs, accounts: Accounts,
               users: Users, ids: IdAllocator) -> Leads:
    path = exact_codes(rng, _counts(spec.leads, knobs))
    n = path.size
    first_touch = creation_times(rng, n, spec.start, spec.end)
    marketing = path < SALES
    # A marketing lead reaches Salesforce through the HubSpot sync minutes after the touch.
    created = first_touch + np.where(marketing, rng.integers(30, 600, n), 0)
    source = _sources(rng, path)
    company_fit, senior = _fit(rng, path)
    account = _pick_accounts(rng, accounts, company_fit)
    people = make_people(rng, ids.numbers("person", n), accounts.domain.take(pa.array(account)),
                         senior, accounts.russian_share(account),
                         free_mail_share=np.where(path == NURTURE, 0.15, 0.0))
    steps = timeline(rng, path, first_touch, knobs)

    sdr = rng.choice(users.sdr, n)
    ae = rng.choice(users.ae, n)
    ae_referral = source == len(MARKETING_SOURCES) + SALES_SOURCES.index("AE Referral")
    sales_owner = np.where(ae_referral, ae, sdr)
    partner_manager = rng.choice(users.partner, n)
    creator = np.select([marketing, path == SALES], [users.automation, sales_owner],
                        partner_manager)
    owner = np.select(
        [(path >= MQL_ACCEPTED) & (path <= MQL_IGNORED), path == SALES, path == PARTNER_ACCEPTED,
         path == PARTNER_REJECTED],
        [sdr, sales_owner, ae, partner_manager], users.automation)
    email_only = exact_subset(rng, marketing, knobs.email_only_match_share)
    return Leads(
        ids=ids.take("00Q", n),
        path=path,
        source=source,
        account=account,
        people=people,
        first_touch=first_touch,
        created=created,
        creator=creator,
        owner=owner,
        steps=steps,
        accept_status=np.where(rng.random(n) < 0.7, WORKING, ACCEPTED).astype(np.int8),
        reject_status=np.array(REJECTIONS, dtype=np.int8)[choice(rng, n, REJECTION_WEIGHTS)],
        recycle_status=np.array(RECYCLES, dtype=np.int8)[rng.integers(0, 2, n)],
        closed_status=np.array(CLOSED_AFTER_WORK, dtype=np.int8)[rng.integers(0, 2, n)],
        hubspot=marketing,
        email_only=email_only,
    )
