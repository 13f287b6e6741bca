"""`alignment report`: write the alignment report and print its path."""

from __future__ import annotations

import argparse

from orchestration.home import Home


def run(args: argparse.Namespace, home: Home) -> int:
    from orchestration.report import build_report

    # The path alone, so `xdg-open "$(alignment report)"` opens it.
    print(build_report(home))
    return 0
