"""The alignment report as the last asset of a refresh: the HTML page over the published
marts (docs/report.md)."""

import dagster as dg

from orchestration.assets.publish import PUBLISHED_KEY
from orchestration.report import build_report
from orchestration.report.data import MARTS_READ
from orchestration.resources import WarehouseResource

# Publication runs after every mart and every contract check (orchestration/assets/publish.py):
# behind it the report reads this run's marts and this run's contract results, and it is
# skipped, like publication, when a blocking expectation fails.
REPORT_KEY = dg.AssetKey(["reports", "alignment_report"])


@dg.asset(
    key=REPORT_KEY,
    deps=[*(dg.AssetKey(["marts", mart]) for mart in MARTS_READ), PUBLISHED_KEY],
    group_name="reports",
    kinds={"html"},
    description="$ALIGNMENT_HOME/reports/alignment-report.html: the funnel, acceptance against "
                "the benchmark, speed to lead, the nurture pool, campaign ROI by model, the KPI "
                "contract and the symptoms, as one self-contained page (docs/report.md).",
)
def alignment_report(context: dg.AssetExecutionContext,
                     warehouse: WarehouseResource) -> dg.MaterializeResult:
    path = build_report(warehouse.paths)
    context.log.info(f"alignment report: {path}")
    return dg.MaterializeResult(metadata={
        "path": dg.MetadataValue.path(str(path)),
        "size_kb": round(path.stat().st_size / 1024),
    })
