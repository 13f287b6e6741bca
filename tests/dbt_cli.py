"""`dbt build` of part of the project against a test's home, as an analyst would run it."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from orchestration.home import DBT_PROJECT_DIR, Home


def dbt_build(home: Home, select: list[str], dbt_vars: dict, target: str,
              command: str = "build", *, full_refresh: bool = False
              ) -> subprocess.CompletedProcess:
    """Build `select` (tests of other models left out) into the home's warehouse, or run
    another dbt command on it; dbt's artifacts go to <home>/<target>, apart from the
    refresh's. full_refresh: the incremental models among them rebuilt whole."""
    dbt = Path(sys.executable).parent / "dbt"
    return subprocess.run(
        [str(dbt), command, "--select", *select, "--indirect-selection", "cautious",
         *(["--full-refresh"] if full_refresh else []), "--vars", json.dumps(dbt_vars),
         "--project-dir", str(DBT_PROJECT_DIR), "--profiles-dir", str(DBT_PROJECT_DIR),
         "--target-path", str(home.root / target), "--log-path", str(home.root / "logs")],
        env={**os.environ, "ALIGNMENT_HOME": str(home.root)},
        capture_output=True, text=True, check=False)
