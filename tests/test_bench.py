"""Smoke test of the benchmark (bench/bench.py): its generator, and one tiny run.

No timing is asserted: this only proves that `make bench` works.
"""

from __future__ import annotations

from datetime import date
from itertools import pairwise
import json
from pathlib import Path
import subprocess
import sys

from custom_components.backwalk.codec import decode

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))

import bench  # noqa: E402


def test_generator_makes_a_valid_realistic_history() -> None:
    history = bench.generate_history(0.5, today=date(2026, 11, 25))
    data = decode(history.stored)  # what backwalk itself will accept from its file
    assert len(data.records) == history.records
    days = round(0.5 * 365.25)
    stored = history.stored
    # Walks on most days, pain reports, stretches and some alternatives.
    assert 0.7 * days < len(stored["walks"]) < 1.3 * days
    assert stored["pain_reports"]
    assert stored["stretches"]
    assert stored["alternatives"]
    # Everything before the day the history ends.
    assert max(walk["start"] for walk in stored["walks"]) < "2026-11-25"
    # The activity sensor: ordered changes, never the same state twice in a row.
    stamps = [stamp for stamp, _, _ in history.activity]
    assert stamps == sorted(stamps)
    states = [state for _, state, _ in history.activity]
    assert all(a != b for a, b in pairwise(states))
    assert states.count(bench.WALKING) > days
    # The same seed gives the same history.
    again = bench.generate_history(0.5, today=date(2026, 11, 25))
    assert again.stored == history.stored


def test_tiny_run_prints_the_table_and_writes_json(tmp_path: Path) -> None:
    out = tmp_path / "latest.json"
    result = subprocess.run(
        [
            sys.executable,
            str(ROOT / "bench" / "bench.py"),
            "--years",
            "0.05",
            "--quick",
            "--out",
            str(out),
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    assert "| history | records |" in result.stdout
    document = json.loads(out.read_text())
    (size,) = document["results"]
    assert size["records"] > 0
    for key in ("setup", "log_walk", "diy_setup"):
        assert size[key]["median_ms"] > 0
    assert size["state_change"]["backwalk"]["n"] > 0
    assert size["state_change"]["diy"]["n"] > 0
