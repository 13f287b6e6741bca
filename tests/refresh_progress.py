"""What a refresh's progress lines (stderr) say of its steps."""

from __future__ import annotations

import re


def published_in_steps(progress: str) -> tuple[list[str], list[str]]:
    """The tables a refresh's progress lines say were published during the KPI contract's
    step, and during publication's own (none when it did not run)."""
    lines = progress.splitlines()
    contract = next(i for i, line in enumerate(lines) if "start  kpi_contract" in line)
    publication = next((i for i, line in enumerate(lines) if "start  published__marts" in line),
                       len(lines))
    published = [(i, match.group(1)) for i, line in enumerate(lines)
                 if (match := re.search(r"published (\w+): ", line))]
    return ([table for i, table in published if contract < i < publication],
            [table for i, table in published if i > publication])
