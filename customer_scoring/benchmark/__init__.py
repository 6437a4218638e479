"""Benchmark: how long the warehouse takes at a given scale, step by step.

    python -m customer_scoring benchmark --customers 100000 [--out data/bench]

Generates demo data (not timed), then times each step in a process of its own, so each
has its own peak memory (maximum resident set size, from wait4):
- full_build: `dbt build` of the whole project (models, seeds and tests) into an empty
  warehouse, with the time of every model from dbt's run_results.json;
- rfm_path: `dbt build --select +customer_segments` (staging, facts, RFM, segments) into
  another empty warehouse.
It prints a table (seconds, input rows per second, peak memory) and writes
<out>/benchmark-<customers>.json, so runs can be compared.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import platform
import shutil
import subprocess
import sys
import time
from pathlib import Path

from customer_scoring.demo_data import DemoConfig, generate


def timed(command: list[str], env: dict, log: Path) -> dict:
    """Run command in a child process (output to log); its wall time and peak RSS."""
    started = time.perf_counter()
    with log.open("w") as output:
        child = subprocess.Popen(command, env=env, stdout=output, stderr=subprocess.STDOUT)
        _, status, usage = os.wait4(child.pid, 0)
    seconds = time.perf_counter() - started
    code = os.waitstatus_to_exitcode(status)
    if code != 0:
        tail = "".join(log.read_text().splitlines(keepends=True)[-15:])
        raise RuntimeError(
            f"{' '.join(command[:4])} … failed with exit {code}; end of {log}:\n{tail}"
        )
    return {"seconds": round(seconds, 2), "peak_rss_mb": round(usage.ru_maxrss / 1024, 1)}


def model_times(target: Path) -> dict[str, float]:
    results = json.loads((target / "run_results.json").read_text())["results"]
    return {
        item["unique_id"].split(".")[-1]: round(item["execution_time"], 2)
        for item in results
        if item["unique_id"].startswith("model.")
    }


def run(customers: int, years: float, as_of: dt.date, out: Path, seed: int = 42) -> dict:
    out.mkdir(parents=True, exist_ok=True)
    demo = out / f"demo-{customers}"
    print(f"generating {customers:,} customers into {demo} (not timed) ...", flush=True)
    summary = generate(DemoConfig(customers=customers, years=years, seed=seed, as_of=as_of), demo)
    rows_in = sum(summary.rows.values())
    import duckdb

    orders = duckdb.sql(
        f"select count(distinct order_id) from read_parquet('{demo / 'transactions.parquet'}')"
    ).fetchall()[0][0]
    dbt = str(Path(sys.executable).with_name("dbt"))
    dbt_vars = json.dumps({"as_of_date": as_of.isoformat(), "load_date": as_of.isoformat()})
    steps = {
        "full_build": ["build"],
        # the tests of these models only (cautious: not those that also read other marts)
        "rfm_path": ["build", "--select", "+customer_segments", "--indirect-selection", "cautious"],
    }
    report = {
        "date": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "machine": {"cpus": os.cpu_count(), "platform": platform.platform()},
        "customers": customers,
        "years": years,
        "input_rows": rows_in,
        "orders": orders,
        "steps": {},
    }
    for name, args in steps.items():
        warehouse = out / f"{name}-{customers}.duckdb"
        target = out / f"target-{name}"
        for stale in (warehouse, Path(str(warehouse) + ".wal")):
            stale.unlink(missing_ok=True)
        shutil.rmtree(target, ignore_errors=True)
        env = {
            **os.environ,
            "WAREHOUSE_PATH": str(warehouse),
            "WAREHOUSE_DEMO_DIR": str(demo),
            "DBT_PROFILES_DIR": str(Path.cwd()),
        }
        print(f"{name}: dbt {' '.join(args)} ...", flush=True)
        command = [dbt, *args, "--vars", dbt_vars, "--target-path", str(target)]
        step = timed(command, env, out / f"{name}-{customers}.log")
        step["rows_per_second"] = round(rows_in / step["seconds"])
        step["models"] = model_times(target)
        report["steps"][name] = step
        warehouse.unlink(missing_ok=True)
    path = out / f"benchmark-{customers}.json"
    path.write_text(json.dumps(report, indent=2))
    print(table(report))
    print(f"written to {path}")
    return report


def table(report: dict) -> str:
    lines = [
        f"{report['customers']:,} customers, {report['orders']:,} orders, "
        f"{report['input_rows']:,} input rows, "
        f"{report['machine']['cpus']} CPUs, {report['date']}",
        "| step | seconds | input rows/s | peak memory |",
        "|---|---:|---:|---:|",
    ]
    for name, step in report["steps"].items():
        lines.append(
            f"| {name} | {step['seconds']:.1f} | {step['rows_per_second']:,} | "
            f"{step['peak_rss_mb']:,.0f} MB |"
        )
    slowest = sorted(report["steps"]["full_build"]["models"].items(), key=lambda item: -item[1])[:5]
    lines.append(
        "slowest models: " + ", ".join(f"{name} {seconds:.1f} s" for name, seconds in slowest)
    )
    return "\n".join(lines)
