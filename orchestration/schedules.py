"""When the refresh runs by itself: a daily schedule, configurable by environment."""

from __future__ import annotations

import os

import dagster as dg

DEFAULT_CRON = "0 6 * * *"


def refresh_schedule(job: dg.UnresolvedAssetJobDefinition) -> dg.ScheduleDefinition:
    return dg.ScheduleDefinition(
        name="daily_refresh",
        job=job,
        cron_schedule=os.environ.get("ALIGNMENT_REFRESH_CRON", DEFAULT_CRON),
        execution_timezone=os.environ.get("ALIGNMENT_REFRESH_TIMEZONE", "UTC"),
        description="The full refresh, daily (ALIGNMENT_REFRESH_CRON, ALIGNMENT_REFRESH_TIMEZONE).",
    )
