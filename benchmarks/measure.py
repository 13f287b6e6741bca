"""Wall time and peak memory of an `alignment refresh`, per stage.

The refresh runs as a subprocess; its progress lines on stderr ("start alignment_dbt",
"built raw/...") say which stage it is in, and a sampler adds up the resident memory of its
whole process tree (the refresh and the dbt process it starts) ten times a second.
"""

from __future__ import annotations

import os
import subprocess
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

PAGE = os.sysconf("SC_PAGE_SIZE")
# Which stage a step belongs to, by the step key's prefix (orchestration/progress.py lines).
STAGES = (("raw", "ingest"), ("contract__", "ingest"), ("alignment_dbt", "dbt"),
          ("kpi_contract", "contract"), ("published__", "publish"), ("reports__", "report"))


@dataclass
class StageMeasure:
    seconds: float = 0.0
    peak_rss_bytes: int = 0


@dataclass
class Measure:
    wall_seconds: float = 0.0
    peak_rss_bytes: int = 0
    returncode: int | None = None
    stages: dict[str, StageMeasure] = field(default_factory=dict)


def _tree_rss(pid: int) -> int:
    total, pending = 0, [pid]
    while pending:
        current = pending.pop()
        try:
            total += int(Path(f"/proc/{current}/statm").read_text().split()[1]) * PAGE
            for task in Path(f"/proc/{current}/task").iterdir():
                pending += [int(c) for c in (task / "children").read_text().split()]
        except (OSError, ValueError):
            continue
    return total


def stage_of(line: str, current: str) -> str:
    words = line.split()
    if len(words) >= 3 and words[1] == "start":
        return next((stage for prefix, stage in STAGES if words[2].startswith(prefix)), current)
    return current


def measure_refresh(alignment: str, home: Path, log: Path) -> Measure:
    measure = Measure()
    state = {"stage": "startup", "since": time.monotonic()}
    env = {**os.environ, "ALIGNMENT_HOME": str(home)}
    started = time.monotonic()
    process = subprocess.Popen([alignment, "refresh"], env=env, stdout=subprocess.DEVNULL,
                               stderr=subprocess.PIPE, text=True)
    done = threading.Event()

    def sample() -> None:
        while not done.is_set():
            rss = _tree_rss(process.pid)
            stage = measure.stages.setdefault(state["stage"], StageMeasure())
            stage.peak_rss_bytes = max(stage.peak_rss_bytes, rss)
            measure.peak_rss_bytes = max(measure.peak_rss_bytes, rss)
            time.sleep(0.1)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    with log.open("w", encoding="utf-8") as out:
        for line in process.stderr:
            out.write(line)
            stage = stage_of(line, state["stage"])
            if stage != state["stage"]:
                now = time.monotonic()
                measure.stages.setdefault(state["stage"], StageMeasure()).seconds += (
                    now - state["since"])
                state.update(stage=stage, since=now)
    measure.returncode = process.wait()
    done.set()
    sampler.join()
    now = time.monotonic()
    measure.stages.setdefault(state["stage"], StageMeasure()).seconds += now - state["since"]
    measure.wall_seconds = now - started
    return measure
