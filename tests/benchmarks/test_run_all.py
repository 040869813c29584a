"""The benchmark code itself works: one cold-start measurement through run_all (no time limit is
asserted; benchmarks are never timed tests)."""

from __future__ import annotations

import importlib.util
import re
import sys
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parents[2] / "benchmarks"


def _load_run_all():  # type: ignore[no-untyped-def]
    spec = importlib.util.spec_from_file_location("run_all", BENCH / "run_all.py")
    assert spec is not None and spec.loader is not None
    mod = importlib.util.module_from_spec(spec)
    sys.modules["run_all"] = mod
    spec.loader.exec_module(mod)
    return mod


@pytest.mark.integration
def test_cold_start_measurement_produces_figures() -> None:
    run_all = _load_run_all()
    lines: list[str] = []
    rows = run_all.startup_rows(1, warmup=False, log=lines.append)
    figures = {r.figure: r.value for r in rows}
    assert len(figures) == 3, figures
    for value in figures.values():
        seconds = [float(x) for x in re.findall(r"(\d+\.\d+) s", value)]
        assert len(seconds) == 2 and all(s > 0 for s in seconds), value
    assert any(line.startswith("launch 1/1") for line in lines)
    text = run_all.text_table(rows, run_all.machine())
    assert "Cold start to first window" in text and "CPU:" in text and "Python:" in text
