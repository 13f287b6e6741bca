"""Marketing touches: HubSpot form submissions and e-mail events, Salesforce campaign responses.

The points of each person's touches are designed, not sampled after the fact, against the
contract in seeds/lead_definitions.toml:

- a person meant to cross the MQL line collects fewer than 50 points before one *form
  submission* (a demo request, 40, or a generic form, 10) that lifts the sum to 50 or more,
  all within 75 days, so the 90-day window holds every point and the crossing moment is exact;
- everybody else stays at 35 points or fewer for life.

The crossing touch is always a timestamped form, never a campaign response (whose
FirstRespondedDate has no time of day), so the MQL moment does not depend on how a reader
places a date within its day.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyarrow as pa

from orchestration.demo import campaigns as cat
from orchestration.demo import clock
from orchestration.demo.arrays import (
    ABSENT,
    IdAllocator,
    between,
    choice,
    expand,
    join,
    numbers,
    scatter,
    strings,
)
from orchestration.demo.campaigns import Campaigns
from orchestration.demo.contract import (
    DEMO_FORMS,
    FORM_NAMES,
    FORM_PAGES,
    GENERIC_FORMS,
    LEAD_SOURCES,
    POINTS,
    SITE,
    WEBINAR_FORM,
)

# What a person is designed to do.
NURTURE_PLAN, CROSS_PLAN, INQUIRY_PLAN = 0, 1, 2
# How a marketing lead first engaged, by lead source.
NO_TOUCH, FORM_TOUCH, EVENT_TOUCH, CONTENT_TOUCH = 0, 1, 2, 3
_FIRST_TOUCH_OF = {"Trade Show": EVENT_TOUCH, "Content Syndication": CONTENT_TOUCH,
                   "Phone Inquiry": NO_TOUCH, "Purchased List": NO_TOUCH}
_FIRST_TOUCH = np.array([_FIRST_TOUCH_OF.get(s, FORM_TOUCH) for s in LEAD_SOURCES])
_FIRST_POINTS = np.array([0, POINTS["form_submission"], POINTS["event_attended"],
                          POINTS["content_download"]])
_WEBINAR = POINTS["webinar_attended"]
_OPEN, _CLICK = POINTS["email_open"], POINTS["email_click"]
_CLICKED_EMAIL = _OPEN + _CLICK  # a click comes with its open
_NURTURE_CAP = 35
_NURTURE_DAYS = 80
_WEBINAR_SOURCE = LEAD_SOURCES.index("Webinar")
_EMAIL_SOURCE = LEAD_SOURCES.index("Email")
_PAID_SEARCH = LEAD_SOURCES.index("Paid Search")
_PAID_SOCIAL = LEAD_SOURCES.index("Paid Social")

FORMS = DEMO_FORMS + GENERIC_FORMS + (WEBINAR_FORM,)
_FORM_ROW = {f: i for i, f in enumerate(FORMS)}
# Member statuses: (status, responded)
MEMBER_STATUSES = (("Attended", True), ("Visited Booth", True), ("Downloaded", True),
                   ("Referred", True), ("Registered", False))
ATTENDED, VISITED, DOWNLOADED, REFERRED, REGISTERED = range(len(MEMBER_STATUSES))
EMAIL_TYPES = ("SENT", "DELIVERED", "BOUNCE", "OPEN", "CLICK")


@dataclass(frozen=True)
class Audience:
    """People marketing reaches: marketing leads' contacts and HubSpot-only contacts."""

    contact_id: pa.Array
    email: pa.Array  # as stored on the HubSpot contact
    lead_row: np.ndarray  # row in Leads; ABSENT for HubSpot-only contacts
    plan: np.ndarray
    source: np.ndarray  # index into LEAD_SOURCES
    first_touch: np.ndarray
    created: np.ndarray  # when activities can start (the lead or contact exists)
    cross: np.ndarray  # the designed crossing moment, ABSENT unless CROSS_PLAN

    @property
    def size(self) -> int:
        return self.plan.size


@dataclass(frozen=True)
class Members:
    """Salesforce campaign members, one row per lead and campaign touch."""

    lead_row: np.ndarray
    campaign: np.ndarray  # row in Campaigns
    status: np.ndarray  # index into MEMBER_STATUSES
    responded_at: np.ndarray  # ABSENT when not responded
    created: np.ndarray


@dataclass(frozen=True)
class Engagement:
    form_submissions: pa.Table
    email_events: pa.Table
    members: Members  # of the audience's leads
    points: np.ndarray  # per audience row, all touches ever
    last_touch: np.ndarray  # per audience row


def _plan_points(rng: np.random.Generator, audience: Audience):
    """First-touch kind, webinar attendance, crossing form and e-mail points per person."""
    n = audience.size
    first = np.where(audience.plan == INQUIRY_PLAN, FORM_TOUCH, _FIRST_TOUCH[audience.source])
    base = _FIRST_POINTS[first]
    crossing = audience.plan == CROSS_PLAN
    # A generic form can only cross the line after a first touch worth 10 or more.
    generic = crossing & (base >= 10) & (rng.random(n) < 0.2)
    demo = crossing & ~generic
    webinar_source = audience.source == _WEBINAR_SOURCE
    webinar = np.select(
        [generic, demo, audience.plan == NURTURE_PLAN],
        [True, webinar_source | (rng.random(n) < 0.5),
         (base <= 10) & (rng.random(n) < np.where(webinar_source, 0.6, 0.15))],
        False)
    before = base + _WEBINAR * webinar
    # E-mail points: within [low, high] per person, made of clicked mails (open + click, 6
    # points each) and mails only opened (1 point each).
    threshold_gap = np.where(demo, 10, 40)  # points still needed for 50 with 40 or 10 more
    low = np.where(crossing, np.maximum(0, threshold_gap - before), 0)
    high = np.select([crossing, audience.plan == NURTURE_PLAN],
                     [np.minimum(19, 49 - before), np.minimum(15, _NURTURE_CAP - before)], 5)
    fewest = -(-low // _CLICKED_EMAIL)
    clicked = fewest + rng.binomial(high // _CLICKED_EMAIL - fewest, 0.3)
    opened = np.clip(rng.poisson(0.8, n), low - _CLICKED_EMAIL * clicked,
                     np.minimum(3, high - _CLICKED_EMAIL * clicked))
    cross_form = np.where(demo, choice(rng, n, (0.7, 0.15, 0.15)),
                          len(DEMO_FORMS) + choice(rng, n, (0.45, 0.3, 0.0, 0.25)))
    cross_points = np.where(crossing, np.where(demo, POINTS["demo_request"],
                                               POINTS["form_submission"]), 0)
    points = before + _CLICKED_EMAIL * clicked + opened + cross_points
    return first, webinar, clicked, opened, cross_form, points


def _page_urls(rng: np.random.Generator, form: np.ndarray, source: np.ndarray,
               at: np.ndarray) -> pa.Array:
    """Landing page of each form, with the UTM tags of the channel that brought the visit."""
    n = form.size
    query = pa.array(np.full(n, ""), type=pa.string())
    paid = np.flatnonzero(np.isin(source, (_PAID_SEARCH, _PAID_SOCIAL)))
    social = rng.random(paid.size) < cat.LINKEDIN_SHARE_OF_SOCIAL
    platform = np.where(source[paid] == _PAID_SEARCH, cat.GOOGLE,
                        np.where(social, cat.LINKEDIN, cat.META))
    for p, spec in enumerate(cat.PLATFORMS):
        rows = paid[platform == p]
        tags = join(f"?utm_source={spec.utm_source}&utm_medium={spec.utm_medium}&utm_campaign=",
                    cat.ad_utm_campaigns(rng, p, at[rows]))
        query = scatter(query, rows, tags)
    mail = np.flatnonzero(source == _EMAIL_SOURCE)
    query = scatter(query, mail, join("?utm_source=hubspot&utm_medium=email&utm_campaign=",
                                      cat.email_utm_campaigns(at[mail])))
    return join(SITE, strings([FORM_PAGES[f] for f in FORMS], form), query)


def _forms(rng, audience: Audience, first: np.ndarray, cross_form: np.ndarray,
           ids: IdAllocator) -> pa.Table:
    n = audience.size
    creation = first == FORM_TOUCH
    creation_form = np.select(
        [audience.source == _WEBINAR_SOURCE, audience.source == _EMAIL_SOURCE],
        [_FORM_ROW[WEBINAR_FORM], _FORM_ROW["newsletter"]],
        len(DEMO_FORMS) + choice(rng, n, (0.4, 0.25, 0.2, 0.15)))
    crossing = audience.plan == CROSS_PLAN
    # Later forms come from e-mail links (40%) or straight to the site.
    cross_source = np.where(rng.random(n) < 0.4, _EMAIL_SOURCE, LEAD_SOURCES.index("Web"))
    rows = np.concatenate([np.flatnonzero(creation), np.flatnonzero(crossing)])
    form = np.concatenate([creation_form[creation], cross_form[crossing]])
    at = np.concatenate([audience.first_touch[creation], audience.cross[crossing]])
    source = np.concatenate([audience.source[creation], cross_source[crossing]])
    order = np.argsort(at, kind="stable")
    rows, form, at, source = rows[order], form[order], at[order], source[order]
    return pa.table({
        "contact_id": audience.contact_id.take(pa.array(rows)),
        "submitted_at": clock.iso_utc(at),
        "form_id": strings(FORMS, form),
        "form_name": strings([FORM_NAMES[f] for f in FORMS], form),
        "page_url": _page_urls(rng, form, source, at),
        "conversion_id": join("conv-", numbers(ids.numbers("conversion", rows.size))),
    })


def _emails(rng, audience: Audience, clicked: np.ndarray, opened: np.ndarray,
            ids: IdAllocator):
    """HubSpot e-mail events; only opens and clicks before the crossing carry points."""
    n = audience.size
    unopened = rng.poisson(0.4, n)
    bounced = (rng.random(n) < 0.03).astype(np.int64)
    crossing = audience.plan == CROSS_PLAN
    pre_end = np.where(crossing, audience.cross,
                       np.minimum(audience.created + _NURTURE_DAYS * clock.DAY,
                                  clock.EXPORT_AT - clock.EXPORT_MARGIN))
    post_end = np.minimum(audience.cross + 120 * clock.DAY, clock.EXPORT_AT - clock.EXPORT_MARGIN)
    # After the handoff marketing keeps mailing; those mails go unopened (no more points).
    post = np.where(crossing & (post_end - audience.cross > 10 * clock.MINUTE),
                    rng.poisson(0.4, n), 0)
    counts = clicked + opened + unopened + bounced + post
    parent, rank = expand(counts)
    bounds = np.cumsum(np.stack([clicked, opened, unopened, bounced], axis=1), axis=1)[parent]
    kind = (rank[:, None] >= bounds).sum(axis=1)  # 0 click, 1 open, 2 unopened, 3 bounce, 4 post
    low = np.where(kind == 4, audience.cross[parent], audience.created[parent])
    high = np.where(kind == 4, post_end[parent], pre_end[parent])
    sent = between(rng, low, high - 2)
    m = parent.size
    opened_at = sent + np.minimum(rng.exponential(3 * clock.HOUR, m), high - sent - 2)
    opened_at = opened_at.astype(np.int64)
    clicked_at = opened_at + np.minimum(rng.exponential(90, m), high - opened_at - 1)
    clicked_at = clicked_at.astype(np.int64)
    delivered = sent + rng.integers(1, 30, m)
    campaign = cat.email_campaign_ids(rng, sent)

    parts = [(np.ones(m, bool), 0, sent), (kind != 3, 1, delivered), (kind == 3, 2, delivered),
             (kind <= 1, 3, opened_at), (kind == 0, 4, clicked_at)]
    who = np.concatenate([parent[mask] for mask, _, _ in parts])
    at = np.concatenate([t[mask] for mask, _, t in parts])
    type_ = np.concatenate([np.full(mask.sum(), code) for mask, code, _ in parts])
    email_campaign = np.concatenate([campaign[mask] for mask, _, _ in parts])
    order = np.lexsort((type_, at))
    who, at, type_, email_campaign = who[order], at[order], type_[order], email_campaign[order]
    table = pa.table({
        "id": join("ev-", numbers(ids.numbers("email_event", who.size))),
        "type": strings(EMAIL_TYPES, type_),
        "recipient": audience.email.take(pa.array(who)),
        "created": clock.iso_utc(at),
        "email_campaign_id": numbers(email_campaign),
    })
    last = np.full(n, ABSENT, dtype=np.int64)
    np.maximum.at(last, who, at)
    return table, last


def _members(rng, audience: Audience, campaigns: Campaigns, first: np.ndarray,
             webinar: np.ndarray) -> Members:
    is_lead = audience.lead_row != ABSENT
    n = audience.size
    event = is_lead & (first == EVENT_TOUCH)
    content = is_lead & (first == CONTENT_TOUCH)
    attended = is_lead & webinar
    # Registered for a webinar but never showed up: a member, but not a response.
    registered = is_lead & (rng.random(n) < 0.1)
    crossing = audience.plan == CROSS_PLAN
    end = np.where(crossing, audience.cross,
                   np.minimum(audience.created + 60 * clock.DAY,
                              clock.EXPORT_AT - clock.EXPORT_MARGIN))
    attended_at = between(rng, audience.created, end)
    registered_at = between(rng, audience.created,
                            np.minimum(audience.created + 180 * clock.DAY,
                                       clock.EXPORT_AT - clock.EXPORT_MARGIN))
    sign_up = np.maximum(audience.created, attended_at - rng.integers(1, 10, n) * clock.DAY)
    groups = [
        (event, cat.in_month(campaigns.event, audience.first_touch),
         np.where(rng.random(n) < 0.5, ATTENDED, VISITED), audience.first_touch,
         audience.created),
        (content, cat.in_month(campaigns.content, audience.first_touch, per=3),
         np.full(n, DOWNLOADED), audience.first_touch, audience.created),
        (attended, cat.in_month(campaigns.webinar, attended_at), np.full(n, ATTENDED),
         attended_at, sign_up),
        (registered, cat.in_month(campaigns.webinar, registered_at), np.full(n, REGISTERED),
         np.full(n, ABSENT), registered_at),
    ]
    return Members(
        lead_row=np.concatenate([audience.lead_row[g[0]] for g in groups]),
        campaign=np.concatenate([g[1][g[0]] for g in groups]),
        status=np.concatenate([g[2][g[0]] for g in groups]),
        responded_at=np.concatenate([g[3][g[0]] for g in groups]),
        created=np.concatenate([g[4][g[0]] for g in groups]),
    )


def engage(rng: np.random.Generator, audience: Audience, campaigns: Campaigns,
           ids: IdAllocator) -> Engagement:
    first, webinar, clicked, opened, cross_form, points = _plan_points(rng, audience)
    forms = _forms(rng, audience, first, cross_form, ids)
    emails, last_email = _emails(rng, audience, clicked, opened, ids)
    members = _members(rng, audience, campaigns, first, webinar)
    last_touch = np.maximum.reduce([audience.first_touch, last_email,
                                    np.where(audience.plan == CROSS_PLAN, audience.cross, ABSENT)])
    return Engagement(forms, emails, members, points, last_touch)


def partner_members(rows: np.ndarray, created: np.ndarray, campaigns: Campaigns) -> Members:
    """Partner referrals arrive as responses to the partner program campaign (20 points)."""
    n = rows.size
    return Members(lead_row=rows, campaign=np.full(n, campaigns.partner),
                   status=np.full(n, REFERRED), responded_at=created, created=created)


def combine(*parts: Members) -> Members:
    return Members(*(np.concatenate([getattr(p, f) for p in parts])
                     for f in ("lead_row", "campaign", "status", "responded_at", "created")))
