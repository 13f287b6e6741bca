"""The report's charts as Vega-Lite specs, written with Altair. Data travels inside each spec
(no URL to fetch). Months arrive as 'YYYY-MM-DD' text and are read in UTC, so a viewer in
New York sees October's figures under October."""

from __future__ import annotations

import altair as alt
import pandas as pd

from orchestration.report.data import FUNNEL_STAGES, NO_TOUCH, NURTURE_AGES, RESPONSE_BUCKETS

SOURCE_COLORS = alt.Scale(domain=["marketing", "sales", "partner", "unknown"],
                          range=["#3b6ea8", "#e08a2c", "#5a9e52", "#9d9d9d"])
CLASS_COLORS = alt.Scale(domain=["best in class", "average", "laggard"],
                         range=["#2e8540", "#d9a31a", "#c0392b"])
SLA_COLORS = alt.Scale(domain=["SLA met", "SLA missed", "SLA still open"],
                       range=["#2e8540", "#c0392b", "#b0b0b0"])
AGE_COLORS = alt.Scale(domain=[label for _, label in NURTURE_AGES],
                       range=["#c6dbef", "#6baed6", "#2171b5", "#08306b"])
MODELS = ["first_touch", "last_touch", "linear", "u_shaped", "w_shaped", "full_path",
          "time_decay"]
CLASS_LABELS = {"best_in_class": "best in class", "average": "average", "laggard": "laggard"}
MONTH_AXIS = alt.Axis(format="%b %Y", labelAngle=0, tickCount="month", labelOverlap=True)


def _config(chart: alt.TopLevelMixin) -> dict:
    """The spec, sized to its container, in the page's type."""
    return chart.properties(width="container").configure(
        font="system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif",
        view=alt.ViewConfig(stroke=None),
        axis=alt.AxisConfig(labelFontSize=12, titleFontSize=12, titleFontWeight="normal",
                            gridColor="#eceff3", domainColor="#9aa3ad"),
        legend=alt.LegendConfig(labelFontSize=12, titleFontSize=12, orient="top"),
    ).to_dict()


def funnel(df: pd.DataFrame) -> dict:
    """Stacked horizontal bars: journeys reaching each stage, by sourcing."""
    stages = [label for _, label in FUNNEL_STAGES]
    y = alt.Y("stage:N", sort=stages, title=None, axis=alt.Axis(labelLimit=220))
    bars = alt.Chart(df).mark_bar().encode(
        y=y,
        x=alt.X("sum(journeys):Q", title="lead journeys (all cohorts)"),
        color=alt.Color("sourced_by:N", title="sourced by", scale=SOURCE_COLORS),
        tooltip=[alt.Tooltip("stage:N"), alt.Tooltip("sourced_by:N", title="sourced by"),
                 alt.Tooltip("journeys:Q", format=",")],
    )
    totals = alt.Chart(df).mark_text(align="left", dx=4, fontSize=12, color="#333").encode(
        y=y, x=alt.X("sum(journeys):Q"), text=alt.Text("sum(journeys):Q", format=","))
    return _config(alt.layer(bars, totals).properties(height=260))


def acceptance(df: pd.DataFrame, benchmark: tuple[float, float] | None,
               floor: float | None) -> dict:
    """The acceptance rate month by month, each month coloured by its benchmark class, with
    the benchmark thresholds and the contract's floor as lines."""
    points = df.assign(benchmark_class=df["acceptance_rate_class"].map(CLASS_LABELS))
    x = alt.X("month:T", timeUnit="utcyearmonth", title=None, axis=MONTH_AXIS)
    y = alt.Y("acceptance_rate:Q", title="accepted / handed over",
              axis=alt.Axis(format="%"), scale=alt.Scale(zero=True))
    line = alt.Chart(points).mark_line(color="#5b6770", strokeWidth=2).encode(x=x, y=y)
    dots = alt.Chart(points).mark_point(filled=True, size=80, opacity=1).encode(
        x=x, y=y,
        color=alt.Color("benchmark_class:N", title="benchmark class", scale=CLASS_COLORS),
        tooltip=[alt.Tooltip("month:T", timeUnit="utcyearmonth", title="month",
                             format="%B %Y"),
                 alt.Tooltip("acceptance_rate:Q", title="acceptance rate", format=".1%"),
                 alt.Tooltip("marketing_accepted:Q", title="accepted"),
                 alt.Tooltip("marketing_handoffs:Q", title="handed over"),
                 alt.Tooltip("benchmark_class:N", title="class")],
    )
    layers = [line, dots]
    lines = []
    if benchmark:
        laggard, best = benchmark
        lines += [{"value": best, "label": f"best in class {best:.0%}", "kind": "benchmark"},
                  {"value": laggard, "label": f"laggard {laggard:.0%}", "kind": "benchmark"}]
    if floor is not None:
        lines.append({"value": floor, "label": f"contract floor {floor:.0%}", "kind": "contract"})
    if lines:
        rules = pd.DataFrame(lines)
        rule_y = alt.Y("value:Q")
        layers.append(alt.Chart(rules).mark_rule(strokeDash=[5, 4], strokeWidth=1.5).encode(
            y=rule_y,
            color=alt.Color("kind:N", legend=None,
                            scale=alt.Scale(domain=["benchmark", "contract"],
                                            range=["#7a8791", "#6a3d9a"]))))
        layers.append(alt.Chart(rules).mark_text(align="left", x=4, dy=-7, fontSize=11,
                                                 color="#4d5660").encode(
            y=rule_y, text="label:N"))
    return _config(alt.layer(*layers).resolve_scale(color="independent").properties(height=280))


def speed_to_lead(df: pd.DataFrame) -> dict:
    """Marketing's handoffs by time to the first sales touch, stacked by SLA outcome."""
    buckets = [label for _, label in RESPONSE_BUCKETS] + [NO_TOUCH]
    return _config(alt.Chart(df).mark_bar().encode(
        x=alt.X("bucket:N", sort=buckets, title="time from handoff to the first sales touch",
                axis=alt.Axis(labelAngle=0)),
        y=alt.Y("sum(handoffs):Q", title="handoffs"),
        color=alt.Color("sla:N", title=None, scale=SLA_COLORS),
        tooltip=[alt.Tooltip("bucket:N", title="first touch"), alt.Tooltip("sla:N"),
                 alt.Tooltip("handoffs:Q")],
    ).properties(height=260))


def nurture(df: pd.DataFrame) -> dict:
    """The pool at each month end, stacked by how long the leads have waited."""
    return _config(alt.Chart(df).mark_bar().encode(
        x=alt.X("month:T", timeUnit="utcyearmonth", title=None, axis=MONTH_AXIS),
        y=alt.Y("sum(leads):Q", title="leads in nurture at month end"),
        color=alt.Color("age:N", title="in nurture for", scale=AGE_COLORS),
        order=alt.Order("age_order:Q"),
        tooltip=[alt.Tooltip("month:T", timeUnit="utcyearmonth", title="month",
                             format="%B %Y"),
                 alt.Tooltip("age:N", title="in nurture for"), alt.Tooltip("leads:Q")],
    ).properties(height=260))


def campaign_roi(df: pd.DataFrame) -> dict:
    """Campaign x attribution model, coloured by lifetime ROI and labelled with it."""
    campaigns = df.sort_values("campaign_rank")["campaign_name"].drop_duplicates().tolist()
    base = alt.Chart(df).encode(
        x=alt.X("attribution_model:N", sort=MODELS, title="attribution model",
                axis=alt.Axis(orient="top", labelAngle=0,
                              labelExpr="replace(datum.label, '_', ' ')")),
        y=alt.Y("campaign_name:N", sort=campaigns, title=None,
                axis=alt.Axis(labelLimit=240)),
    )
    cells = base.mark_rect(stroke="white", strokeWidth=1).encode(
        color=alt.Color("roi:Q", title="ROI", legend=alt.Legend(format="%"),
                        scale=alt.Scale(scheme="redyellowgreen", domain=[-1, 0, 2],
                                        clamp=True)),
        tooltip=[alt.Tooltip("campaign_name:N", title="campaign"),
                 alt.Tooltip("channel:N"),
                 alt.Tooltip("attribution_model:N", title="model"),
                 alt.Tooltip("spend:Q", format=",.0f"),
                 alt.Tooltip("won_revenue:Q", title="attributed won revenue", format=",.0f"),
                 alt.Tooltip("roi:Q", title="ROI", format=",.0%")],
    )
    labels = base.mark_text(fontSize=11).encode(
        text=alt.Text("roi:Q", format=",.0%"),
        color=alt.condition("datum.roi > 1.2 || datum.roi < -0.6", alt.value("white"),
                            alt.value("#222")))
    return _config(alt.layer(cells, labels).properties(height=max(120, 26 * len(campaigns))))


def symptoms(df: pd.DataFrame, months: pd.DataFrame, titles: dict[str, str]) -> dict:
    """A timeline: one row per symptom, a mark in each month it was found."""
    found = df.assign(title=df["symptom"].map(lambda s: titles.get(s, s.replace("_", " "))))
    order = [titles.get(s, s.replace("_", " ")) for s in titles] + sorted(
        set(found["title"]) - set(titles.values()))
    x = alt.X("month:T", timeUnit="utcyearmonth", title=None, axis=MONTH_AXIS,
              scale=alt.Scale(domain=[months["month"].min(), months["month"].max()]))
    marks = alt.Chart(found).mark_square(size=150, color="#c0392b").encode(
        x=x,
        y=alt.Y("title:N", sort=[t for t in order if t in set(found["title"])], title=None,
                axis=alt.Axis(labelLimit=260)),
        tooltip=[alt.Tooltip("month:T", timeUnit="utcyearmonth", title="month",
                             format="%B %Y"),
                 alt.Tooltip("title:N", title="symptom"),
                 alt.Tooltip("evidence:N")],
    )
    return _config(marks.properties(height=36 * found["title"].nunique() + 20))
