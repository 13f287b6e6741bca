"""`make bench` quotes medians of repeated runs (benchmarks/run.py): each ratio is the median
of the runs' own ratios, peak memory the largest of the runs'."""

import importlib.util

from orchestration.home import PROJECT_ROOT

_spec = importlib.util.spec_from_file_location("bench_run", PROJECT_ROOT / "benchmarks" / "run.py")
bench_run = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(bench_run)


def _measure(wall: float, peak: int, dbt: float) -> dict:
    return {"wall_seconds": wall, "peak_rss_bytes": peak, "returncode": 0,
            "stages": {"dbt": {"seconds": dbt, "peak_rss_bytes": peak}}}


def _run(full: float, incremental: float, peak: int, floor: float, funnel: float) -> dict:
    return {"full": _measure(full, peak, full / 2),
            "incremental": _measure(incremental, peak, incremental / 2),
            "unchanged": _measure(1.0, 1, 0.1),
            "dbt_funnel_models_seconds": funnel,
            "floor": {"seconds": floor, "peak_rss_bytes": None},
            "funnel_to_floor_ratio": round(funnel / floor, 2),
            "incremental_to_full_ratio": round(incremental / full, 3),
            "unchanged_to_full_ratio": round(1.0 / full, 3)}


def test_the_bench_quotes_medians_and_the_median_of_each_runs_ratio():
    # the second run was slowed down by the machine; the ratios are 0.5, 0.1 and 0.75
    runs = [_run(10.0, 5.0, 3, 1.0, 4.0), _run(30.0, 3.0, 9, 2.0, 9.0),
            _run(12.0, 9.0, 6, 1.5, 5.0)]
    summary = bench_run.medians(runs)
    assert summary["full"]["wall_seconds"] == 12.0
    assert summary["full"]["stages"]["dbt"] == {"seconds": 6.0, "peak_rss_bytes": 9}
    assert summary["incremental"]["wall_seconds"] == 5.0
    # not 5 / 12 = 0.417, the ratio of the medians, which no run measured
    assert summary["incremental_to_full_ratio"] == 0.5
    assert summary["full"]["peak_rss_bytes"] == 9
    assert summary["floor"] == {"seconds": 1.5, "peak_rss_bytes": None}
    assert summary["funnel_to_floor_ratio"] == 4.0  # 4.0, 4.5 and 3.33
    assert summary["unchanged_to_full_ratio"] == 0.083  # 0.1, 0.033 and 0.083
