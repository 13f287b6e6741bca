"""Shared fixtures: a temporary ALIGNMENT_HOME per test, real DuckDB files in it."""

from __future__ import annotations

import pytest

from orchestration.home import Home


@pytest.fixture
def home(tmp_path, monkeypatch) -> Home:
    monkeypatch.setenv("ALIGNMENT_HOME", str(tmp_path))
    return Home.resolve(tmp_path)
