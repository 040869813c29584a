"""The data folder: MOCKLOOP_HOME, else the folder chosen in Settings, else the default."""

from __future__ import annotations

from pathlib import Path

import pytest

from mockloop import paths


def test_chosen_folder_is_used_from_the_next_start(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("MOCKLOOP_HOME")
    monkeypatch.setattr(paths, "default_data_folder", lambda: tmp_path / "default")
    assert paths.home() == tmp_path / "default"
    paths.set_data_folder(tmp_path / "elsewhere")
    assert paths.home() == (tmp_path / "elsewhere").resolve()
    assert (paths.home().stat().st_mode & 0o077) == 0
    monkeypatch.setenv("MOCKLOOP_HOME", str(tmp_path / "env"))
    assert paths.home() == tmp_path / "env"  # the environment still wins
    monkeypatch.delenv("MOCKLOOP_HOME")
    paths.set_data_folder(None)
    assert paths.home() == tmp_path / "default"
