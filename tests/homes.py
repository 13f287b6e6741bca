"""Test homes: copies of a refreshed home, so a session's refresh serves several modules."""

from __future__ import annotations

import shutil
from pathlib import Path

from orchestration.home import Home


def copy_home(home: Home, target: Path) -> Home:
    """A copy of a refreshed home (landing files, warehouse, publication, dbt's artifacts)."""
    shutil.copytree(home.root, target, symlinks=True)
    return Home.resolve(target)
