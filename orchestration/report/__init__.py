"""The alignment report: one self-contained HTML page of charts over the marts (docs/report.md)."""

from orchestration.report.build import build_report, open_marts, report_path

__all__ = ["build_report", "open_marts", "report_path"]
