"""The fixed time frame of the demo company, and time values as the source systems print them.

Times are int64 seconds since the epoch, UTC; a negative value means "no such moment" and is
written as an empty cell. Nothing reads the wall clock, so a seed always gives the same files.
"""

from __future__ import annotations

from datetime import UTC, datetime
from functools import cache

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

MINUTE = 60
HOUR = 3600
DAY = 86_400

# Leads are created over the 24 months ending 2026-10-31; the export happens right after.
WINDOW_START = int(datetime(2024, 11, 1, tzinfo=UTC).timestamp())
EXPORT_AT = int(datetime(2026, 11, 1, tzinfo=UTC).timestamp())
# Designed journeys end at least this long before the export (see leads.timeline).
EXPORT_MARGIN = 2 * HOUR
# Follow-on activity (deliveries, follow-up tasks) is clipped to the export's last second.
LAST_MOMENT = EXPORT_AT - 1
EXPORT_DATE = "2026-11-01"
WINDOW_MONTHS = 24
_FIRST_MONTH = np.datetime64("2024-11", "M")


# Formatting by lookup: every moment is a calendar day plus a second of that day, and the
# texts of both are few, so two takes and a join beat formatting each value.
_FIRST_DAY = np.datetime64("2015-01-01", "D")
_LAST_DAY = np.datetime64("2035-01-01", "D")
_BASE = int(_FIRST_DAY.astype("datetime64[s]").astype(np.int64))


@cache
def _days(suffix: str) -> pa.Array:
    days = np.arange(_FIRST_DAY, _LAST_DAY).astype(str)
    return pa.array(np.char.add(days, suffix))


@cache
def _times(suffix: str) -> pa.Array:
    second = np.arange(DAY)
    parts = [np.char.zfill(v.astype(str), 2) for v in (second // HOUR, second // MINUTE % 60,
                                                        second % 60)]
    text = np.char.add(np.char.add(np.char.add(parts[0], ":"), np.char.add(parts[1], ":")),
                       np.char.add(parts[2], suffix))
    return pa.array(text)


def _split(seconds: np.ndarray) -> tuple[pa.Array, pa.Array]:
    seconds = np.asarray(seconds, dtype=np.int64)
    missing = seconds < 0
    day, second = np.divmod(seconds - _BASE, DAY)
    if np.any(~missing & ((day < 0) | (day >= len(_days(""))))):
        raise ValueError("moment outside the calendar of clock.py")
    return pa.array(day, mask=missing), pa.array(second, mask=missing)


def _render(seconds: np.ndarray, day_suffix: str, time_suffix: str) -> pa.Array:
    day, second = _split(seconds)
    return pc.binary_join_element_wise(_days(day_suffix).take(day),
                                       _times(time_suffix).take(second), "")


def salesforce(seconds: np.ndarray) -> pa.Array:
    """`2025-03-04T10:15:00.000+0000`, as the Salesforce APIs and Data Loader print it."""
    return _render(seconds, "T", ".000+0000")


def iso_utc(seconds: np.ndarray) -> pa.Array:
    """`2025-03-04T10:15:00.000Z`, as HubSpot and Fivetran print it."""
    return _render(seconds, "T", ".000Z")


def dates(seconds: np.ndarray) -> pa.Array:
    """`2025-03-04`: the UTC calendar day of each moment."""
    day, _ = _split(seconds)
    return _days("").take(day)


def day_start(seconds: np.ndarray) -> np.ndarray:
    return seconds - seconds % DAY


def month_index(seconds: np.ndarray) -> np.ndarray:
    """Months since the window start (0 = November 2024); negative before it."""
    months = (seconds // DAY).astype("datetime64[D]").astype("datetime64[M]")
    return (months - _FIRST_MONTH).astype(np.int64)


def month_start(index: int) -> int:
    """Epoch seconds of the first day of window month `index`."""
    return int((_FIRST_MONTH + index).astype("datetime64[s]").astype(np.int64))
