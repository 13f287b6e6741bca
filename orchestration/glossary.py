"""docs/definitions.md, generated from the contract and the mapping seeds so it cannot drift."""

from __future__ import annotations

import csv
from pathlib import Path

from orchestration.contract import COMMITMENTS, FIT_LISTS, DefinitionVersion, load_contract
from orchestration.home import CONTRACT_FILE, PROJECT_ROOT, SEEDS_DIR

GLOSSARY_FILE = PROJECT_ROOT / "docs" / "definitions.md"

STAGES = """\
| stage | meaning | where it comes from |
|---|---|---|
| Inquiry | a person gave contact details | a Salesforce lead, or a HubSpot contact synced to none |
| MQL | marketing qualified lead: passes every fit criterion and its touch points reach the threshold | computed by the warehouse from the contract below |
| SAL | sales accepted lead: sales took the handoff and is working it | first Lead Status change to a status mapped to `accepted` (or later) |
| Rejected | sales turned the handoff down, with a reason code | first Lead Status change to a status mapped to `rejected` |
| Recycled | sent back to marketing for nurture | Lead Status mapped to `recycled` |
| SQL | sales qualified lead: a real buying need | first of: status mapped to `qualified`/`converted`, conversion, opportunity creation |
| Opportunity / Won / Lost | the deal | the converted opportunity, its close date and IsWon |
"""

# (seed file, title, why it matters) in the order a reader needs them.
MAPPINGS = (
    ("lead_status_map.csv", "Lead Status → funnel stage and rejection reason",
     "Which Salesforce Lead Status means accepted, rejected (and why), recycled, qualified."),
    ("opportunity_stage_map.csv", "Opportunity stage → category",
     "StageName values, their order, and which ones mean won or lost."),
    ("lifecycle_stage_map.csv", "HubSpot lifecycle stage → funnel stage",
     "How HubSpot's own stages compare with the contract's (definition drift)."),
    ("source_channel_map.csv", "Lead source → channel and sourcing",
     "Who sourced a lead: marketing, sales or partner; unmapped values count as unknown."),
    ("owner_team_map.csv", "Department → team", "Sales users are the sdr and ae teams."),
    ("form_touch_map.csv", "Form → touch type",
     "Forms not listed are `form_submission` touches."),
    ("campaign_touch_map.csv", "Salesforce campaign type → touch type",
     "A campaign member who responded is a touch of this type."),
    ("title_seniority_map.csv", "Job title keyword → seniority",
     "Whole-word match; the lowest priority number wins; no match is `individual`."),
)


def _table(header: list[str], rows: list[list[str]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(cell or "—" for cell in row) + " |" for row in rows]
    return "\n".join(lines) + "\n"


def _listed(values: tuple[str, ...], empty: str = "any") -> str:
    return ", ".join(values) if values else empty


def _version_section(version: DefinitionVersion, end: str) -> str:
    low, high = version.min_employees, version.max_employees
    employees = (f"{low if low is not None else 0} to {high}" if high is not None
                 else f"at least {low}" if low is not None else "any")
    labels = {"industry_excluded": "industry is none of", "country": "country is one of",
              "seniority": "title seniority is one of"}
    fit = [["employees", employees]] + [
        [labels[name], _listed(version.lists[name])] for name in FIT_LISTS.values()]
    points = [[touch, f"{p:g}"] for touch, p in sorted(version.points.items(),
                                                       key=lambda item: (-item[1], item[0]))]
    days = version.days
    intent = version.lists["srl_intent_touch_type"]
    rules = [
        ["MQL", f"passes every fit criterion, and the points of its touches in the "
                f"{version.scoring_window_days} days up to a touch reach "
                f"{version.mql_threshold:g}; that touch is the MQL moment"],
        ["Sales-ready lead (SRL), the handoff",
         f"an MQL whose points reach {version.srl_min_score:g}"
         + (f" with at least one {_listed(intent)} touch in the window" if intent else "")
         + "; the moment it first qualifies is the handoff to sales"],
        ["Handoff SLA", f"first sales touch within {version.sla_hours:g} "
                        + ("business hours (Mon-Fri 09:00-18:00)" if version.sla_business_hours
                           else "hours")],
        ["Accepted", "Lead Status changes to one of: "
                     + _listed(version.lists["accepted_status"])],
        ["Ignored", f"no acceptance or rejection within {days['disposition_days']} days of "
                    "the handoff"],
        ["Stalled", f"accepted, then no sales touch for {days['stalled_days']} days: back to "
                    "nurture"],
        ["Cool-down", f"{days['cooldown_days']} days after a rejection or recycle before a "
                      "new handoff"],
        ["Nurture window", f"a lead in nurture with no touch for "
                           f"{days['nurture_window_days']} days is at risk"],
    ]
    reasons = [[code, text] for code, text in sorted(version.rejection_reasons.items())]
    commitments = [[c.side, f"`{name}`: {c.promise}",
                     "not agreed" if version.commitments[name] is None
                     else f"{version.commitments[name]:g}"]
                   for name, c in COMMITMENTS.items()]
    return (
        f"## Version {version.version}\n\n"
        f"In effect from {version.effective_from:%Y-%m-%d} {end}. Agreed for marketing by "
        f"{version.agreed_by_marketing}; for sales by {version.agreed_by_sales}.\n\n"
        + _table(["rule", "agreed as"], rules)
        + "\n### Fit\n" + _table(["criterion", "rule"], fit)
        + "\n### Points per touch\n" + _table(["touch type", "points"], points)
        + "\n### Rejection reason codes\n" + _table(["code", "meaning"], reasons)
        + "\n### Commitments (the KPI contract, expectations/)\n"
        + _table(["side", "commitment", "agreed"], commitments)
    )


def render_glossary(contract: Path = CONTRACT_FILE, seeds: Path = SEEDS_DIR) -> str:
    versions = load_contract(contract, seeds)
    ends = [f"until {v.effective_from:%Y-%m-%d}" for v in versions[1:]] + ["(current)"]
    parts = [
        "# Lead definitions: the glossary both teams read\n\n"
        "Generated from `seeds/lead_definitions.toml` and the mapping seeds by "
        "`alignment glossary`; do not edit by hand (a test fails when it is stale).\n\n"
        "## Funnel stages\n" + STAGES,
        "## Versions\n" + _table(
            ["version", "effective from", "MQL threshold", "window (days)", "SLA (hours)",
             "marketing", "sales"],
            [[v.version, f"{v.effective_from:%Y-%m-%d}", f"{v.mql_threshold:g}",
              str(v.scoring_window_days), f"{v.sla_hours:g}", v.agreed_by_marketing,
              v.agreed_by_sales] for v in versions]),
    ]
    parts += [_version_section(v, end) for v, end in reversed(list(zip(versions, ends, strict=True)))]
    parts.append("## Mappings of each company's picklists (seeds/)\n")
    for seed, title, why in MAPPINGS:
        with (seeds / seed).open(newline="", encoding="utf-8") as handle:
            rows = list(csv.reader(handle))
        parts.append(f"### {title}\n`seeds/{seed}`. {why}\n\n" + _table(rows[0], rows[1:]))
    return "\n".join(parts)


def write_glossary(path: Path = GLOSSARY_FILE) -> Path:
    path.write_text(render_glossary(), encoding="utf-8")
    return path
