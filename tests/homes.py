"""Test homes: copies of a refreshed home, so a session's refresh serves several modules."""

from __future__ import annotations

import shutil
from pathlib import Path

from orchestration.home import Home


def copy_home(home: Home, target: Path) -> Home:
    """A copy of a refreshed home (landing files, warehouse, publication, dbt's artifacts)."""
    shutil.copytree(home.root, target, symlinks=True)
    return Home.resolve(target)


def suites_with_acceptance_blocking(folder: Path) -> Path:
    """A copy of expectations/ in which marketing's acceptance floor is an `error`."""
    shutil.copytree(Path(__file__).parent.parent / "expectations", folder)
    marketing = folder / "marketing.yml"
    text = marketing.read_text(encoding="utf-8")
    at = text.index("severity: warn", text.index("- name: acceptance_rate"))
    marketing.write_text(text[:at] + "severity: error" + text[at + len("severity: warn"):],
                         encoding="utf-8")
    return folder
