"""Where everything lives: one home folder, ALIGNMENT_HOME (default ./data)."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DBT_PROJECT_DIR = PROJECT_ROOT / "dbt_project"
SEEDS_DIR = PROJECT_ROOT / "seeds"
CONTRACT_FILE = SEEDS_DIR / "lead_definitions.toml"


def contract_file() -> Path:
    """The lead definitions the warehouse is built from: $ALIGNMENT_CONTRACT, else the
    project's seeds/lead_definitions.toml (a draft can be tried without editing the signed one)."""
    return Path(os.environ.get("ALIGNMENT_CONTRACT") or CONTRACT_FILE)


@dataclass(frozen=True)
class Home:
    root: Path

    @classmethod
    def resolve(cls, home: str | os.PathLike | None = None) -> Home:
        """The --home argument wins over $ALIGNMENT_HOME, which wins over ./data."""
        chosen = home or os.environ.get("ALIGNMENT_HOME") or "data"
        return cls(Path(chosen).expanduser().resolve())

    @property
    def landing(self) -> Path:
        return self.root / "landing"

    @property
    def warehouse(self) -> Path:
        return self.root / "warehouse.duckdb"

    @property
    def published(self) -> Path:
        """The marts as BI tools read them (orchestration/publish.py)."""
        return self.root / "marts.duckdb"

    @property
    def published_parquet(self) -> Path:
        """The same marts as Parquet files: a link to the folder of the last publication."""
        return self.root / "marts"

    @property
    def lock(self) -> Path:
        return self.root / "refresh.lock"

    @property
    def reports(self) -> Path:
        return self.root / "reports"

    @property
    def dbt_target(self) -> Path:
        """dbt's artifacts of the last refresh (manifest.json: what the warehouse holds)."""
        return self.root / "dbt_target"

    @property
    def spill(self) -> Path:
        return self.root / "tmp"

    def export(self) -> None:
        """Make this home the one dbt's profile and the Dagster code location read."""
        os.environ["ALIGNMENT_HOME"] = str(self.root)
