"""A refresh when new landing files arrive, without opening the warehouse.

The sensor only lists files (name, size, modification time): reading the manifest would open
warehouse.duckdb while a refresh may be writing it. Files already loaded are skipped by the
ingestion assets, so a spurious run costs little.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import dagster as dg

from orchestration.home import Home
from orchestration.ingest import landing_files
from orchestration.landing import OBJECTS


def landing_fingerprint(landing: Path) -> str:
    digest = hashlib.sha256()
    for obj in OBJECTS:
        for path, _ in landing_files(obj, landing):
            stat = path.stat()
            digest.update(f"{path}|{stat.st_size}|{stat.st_mtime_ns}\n".encode())
    return digest.hexdigest()


def landing_sensor(job: dg.UnresolvedAssetJobDefinition, home: Home) -> dg.SensorDefinition:
    @dg.sensor(name="new_landing_files", job=job, minimum_interval_seconds=60,
               description=f"Starts a refresh when files under {home.landing} change.")
    def _sensor(context: dg.SensorEvaluationContext):
        fingerprint = landing_fingerprint(home.landing)
        if fingerprint == context.cursor:
            return dg.SkipReason("no new landing files")
        context.update_cursor(fingerprint)
        return dg.RunRequest(run_key=fingerprint)

    return _sensor
