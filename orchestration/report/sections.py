"""The report's sections: for each, a plain-language headline, a chart or a table, and a note
on how it is measured. A section whose marts are empty or missing says so instead."""

from __future__ import annotations

import html
import math
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime

import duckdb
import pandas as pd

from orchestration.report import charts, data

NO_DATA = "No data yet: this section fills in after a refresh that has {what}."

SYMPTOM_TITLES = {
    "conversion_weak": "Sales accept too few of marketing's leads",
    "sales_self_sourcing": "Sales source their own pipeline",
    "funnel_not_filling": "The funnel is not filling",
    "roi_not_shown": "Spend no lead can show for",
    "nurture_ageing": "Leads age in nurture",
}
CLASS_WORDS = {"best_in_class": "best in class", "average": "average",
               "laggard": "a laggard"}


@dataclass
class Section:
    key: str
    title: str
    headline: str | None = None
    chart: dict | None = None
    body: str = ""          # HTML: a table or a list
    note: str = ""
    empty: str | None = None  # why there is nothing to show


# Formatting, in words a head of sales reads.

def pct(value: float, digits: int = 0) -> str:
    return f"{value:.{digits}%}"


def month(value) -> str:
    return f"{pd.Timestamp(value):%B %Y}"


def number(value: float) -> str:
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.2f}"


def money(value: float, currency: str | None) -> str:
    symbol = {"USD": "$", "EUR": "€", "GBP": "£"}.get(currency or "")
    return f"{symbol}{value:,.0f}" if symbol else f"{value:,.0f} {currency or ''}".strip()


def duration(minutes: float) -> str:
    if minutes < 1:
        return "under a minute"
    if minutes < 90:
        return f"{minutes:.0f} minutes"
    if minutes < 48 * 60:
        return f"{minutes / 60:.1f} hours"
    return f"{minutes / 1440:.1f} days"


def _missing(value) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NaT


# The sections.

def funnel(con: duckdb.DuckDBPyConnection) -> Section:
    section = Section("funnel", "The funnel, by stage and source")
    df = data.funnel(con)
    if df is None or df.empty or not df["journeys"].sum():
        section.empty = NO_DATA.format(what="loaded leads")
        return section
    stages = df.groupby("stage_order")["journeys"].sum()
    leads, handed, won = int(stages[0]), int(stages[2]), int(stages[6])
    by_source = df[df["stage_order"] == 3].set_index("sourced_by")["journeys"]
    sals = int(by_source.sum())
    sales_sals = int(by_source.get("sales", 0))
    first, last = df["first_month"].min(), df["last_month"].max()
    section.headline = (
        f"Of {leads:,} leads created from {month(first)} to {month(last)}, {handed:,} were "
        f"handed to sales and {won:,} won; sales found {pct(sales_sals / sals)} of the leads "
        f"they accepted themselves." if sals else
        f"Of {leads:,} leads created from {month(first)} to {month(last)}, {handed:,} were "
        f"handed to sales and {won:,} won.")
    section.chart = charts.funnel(df)
    section.note = ("Every cohort in the warehouse, by the month the lead was created "
                    "(marts.fct_funnel_monthly). Handoffs are marketing's sales-ready leads; "
                    "sales- and partner-sourced leads are accepted without one.")
    return section


def acceptance(con: duckdb.DuckDBPyConnection) -> Section:
    section = Section("acceptance", "Does sales accept marketing's leads?")
    df = data.acceptance(con)
    if df is None or df.empty:
        section.empty = NO_DATA.format(what="a complete month with handoffs")
        return section
    benchmark = data.acceptance_benchmark(con)
    floor = data.acceptance_floor(con)
    latest = df.iloc[-1]
    rate = float(latest["acceptance_rate"])
    words = [f"Sales accepted {pct(rate)} of marketing's handoffs in "
             f"{month(latest['report_month'])} ({int(latest['marketing_accepted'])} of "
             f"{int(latest['marketing_handoffs'])})"]
    klass = latest["acceptance_rate_class"]
    if not _missing(klass):
        judged = f"{CLASS_WORDS.get(klass, klass)} against the benchmark"
        if benchmark:
            judged += f" (laggards {pct(benchmark[0])}, best in class {pct(benchmark[1])})"
        words.append(judged)
    if floor is not None:
        words.append(f"{'at or above' if rate >= floor else 'below'} the "
                     f"{pct(floor)} the contract asks for")
    section.headline = ", ".join(words) + "."
    section.chart = charts.acceptance(df, benchmark, floor)
    section.body = _rejection_tile(data.rejection_reasons(con))
    section.note = ("Complete months; a month's handoffs are the marketing leads created in it "
                    "(marts.kpi_alignment_monthly.acceptance_rate and its benchmark class; "
                    "rejections by reason: marts.kpi_rejection_reasons_monthly).")
    return section


def _rejection_tile(df: pd.DataFrame | None) -> str:
    """The reasons sales gave for rejecting marketing's handoffs, most frequent first."""
    if df is None or df.empty:
        return ""
    rows = "".join(
        f'<tr><td class="name">{html.escape(str(row["rejection_reason"]))}</td>'
        f'<td>{html.escape("" if _missing(row["description"]) else str(row["description"]))}</td>'
        f'<td class="num">{int(row["rejections"]):,}</td>'
        f'<td class="num">{pct(row["rejection_rate"], 1)}</td>'
        f'<td class="num">{pct(row["share_of_rejections"])}</td></tr>'
        for _, row in df.iterrows())
    first, last = df["first_month"].iat[0], df["last_month"].iat[0]
    return (f'<table class="contract" data-tile="rejection_reasons"><caption>Why sales rejected '
            f"marketing's handoffs, {month(first)} to {month(last)}</caption><thead><tr>"
            "<th>Reason</th><th>Meaning</th><th>Rejections</th><th>Of handoffs</th>"
            f"<th>Of rejections</th></tr></thead><tbody>{rows}</tbody></table>")


def speed_to_lead(con: duckdb.DuckDBPyConnection) -> Section:
    section = Section("speed_to_lead", "How fast does sales call back?")
    df = data.speed_to_lead(con)
    summary = data.speed_to_lead_summary(con)
    if df is None or df.empty or summary is None:
        section.empty = NO_DATA.format(what="leads handed to sales")
        return section
    words = []
    if not _missing(summary["median_minutes"]):
        words.append(f"Sales took a median {duration(summary['median_minutes'])} to first "
                     f"touch a marketing handoff")
    untouched = summary["handoffs"] - summary["touched"]
    if untouched:
        words.append(f"{untouched:,} of {summary['handoffs']:,} never got a touch")
    if summary["sla_decided"]:
        words.append(f"{pct(summary['sla_met'] / summary['sla_decided'])} met the SLA")
    headline = "; ".join(words) + "."
    section.headline = headline[0].upper() + headline[1:]
    section.chart = charts.speed_to_lead(df)
    section.note = ("Every marketing handoff, from the handoff to the first Task or Event of a "
                    "sales user (marts.fct_lead_handoff.response_minutes, clock time); the SLA "
                    "is the handoff terms of the lead definition that judged it.")
    return section


def nurture(con: duckdb.DuckDBPyConnection) -> Section:
    section = Section("nurture", "The nurture pool, by age")
    df = data.nurture(con)
    now = data.nurture_now(con)
    if df is None or df.empty or now is None or not df["leads"].sum():
        section.empty = NO_DATA.format(what="leads in nurture")
        return section
    words = f"{now['pool_size']:,} leads sit in nurture at {now['snapshot_at']:%d %B %Y}"
    if not _missing(now["past_nurture_window_share"]):
        words += (f"; {pct(now['past_nurture_window_share'])} of them have waited longer than "
                  f"the {now['nurture_window_days']}-day nurture window")
    section.headline = words + "."
    section.chart = charts.nurture(df)
    section.note = ("Leads not ready, rejected, recycled or stalled after acceptance, at each "
                    "month end (marts.fct_nurture_pool_monthly); unnurtured leads are lost "
                    "within 6 to 12 months.")
    return section


def campaign_roi(con: duckdb.DuckDBPyConnection) -> Section:
    section = Section("campaign_roi", "Which campaigns pay back, by attribution model")
    df = data.campaign_roi(con)
    totals = data.roi_totals(con)
    if df is None or df.empty or totals is None:
        section.empty = NO_DATA.format(what="campaign spend")
        return section
    linear = df[(df["attribution_model"] == "linear") & df["roi"].notna()]
    spent = (f"{money(totals['spend'], totals['currency'])} in all" if pd.notna(totals["spend"])
             else "some of it in a currency without an FX rate")
    words = (f"{totals['paying_back']} of {totals['campaigns_with_spend']} campaigns with spend "
             f"({spent}) earned back more than they cost under linear attribution")
    if not linear.empty:
        best = linear.sort_values(["roi", "campaign_rank"], ascending=[False, True]).iloc[0]
        words += (f"; {best['campaign_name']} returns the most: "
                  f"{money(best['won_revenue'], best['currency'])} won for "
                  f"{money(best['spend'], best['currency'])} spent")
    section.headline = words + "."
    section.chart = charts.campaign_roi(df)
    section.note = ("Lifetime ROI, (attributed won revenue − spend) / spend, of the campaigns "
                    "with spend that spent or earned the most, in "
                    f"{totals['currency']} (marts.fct_campaign_roi, months summed first). "
                    "Sales activities earn part of the credit: see docs/attribution.md.")
    return section


def _value(row, column: str) -> str:
    value = row[column]
    if _missing(value):
        return "—"
    if row["mart"] != "kpi_contract_monthly":
        # Row expectations count offending rows against 0.
        if column == "threshold":
            return number(value)
        return f"{number(value)} row{'s' * (value != 1)}"
    if "rate" in row["expectation"]:
        return pct(value, 1)
    if "cost" in row["expectation"]:
        return number(round(value))
    return number(value)


def contract(con: duckdb.DuckDBPyConnection) -> Section:
    section = Section("contract", "The KPI contract, expectation by expectation")
    df = data.contract_status(con)
    if df is None or df.empty:
        section.empty = NO_DATA.format(what="checked the KPI contract")
        return section
    failed = df[~df["passed"]]
    blocking = int((failed["severity"] == "error").sum())
    section.headline = (
        f"{len(df) - len(failed)} of {len(df)} expectations met at the last check "
        f"({pd.Timestamp(df['checked_at'].max()):%d %B %Y %H:%M} UTC): {blocking} blocking "
        f"failure{'s' * (blocking != 1)}, {len(failed) - blocking} "
        f"warning{'s' * (len(failed) - blocking != 1)}.")
    parts = []
    for suite, rows in df.groupby("suite", sort=False):
        body = "".join(_contract_row(row) for _, row in rows.iterrows())
        ok = int(rows["passed"].sum())
        table = (f'<table class="contract" data-suite="{html.escape(suite)}"><thead><tr>'
                 "<th>Expectation</th><th>Severity</th><th>Status</th><th>Periods failed</th>"
                 "<th>Period shown</th><th>Value</th><th>Agreed</th></tr></thead>"
                 f"<tbody>{body}</tbody></table>")
        summary = f"{html.escape(suite.replace('_', ' ').capitalize())}: {ok} of {len(rows)} met"
        # The many data checks fold away while they all pass.
        is_open = " open" if suite != "data_contract" or ok < len(rows) else ""
        parts.append(f"<details{is_open}><summary>{summary}</summary>{table}</details>")
    section.body = "".join(parts)
    section.note = ("The latest run in marts.contract_results; for a failing expectation the "
                    "latest period that failed, else the latest period judged. Commitments "
                    "and suites: docs/kpi-contract.md.")
    return section


def _contract_row(row) -> str:
    status = "met" if row["passed"] else "failed"
    periods = (f"{row['failing_periods']} of {row['periods']}" if row["periods"]
               else ("—" if row["passed"] else "whole mart"))
    period = "—" if _missing(row["period"]) else f"{pd.Timestamp(row['period']):%b %Y}"
    cells = [f'<td class="name">{html.escape(row["expectation"])}</td>',
             f'<td class="severity {row["severity"]}">{html.escape(row["severity"])}</td>',
             f'<td class="status {status}">{status}</td>',
             f"<td>{periods}</td>", f"<td>{period}</td>",
             f'<td class="num">{_value(row, "value")}</td>',
             f'<td class="num">{_value(row, "threshold")}</td>']
    return f'<tr class="{status}">{"".join(cells)}</tr>'


def symptoms(con: duckdb.DuckDBPyConnection) -> Section:
    section = Section("symptoms", "Symptoms of misalignment")
    df = data.symptoms(con)
    months = data.months(con)
    if df is None or months is None or months.empty:
        section.empty = NO_DATA.format(what="built the scorecard")
        return section
    if df.empty:
        section.headline = "No symptom of misalignment was found in any month."
        return section
    complete = months[months["is_complete_month"]]
    complete_months = len(complete)
    # A month under way is judged on its nurture pool only: headline the last complete month.
    last = complete["report_month"].max() if complete_months else df["report_month"].max()
    latest = df[df["report_month"] == last]
    if latest.empty:
        section.headline = (f"No symptom of misalignment in {month(last)}, the last complete "
                            f"month.")
    else:
        section.headline = (
            f"{len(latest)} symptom{'s' * (len(latest) != 1)} of misalignment in {month(last)}"
            f"{', the last complete month' if complete_months else ''}: "
            + "; ".join(SYMPTOM_TITLES.get(s, s.replace("_", " ")).lower()
                        for s in latest["symptom"]) + ".")
    counts = df.groupby("symptom")["report_month"].agg(["count", "max"])
    items = []
    for symptom, (found, seen) in counts.sort_values("max", ascending=False).iterrows():
        row = df[(df["symptom"] == symptom) & (df["report_month"] == seen)].iloc[0]
        items.append(
            f'<li data-symptom="{html.escape(symptom)}"><strong>'
            f"{html.escape(SYMPTOM_TITLES.get(symptom, symptom.replace('_', ' ')))}</strong> "
            f'<span class="when">last in {month(seen)}, {found} of {len(months)} months</span>'
            f"<br>{html.escape(row['evidence'])}</li>")
    section.body = f'<ul class="symptoms">{"".join(items)}</ul>'
    section.chart = charts.symptoms(df, months, SYMPTOM_TITLES)
    section.note = (f"Judged on the {complete_months} complete months (the nurture pool also on "
                    "the month under way) by marts.fct_alignment_symptoms; thresholds in "
                    "seeds/alignment_symptom_thresholds.csv.")
    return section


SECTIONS: tuple[Callable[[duckdb.DuckDBPyConnection], Section], ...] = (
    funnel, acceptance, speed_to_lead, nurture, campaign_roi, contract, symptoms)


def build_sections(con: duckdb.DuckDBPyConnection) -> list[Section]:
    return [make(con) for make in SECTIONS]


def as_of_text(value: datetime | date | None) -> str:
    return "no data yet" if value is None else f"{pd.Timestamp(value):%d %B %Y}"
