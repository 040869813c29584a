"""Every test gets its own data folder; Qt runs offscreen. No test touches a real user's data."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"


@pytest.fixture(autouse=True)
def _mockloop_home(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> Path:
    home = tmp_path_factory.mktemp("mockloop-home")
    monkeypatch.setenv("MOCKLOOP_HOME", str(home))
    monkeypatch.setenv("MOCKLOOP_CONFIG", str(tmp_path_factory.mktemp("mockloop-config")))
    return home


@pytest.fixture
def mockloop_home() -> Path:
    return Path(os.environ["MOCKLOOP_HOME"])
