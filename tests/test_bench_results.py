"""`make bench` quotes medians of repeated runs (benchmarks/run.py): each ratio is the median
of the runs' own ratios, peak memory the largest of the runs'; a run of some sizes keeps the
other sizes' readings, each with the run that measured it."""

import importlib.util
from pathlib import Path

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
    assert summary["full"]["stages"]["dbt"] == {"seconds": 6.0, "peak_rss_bytes": 9,
                                                "cores_busy": None}
    assert summary["incremental"]["wall_seconds"] == 5.0
    # not 5 / 12 = 0.417, the ratio of the medians, which no run measured
    assert summary["incremental_to_full_ratio"] == 0.5
    assert summary["full"]["peak_rss_bytes"] == 9
    assert summary["floor"] == {"seconds": 1.5, "peak_rss_bytes": None}
    assert summary["funnel_to_floor_ratio"] == 4.0  # 4.0, 4.5 and 3.33
    assert summary["unchanged_to_full_ratio"] == 0.083  # 0.1, 0.033 and 0.083


def _machine(commit: str, date: str) -> dict:
    return {"cpu": "AMD EPYC", "cores": 2, "memory_gb": 23.5, "python": "3.11.7",
            "commit": commit, "date": date, "load_average_at_start": 0.5, "repeat": 3}


def test_a_bench_of_some_sizes_keeps_the_other_sizes_readings_with_their_own_run():
    earlier = _machine("aaaaaaa", "2026-12-01 10:00 UTC")
    # written before runs carried their machine: the file's machine is theirs
    previous = {"machine": earlier,
                "runs": [{"leads": size, **_run(full, full / 2, 3, 1.0, 4.0)}
                         for size, full in ((20_000, 20.0), (1_000_000, 130.0))]}
    later = _machine("bbbbbbb", "2026-12-07 18:00 UTC")
    measured = {"machine": later, "runs": [{"leads": 20_000, **_run(40.0, 30.0, 3, 1.0, 4.0),
                                            "machine": later}]}

    results = bench_run.merged(previous, measured)

    assert [(run["leads"], run["full"]["wall_seconds"], run["machine"]["commit"])
            for run in results["runs"]] == [(20_000, 40.0, "bbbbbbb"),
                                            (1_000_000, 130.0, "aaaaaaa")]
    heading = bench_run.table(results, Path("results.json")).split("\n| leads")[0]
    assert heading.splitlines()[2:4] == [
        "- 20,000 leads: measured 2026-12-07 18:00 UTC at commit bbbbbbb on 2 cores (AMD "
        "EPYC), 23.5 GB, load average 0.5 at start; the median of 3 runs per size (each ratio "
        "the median of the runs' own), peak GB the largest.",
        "- 1,000,000 leads: measured 2026-12-01 10:00 UTC at commit aaaaaaa on 2 cores (AMD "
        "EPYC), 23.5 GB, load average 0.5 at start; the median of 3 runs per size (each ratio "
        "the median of the runs' own), peak GB the largest."]

    # a bench of every size replaces every reading: one run, one sentence
    every = {"machine": later, "runs": [{**run, "machine": later} for run in results["runs"]]}
    assert bench_run.table(bench_run.merged(results, every), Path("results.json")).startswith(
        "Measured 2026-12-07 18:00 UTC at commit bbbbbbb on 2 cores (AMD EPYC), 23.5 GB, "
        "load average 0.5 at start; the median of 3 runs per size")


def test_the_bench_quotes_the_cpu_cores_each_refresh_and_stage_kept_busy():
    def measured(wall: float, cpu: float, dbt: float, dbt_cpu: float) -> dict:
        return {**_measure(wall, 1, dbt), "cpu_seconds": cpu,
                "stages": {"dbt": {"seconds": dbt, "peak_rss_bytes": 1, "cpu_seconds": dbt_cpu}}}

    # whole refreshes at 1.0, 1.5 and 1.9 cores; their dbt stages at 2.0, 1.2 and 1.6
    runs = [{**_run(10.0, 5.0, 3, 1.0, 4.0), "full": measured(10.0, 10.0, 5.0, 10.0)},
            {**_run(30.0, 3.0, 9, 2.0, 9.0), "full": measured(30.0, 45.0, 20.0, 24.0)},
            {**_run(12.0, 9.0, 6, 1.5, 5.0), "full": measured(12.0, 22.8, 6.0, 9.6)}]
    summary = bench_run.medians(runs)
    # not 22.8 / 12 = 1.9, the medians' ratio, which no run measured
    assert round(summary["full"]["cores_busy"], 9) == 1.5
    assert round(summary["full"]["stages"]["dbt"]["cores_busy"], 9) == 1.6
    # runs measured before the bench read CPU time have none
    assert summary["incremental"]["cores_busy"] is None

    later = _machine("bbbbbbb", "2026-12-07 18:00 UTC")
    text = bench_run.table({"machine": later, "runs": [{"leads": 20_000, **summary}]},
                           Path("results.json"))
    assert text.splitlines()[-3:] == [
        "| leads | refresh | whole | startup | ingest | dbt | contract | publish | report |",
        "|---|---|---|---|---|---|---|---|---|",
        "| 20,000 | full | 1.50 | – | – | 1.60 | – | – | – |"]
