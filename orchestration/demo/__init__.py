"""A deterministic synthetic B2B company, written in the landing contract.

    from orchestration.demo import generate, DemoKnobs
    truth = generate(home, leads=20_000, seed=42)

See docs/demo-data.md for what it produces, its knobs, its dirt and its ground truth.
"""

from orchestration.demo.generator import generate
from orchestration.demo.knobs import DemoKnobs

__all__ = ["DemoKnobs", "generate"]
