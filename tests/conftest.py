"""Shared fixtures. ../shared (corpus, lexicons, example page) sits beside the repository in CI."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
EXAMPLE_PAGE = SHARED / "examples" / "000_54dc450ac175ef12.txt"
sys.path[:0] = [str(ROOT / "tools"), str(ROOT / "bench")]


@pytest.fixture(scope="session")
def shared() -> Path:
    assert SHARED.is_dir(), f"tests need ../shared beside the repository ({SHARED})"
    return SHARED


@pytest.fixture(scope="session")
def restorer():
    from cunzhen.api import default_restorer

    return default_restorer()
