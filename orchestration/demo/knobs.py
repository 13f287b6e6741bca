"""The knobs of the demo company and the lead counts they imply."""

from __future__ import annotations

from dataclasses import asdict, dataclass


@dataclass(frozen=True)
class DemoKnobs:
    """Shape of the synthetic company. Defaults follow the article and public benchmarks."""

    # Share of handed-over (MQL) marketing leads that sales ever accept (article: 23%).
    acceptance_rate: float = 0.23
    # Share of all sales-accepted leads that sales sourced themselves (article: 56%).
    sales_sourced_share: float = 0.56
    # Share of marketing leads that reach the MQL line of seeds/lead_definitions.toml.
    mql_rate: float = 0.30
    # Share of all leads referred by partners, and the share of those sales accept.
    partner_share: float = 0.05
    partner_acceptance_rate: float = 0.60
    # Among MQLs: share that sales never touch (no task, status never changes).
    ignored_share: float = 0.10
    # Among rejected MQLs: share sent back to nurture ("Recycled" / "Nurture").
    recycle_share: float = 0.40
    # Among accepted MQLs: share accepted only after rejected -> recycled -> accepted.
    accepted_after_recycle_share: float = 0.15
    # Among non-MQL marketing leads: share with MQL-level points whose fit fails.
    engaged_unfit_share: float = 0.10
    # Share of accepted leads that sales qualify; 9 in 10 of those convert to an opportunity.
    sql_rate: float = 0.45
    # Share of closed opportunities that are won.
    win_rate: float = 0.25
    # HubSpot contacts never synced to Salesforce, as a share of marketing leads.
    hubspot_only_share: float = 0.30
    # Marketing leads whose HubSpot contact lacks the sync id (match by email only).
    email_only_match_share: float = 0.08
    # Leads repeated in a later re-export with a newer LastModifiedDate.
    reexport_share: float = 0.05
    # Speed to lead (HBR 2011): first sales touch within an hour / after a day.
    first_touch_within_hour: float = 0.37
    first_touch_after_day: float = 0.24
    # Leads per generated chunk; bounds memory. Part of the output's identity (file names).
    chunk_leads: int = 200_000

    def __post_init__(self) -> None:
        for name, value in asdict(self).items():
            if name != "chunk_leads" and not 0.0 <= value <= 1.0:
                raise ValueError(f"{name} must be within [0, 1], got {value}")
        if self.sales_sourced_share >= 1.0:
            raise ValueError("sales_sourced_share must be below 1")
        if self.acceptance_rate + self.ignored_share > 1.0:
            raise ValueError("acceptance_rate + ignored_share must not exceed 1")
        if self.first_touch_within_hour + self.first_touch_after_day > 1.0:
            raise ValueError("first_touch_within_hour + first_touch_after_day exceed 1")
        if self.chunk_leads < 100:
            raise ValueError("chunk_leads must be at least 100")


@dataclass(frozen=True)
class SourcingPlan:
    """Exact lead counts of one chunk, by sourcing and by handoff outcome."""

    marketing: int
    sales: int
    partner: int
    mql: int
    mql_accepted: int
    partner_accepted: int

    @property
    def total(self) -> int:
        return self.marketing + self.sales + self.partner


def plan_sourcing(leads: int, knobs: DemoKnobs) -> SourcingPlan:
    """Split `leads` so that the observed sales-sourced share lands on the knob.

    Sales-sourced leads are all accepted at once, so with k = share / (1 - share):
    sales = k * (accepted marketing MQLs + accepted partner leads), where accepted MQLs =
    acceptance_rate * mql_rate * marketing. Solving marketing + sales = leads - partner gives
    marketing = (leads - partner - k * partner_accepted) / (1 + k * acceptance_rate * mql_rate).
    """
    partner = round(knobs.partner_share * leads)
    partner_accepted = round(knobs.partner_acceptance_rate * partner)
    k = knobs.sales_sourced_share / (1.0 - knobs.sales_sourced_share)
    rest = leads - partner
    marketing = (rest - k * partner_accepted) / (1.0 + k * knobs.acceptance_rate * knobs.mql_rate)
    marketing = min(rest, max(0, round(marketing)))
    mql = round(knobs.mql_rate * marketing)
    return SourcingPlan(
        marketing=marketing,
        sales=rest - marketing,
        partner=partner,
        mql=mql,
        mql_accepted=round(knobs.acceptance_rate * mql),
        partner_accepted=partner_accepted,
    )
