"""A tiny run of the benchmark command: it times each step, reports per-model times and
peak memory, and writes JSON that another run can be compared with."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys

from conftest import PROJECT_DIR


def test_the_benchmark_runs_and_writes_its_figures(tmp_path):
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "customer_scoring",
            "benchmark",
            "--customers",
            "200",
            "--years",
            "0.5",
            "--as-of",
            "2026-06-30",
            "--out",
            str(tmp_path),
        ],
        cwd=PROJECT_DIR,
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "| full_build |" in result.stdout and "| rfm_path |" in result.stdout
    report = json.loads((tmp_path / "benchmark-200.json").read_text())
    assert report["customers"] == 200 and report["orders"] > 0
    assert dt.datetime.fromisoformat(report["date"])
    for name in ["full_build", "rfm_path"]:
        step = report["steps"][name]
        assert step["seconds"] > 0 and step["peak_rss_mb"] > 0
        assert "customer_segments" in step["models"]
    # the RFM path builds the RFM marts and not the behaviour scores
    assert "engagement_scores" in report["steps"]["full_build"]["models"]
    assert "engagement_scores" not in report["steps"]["rfm_path"]["models"]
