"""Benchmark: how long the warehouse takes at a given scale, step by step.

    python -m customer_scoring benchmark --customers 100000 [--out data/bench]

Generates demo data as of --as-of, and replays it as the files stood the day before and
on the day (customer_scoring/arrivals.py; none of this is timed). Then it times each step
in a process of its own, so each has its own peak memory (the child's VmHWM, its
maximum resident set):
- full_build: `dbt build` of the whole project (models, seeds and tests) into an empty
  warehouse, as of the day before, with the time of every model from run_results.json;
- rfm_path: `dbt build --select +customer_segments` (staging, facts, RFM, segments) into
  another empty warehouse;
- engine_floor: one hand-written DuckDB query (benchmark/floor.sql) computing the same
  RFM values, scores and segments from the same raw files;
- pandas_baseline: the same in pandas (benchmark/pandas_baseline.py);
- nightly_incremental: `dbt build` of the full_build warehouse with the next day's files
  (new, late and returned orders), as of that day: the incremental run.
The floor and the baseline must give the marts' answer for every customer, or the run
fails. It prints a table (seconds, ratio to the floor, input rows per second, peak
memory) and writes <out>/benchmark-<customers>.json, so runs can be compared.
DuckDB's memory limit comes from the profile (WAREHOUSE_MEMORY_LIMIT).
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

from customer_scoring.arrivals import files_on_day
from customer_scoring.demo_data import DemoConfig, generate


def high_water_mark_kb(pid: int) -> int:
    """VmHWM of a running process: the peak resident memory of its own address space."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    except (FileNotFoundError, ProcessLookupError):
        pass
    return 0


def timed(command: list[str], env: dict, log: Path) -> dict:
    """Run command in a child process (output to log); its wall time and peak memory.

    The peak is the child's VmHWM, read every 50 ms while it runs. (wait4's ru_maxrss
    would not do: Linux carries the RSS of the forked copy of this process, generator
    arrays included, across exec into the child's figure.)"""
    started = time.perf_counter()
    peak_kb = 0
    with log.open("w") as output:
        child = subprocess.Popen(command, env=env, stdout=output, stderr=subprocess.STDOUT)
        while child.poll() is None:
            peak_kb = max(peak_kb, high_water_mark_kb(child.pid))
            time.sleep(0.05)
    seconds = time.perf_counter() - started
    if child.returncode != 0:
        tail = "".join(log.read_text().splitlines(keepends=True)[-15:])
        raise RuntimeError(
            f"{' '.join(command[:4])} … failed with exit {child.returncode}; end of {log}:\n{tail}"
        )
    return {"seconds": round(seconds, 2), "peak_rss_mb": round(peak_kb / 1024, 1)}


def model_times(target: Path) -> dict[str, float]:
    results = json.loads((target / "run_results.json").read_text())["results"]
    return {
        item["unique_id"].split(".")[-1]: round(item["execution_time"], 2)
        for item in results
        if item["unique_id"].startswith("model.")
    }


def check_same_answer(name: str, result: Path, warehouse: Path) -> int:
    """The customers of `result` (a baseline's parquet) and of the marts, compared column
    by column; raises on any difference. Returns the customers compared."""
    import duckdb

    marts = (
        "select rfm.customer_id, rfm.recency_days, rfm.frequency, "
        "cast(rfm.monetary * 100 as bigint) as monetary, rfm.r_score, rfm.f_score, "
        "rfm.m_score, segments.segment "
        "from warehouse.customer_rfm as rfm "
        "inner join warehouse.customer_segments as segments using (customer_id) "
        "where rfm.is_scored"
    )
    baseline = (
        "select customer_id, cast(recency_days as integer) as recency_days, "
        "cast(frequency as bigint) as frequency, cast(monetary as bigint) as monetary, "
        "cast(r_score as integer) as r_score, cast(f_score as integer) as f_score, "
        "cast(m_score as integer) as m_score, segment "
        f"from read_parquet('{result}')"
    )
    with duckdb.connect() as con:
        con.execute(f"attach '{warehouse}' as warehouse (read_only)")
        only_marts = con.sql(f"select count(*) from ({marts} except all {baseline})").fetchall()
        only_baseline = con.sql(f"select count(*) from ({baseline} except all {marts})").fetchall()
        customers = con.sql(f"select count(*) from ({marts})").fetchall()[0][0]
    if only_marts[0][0] or only_baseline[0][0]:
        raise RuntimeError(
            f"{name} disagrees with the marts: {only_marts[0][0]} mart rows and "
            f"{only_baseline[0][0]} {name} rows differ (of {customers:,} customers)"
        )
    return customers


def prepare(customers: int, years: float, seed: int, as_of: dt.date, out: Path) -> dict:
    """Generate the demo and replay the day before and the day (not timed). Runs in a
    process of its own (see run), so the generator's arrays do not stay in memory beside
    the steps it measures."""
    import duckdb

    demo = out / f"demo-{customers}"
    print(f"generating {customers:,} customers into {demo} (not timed) ...", flush=True)
    generate(DemoConfig(customers=customers, years=years, seed=seed, as_of=as_of), demo)
    day_before = as_of - dt.timedelta(days=1)
    files = {day: out / f"files-{customers}-{day}" for day in (day_before, as_of)}
    rows = {}
    for day, folder in files.items():
        print(f"files as they stood on {day} (not timed) ...", flush=True)
        shutil.rmtree(folder, ignore_errors=True)
        rows[day] = files_on_day(demo, folder, day=day, end=as_of)
    orders = duckdb.sql(
        "select count(distinct order_id) from "
        f"read_parquet('{files[day_before] / 'transactions.parquet'}')"
    ).fetchall()[0][0]
    return {
        "files": files,
        "input_rows": sum(rows[day_before].values()),
        "orders": orders,
        "new_lines": rows[as_of]["transactions"] - rows[day_before]["transactions"],
    }


def run(customers: int, years: float, as_of: dt.date, out: Path, seed: int = 42) -> dict:
    """Generate, replay the day before and the day, then time every step (module doc)."""
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    out.mkdir(parents=True, exist_ok=True)
    spawn = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=1, mp_context=spawn) as pool:
        prepared = pool.submit(prepare, customers, years, seed, as_of, out).result()
    day_before = as_of - dt.timedelta(days=1)
    files = prepared["files"]
    rows_in, orders, new_lines = (
        prepared["input_rows"],
        prepared["orders"],
        prepared["new_lines"],
    )
    dbt = str(Path(sys.executable).with_name("dbt"))

    def dbt_vars(day: dt.date) -> str:
        return json.dumps({"as_of_date": day.isoformat(), "load_date": day.isoformat()})

    build = out / f"warehouse-{customers}.duckdb"
    rfm_only = out / f"rfm-path-{customers}.duckdb"
    for stale in (build, rfm_only):
        for path in (stale, Path(str(stale) + ".wal")):
            path.unlink(missing_ok=True)
    baseline = [sys.executable, "-m", "customer_scoring.benchmark.baselines"]
    dates = [day_before.isoformat(), day_before.isoformat()]
    steps = {
        "full_build": (build, files[day_before], [dbt, "build", "--vars", dbt_vars(day_before)]),
        # the tests of these models only (cautious: not those that also read other marts)
        "rfm_path": (
            rfm_only,
            files[day_before],
            [dbt, "build", "--select", "+customer_segments", "--indirect-selection", "cautious"]
            + ["--vars", dbt_vars(day_before)],
        ),
        "engine_floor": (None, files[day_before], baseline + ["floor", str(files[day_before])]),
        "pandas_baseline": (None, files[day_before], baseline + ["pandas", str(files[day_before])]),
        "nightly_incremental": (build, files[as_of], [dbt, "build", "--vars", dbt_vars(as_of)]),
    }
    report = {
        "date": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "machine": {
            "cpus": os.cpu_count(),
            "memory_gb": round(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30),
            "platform": platform.platform(),
        },
        "customers": customers,
        "years": years,
        "as_of": day_before.isoformat(),
        "input_rows": rows_in,
        "orders": orders,
        "new_transaction_rows_next_day": new_lines,
        "steps": {},
    }
    for name, (warehouse, folder, command) in steps.items():
        target = out / f"target-{name}"
        shutil.rmtree(target, ignore_errors=True)
        env = {
            **os.environ,
            "WAREHOUSE_DEMO_DIR": str(folder),
            "DBT_PROFILES_DIR": str(Path.cwd()),
        }
        if warehouse is not None:
            env["WAREHOUSE_PATH"] = str(warehouse)
            command = command + ["--target-path", str(target)]
        else:
            result = out / f"{name}-{customers}.parquet"
            command = command + dates + [str(result)]
        print(f"{name}: {Path(command[0]).name} {command[1]} ...", flush=True)
        step = timed(command, env, out / f"{name}-{customers}.log")
        step["rows_per_second"] = round(rows_in / step["seconds"])
        if warehouse is not None:
            step["models"] = model_times(target)
        else:
            step["customers_checked"] = check_same_answer(name, result, build)
        report["steps"][name] = step
    floor = report["steps"]["engine_floor"]["seconds"]
    for step in report["steps"].values():
        step["ratio_to_floor"] = round(step["seconds"] / floor, 2)
    report["ratios"] = {
        "rfm_path_to_floor": report["steps"]["rfm_path"]["ratio_to_floor"],
        "full_build_to_floor": report["steps"]["full_build"]["ratio_to_floor"],
        "incremental_to_full_build": round(
            report["steps"]["nightly_incremental"]["seconds"]
            / report["steps"]["full_build"]["seconds"],
            3,
        ),
    }
    for stale in (build, rfm_only):
        stale.unlink(missing_ok=True)
    path = out / f"benchmark-{customers}.json"
    path.write_text(json.dumps(report, indent=2))
    print(table(report))
    print(f"written to {path}")
    return report


def table(report: dict) -> str:
    lines = [
        f"{report['customers']:,} customers, {report['orders']:,} orders, "
        f"{report['input_rows']:,} input rows, "
        f"{report['machine']['cpus']} CPUs, {report['machine']['memory_gb']} GB, {report['date']}",
        "| step | seconds | × floor | input rows/s | peak memory |",
        "|---|---:|---:|---:|---:|",
    ]
    for name, step in report["steps"].items():
        lines.append(
            f"| {name} | {step['seconds']:.1f} | {step['ratio_to_floor']:.1f} | "
            f"{step['rows_per_second']:,} | {step['peak_rss_mb']:,.0f} MB |"
        )
    lines.append(
        f"incremental / full build: {report['ratios']['incremental_to_full_build']:.1%} "
        f"({report['new_transaction_rows_next_day']:,} new transaction rows)"
    )
    slowest = sorted(report["steps"]["full_build"]["models"].items(), key=lambda item: -item[1])[:5]
    lines.append(
        "slowest models: " + ", ".join(f"{name} {seconds:.1f} s" for name, seconds in slowest)
    )
    return "\n".join(lines)
