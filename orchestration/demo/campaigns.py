"""Programs marketing pays for: Salesforce campaigns, HubSpot e-mails and paid ads.

The catalogues are fixed by calendar month, so every chunk of leads finds the webinar, event or
e-mail of the month its touch falls in without any shared state.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyarrow as pa

from orchestration.demo import clock
from orchestration.demo.arrays import IdAllocator, join, numbers, strings
from orchestration.demo.contract import (
    CONTENT_TYPE,
    EVENT_TYPES,
    MARKETING_SOURCE_WEIGHTS_MQL,
    MARKETING_SOURCE_WEIGHTS_OTHER,
    MARKETING_SOURCES,
    PARTNER_TYPE,
    QUIET_TYPES,
    WEBINAR_TYPE,
)

MONTHS = clock.WINDOW_MONTHS
_WEBINAR_TOPICS = ("Lead scoring that sales trusts", "The SLA between marketing and sales",
                   "Buying groups, not leads", "Attribution without the fights",
                   "Nurture that converts", "Pipeline reviews for marketers")
_EVENTS = ("SaaStr Europa", "B2B Marketing Expo", "Revenue Summit", "Dreamforce",
           "Tech Week Moscow", "Web Summit")


@dataclass(frozen=True)
class Campaigns:
    table: pa.Table  # the Salesforce Campaign export
    ids: pa.Array
    webinar: int  # row of the first monthly webinar; + month index
    event: int
    content: int  # quarterly; + month index // 3
    partner: int


def _month_names() -> list[str]:
    return [str(np.datetime64("2024-11", "M") + m) for m in range(MONTHS)]


def make_campaigns(rng: np.random.Generator, leads: int, ids: IdAllocator) -> Campaigns:
    # Program costs scale with lead volume so that cost per lead stays plausible at any N.
    scale = leads / 100_000
    months = _month_names()
    starts = np.array([clock.month_start(m) for m in range(MONTHS + 1)])
    names, types, start, end, cost = [], [], [], [], []

    def add(name: str, type_: str, first: int, last: int, low: float, high: float) -> None:
        names.append(name)
        types.append(type_)
        start.append(starts[first])
        end.append(starts[last + 1] - clock.DAY)
        cost.append(round(rng.uniform(low, high) * scale, 2))

    for m, month in enumerate(months):
        add(f"Webinar {month}: {_WEBINAR_TOPICS[m % len(_WEBINAR_TOPICS)]}", WEBINAR_TYPE,
            m, m, 3_000, 9_000)
    for m, month in enumerate(months):
        add(f"{_EVENTS[m % len(_EVENTS)]} {month}", EVENT_TYPES[m % len(EVENT_TYPES)],
            m, m, 15_000, 60_000)
    for q in range(MONTHS // 3):
        add(f"Content syndication {months[3 * q]} quarter", CONTENT_TYPE,
            3 * q, 3 * q + 2, 8_000, 25_000)
    add("Partner referral program", PARTNER_TYPE, 0, MONTHS - 1, 20_000, 40_000)
    for h in range(MONTHS // 6):
        for type_ in QUIET_TYPES:
            add(f"{type_} {months[6 * h]} half-year", type_, 6 * h, 6 * h + 5, 2_000, 12_000)

    n = len(names)
    start_s, end_s = np.array(start), np.array(end)
    campaign_ids = ids.take("701", n)
    table = pa.table({
        "Id": campaign_ids,
        "Name": pa.array(names),
        "Type": pa.array(types),
        "Status": pa.array(np.where(end_s < clock.EXPORT_AT - clock.DAY, "Completed",
                                    "In Progress")),
        "StartDate": clock.dates(start_s),
        "EndDate": clock.dates(end_s),
        "ActualCost": pa.array(cost, type=pa.float64()),
        "CurrencyIsoCode": pa.array(["USD"] * n),
        "IsActive": pa.array(end_s >= clock.EXPORT_AT - clock.DAY),
        "CreatedDate": clock.salesforce(start_s - 30 * clock.DAY),
        "LastModifiedDate": clock.salesforce(np.minimum(end_s + 2 * clock.DAY,
                                                        clock.EXPORT_AT - clock.HOUR)),
    })
    return Campaigns(table=table, ids=campaign_ids, webinar=0, event=MONTHS,
                     content=2 * MONTHS, partner=2 * MONTHS + MONTHS // 3)


def in_month(first_row: int, seconds: np.ndarray, per: int = 1) -> np.ndarray:
    """Row of the campaign (monthly, or every `per` months) running at each moment."""
    month = np.clip(clock.month_index(seconds), 0, MONTHS - 1)
    return first_row + month // per


# --- HubSpot marketing e-mails: three sends a month -------------------------------------------
_EMAIL_KINDS = ("Newsletter", "Nurture: aligned funnel", "Product update")
EMAILS_PER_MONTH = len(_EMAIL_KINDS)
EMAIL_CAMPAIGN_BASE = 310_000_000


def email_campaigns() -> pa.Table:
    months = _month_names()
    ids = [EMAIL_CAMPAIGN_BASE + m * EMAILS_PER_MONTH + k
           for m in range(MONTHS) for k in range(EMAILS_PER_MONTH)]
    names = [f"{kind} {month}" for month in months for kind in _EMAIL_KINDS]
    return pa.table({
        "id": pa.array([str(i) for i in ids]),
        "name": pa.array(names),
        "type": pa.array(["BATCH_EMAIL"] * len(ids)),
        "subject": pa.array([f"{name} | Northwind Revenue" for name in names]),
    })


def email_campaign_ids(rng: np.random.Generator, seconds: np.ndarray) -> np.ndarray:
    month = np.clip(clock.month_index(seconds), 0, MONTHS - 1)
    return EMAIL_CAMPAIGN_BASE + month * EMAILS_PER_MONTH + rng.integers(0, 3, seconds.size)


def email_utm_campaigns(seconds: np.ndarray) -> pa.Array:
    month = np.clip(clock.month_index(seconds), 0, MONTHS - 1)
    return join("newsletter-", strings(_month_names(), month))


# --- Paid ads -----------------------------------------------------------------------------------
@dataclass(frozen=True)
class Platform:
    name: str  # folder under landing/ads/
    utm_source: str
    utm_medium: str
    currency: str
    cost_per_lead: float
    cpm: float
    ctr: float
    # (name, utm_campaign, first month, last month); the first one always runs.
    campaigns: tuple[tuple[str, str, int, int], ...]


PLATFORMS = (
    Platform("google_ads", "google", "cpc", "USD", 180.0, 14.0, 0.035, (
        ("Brand Search", "gads_brand_search", 0, MONTHS - 1),
        ("Generic - Revenue Alignment", "gads_generic_alignment", 0, MONTHS - 1),
        ("Competitor Terms", "gads_competitor", 6, MONTHS - 1),
        ("Display Retargeting", "gads_display_retargeting", 0, 11),
    )),
    Platform("linkedin_ads", "linkedin", "paid_social", "USD", 320.0, 38.0, 0.006, (
        ("ABM - Finance Leaders", "li_abm_finance", 0, MONTHS - 1),
        ("Lead Gen Form - Ebook", "li_leadgen_ebook", 3, 20),
        ("Webinar Promotion", "li_webinar_promo", 0, MONTHS - 1),
    )),
    Platform("meta_ads", "facebook", "paid_social", "EUR", 110.0, 9.0, 0.011, (
        ("Retargeting - Site Visitors", "meta_retargeting", 0, MONTHS - 1),
        ("Lookalike - Ebook", "meta_lookalike_ebook", 8, MONTHS - 1),
    )),
)
GOOGLE, LINKEDIN, META = 0, 1, 2
# Paid Social leads split between LinkedIn and Meta.
LINKEDIN_SHARE_OF_SOCIAL = 0.7
_AD_CAMPAIGN_BASE = (7_310_000_000, 512_300_000, 238_500_000_000)


def _active(platform: Platform) -> np.ndarray:
    """Boolean matrix: month x campaign."""
    month = np.arange(MONTHS)[:, None]
    first = np.array([c[2] for c in platform.campaigns])
    last = np.array([c[3] for c in platform.campaigns])
    return (month >= first) & (month <= last)


def ad_utm_campaigns(rng: np.random.Generator, platform: int,
                     seconds: np.ndarray) -> pa.Array:
    """utm_campaign of an ad on `platform` that was running at each moment."""
    spec = PLATFORMS[platform]
    cumulative = _active(spec).cumsum(axis=1)
    month = np.clip(clock.month_index(seconds), 0, MONTHS - 1)
    running = cumulative[month, -1]
    pick = (rng.random(seconds.size) * running).astype(np.int64)
    campaign = (cumulative[month] > pick[:, None]).argmax(axis=1)
    return strings([c[1] for c in spec.campaigns], campaign)


def expected_paid_leads(marketing_leads: int, mql_rate: float) -> np.ndarray:
    """Paid leads per platform the budget is planned for (expected, not counted)."""
    weights = zip(MARKETING_SOURCES, MARKETING_SOURCE_WEIGHTS_MQL,
                  MARKETING_SOURCE_WEIGHTS_OTHER, strict=True)
    share = {s: mql_rate * a + (1 - mql_rate) * b for s, a, b in weights}
    search = marketing_leads * share["Paid Search"] / sum(share.values())
    social = marketing_leads * share["Paid Social"] / sum(share.values())
    return np.array([search, social * LINKEDIN_SHARE_OF_SOCIAL,
                     social * (1 - LINKEDIN_SHARE_OF_SOCIAL)])


def ad_spend(rng: np.random.Generator, paid_leads: np.ndarray) -> dict[str, pa.Table]:
    """Daily rows per running campaign: spend, impressions and clicks."""
    days = np.arange(clock.WINDOW_START, clock.EXPORT_AT, clock.DAY)
    month = clock.month_index(days)
    weekend = ((days // clock.DAY + 3) % 7) >= 5  # 1970-01-01 was a Thursday
    out: dict[str, pa.Table] = {}
    for p, spec in enumerate(PLATFORMS):
        active = _active(spec)[month]  # day x campaign
        day_i, camp_i = np.nonzero(active)
        budget = paid_leads[p] * spec.cost_per_lead / max(1, day_i.size)
        spend = budget * np.where(weekend[day_i], 0.6, 1.15) * rng.lognormal(0, 0.25, day_i.size)
        spend = np.round(spend, 2)
        impressions = np.maximum(0, spend / spec.cpm * 1000 * rng.lognormal(0, 0.2, day_i.size))
        impressions = impressions.astype(np.int64)
        clicks = rng.binomial(impressions, spec.ctr)
        out[spec.name] = pa.table({
            "date": pa.array(days[day_i].astype("datetime64[s]").astype("datetime64[D]")),
            "campaign_id": numbers(_AD_CAMPAIGN_BASE[p] + camp_i),
            "campaign_name": strings([c[0] for c in spec.campaigns], camp_i),
            "utm_campaign": strings([c[1] for c in spec.campaigns], camp_i),
            "spend": pa.array(spend),
            "currency": pa.array([spec.currency] * day_i.size),
            "impressions": pa.array(impressions),
            "clicks": pa.array(clicks.astype(np.int64)),
        })
    return out
