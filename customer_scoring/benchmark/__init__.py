"""Benchmark: how long the warehouse takes at a given scale, step by step.

    python -m customer_scoring benchmark --customers 100000 [--out data/bench]

Generates demo data as of --as-of, and replays it as the files stood the day before and
on the day (customer_scoring/demo/arrivals.py; none of this is timed). Then it times each step
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
fails. It prints a table (seconds, ratio to the floor, rows per second of the files
the step reads, peak memory) and writes <out>/benchmark-<customers>.json, so runs can be compared.
DuckDB's memory limit comes from the profile (WAREHOUSE_MEMORY_LIMIT).

--input orders-file times the bring-your-own case on one Parquet file of order lines
(ORDERS_FILE_COLUMNS: customer_id, order_id, ordered_at, amount; the demo's completed
sale lines, <out>/orders-<customers>.parquet, not timed): full_build and rfm_path are
given only ``transactions_path``, as of --as-of, and
the engine floor reads the same file (steps full_build, rfm_path, engine_floor; the
pandas baseline and the incremental night read the demo's files).

--input orders-folder times the same lines delivered as a folder of daily files (the
append-only contract, macros/deliveries.sql: <out>/orders-<customers>-days/<day>.parquet,
not timed) with ``transactions_path: <folder>/*.parquet``: full_build, rfm_path and the
floor run as of the last day of orders (the day before --as-of) on the files of the days
before it; then nightly_incremental adds that day's file and runs `dbt build` of the
full_build warehouse as of --as-of, loading that one file.

--engine spark times full_build and rfm_path on a local Spark instead (the ``spark``
target of profiles.yml, tables under <out>/warehouse-... and rfm-path-...; full_build through
``python -m customer_scoring lifetime``, which builds the lifetime models too): the floor
stays DuckDB's query, and its answer is checked against the marts Spark wrote (read from
their Parquet files). Peak memory counts the Java process Spark runs in.

--steps runs some of the steps. Without full_build and nightly_incremental only the
files the RFM path reads are generated (demo.ORDER_TABLES), and the steps read them
as generated, as of --as-of: this is how the largest scales run on a small disk. A step
that fails (a baseline out of memory, say) is reported as failed, the others still run,
and the command exits non-zero.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import platform
import resource
import shutil
import subprocess
import sys
import time
from pathlib import Path

from customer_scoring.benchmark.baselines import ORDERS_FILE_COLUMNS
from customer_scoring.dbt import executable
from customer_scoring.demo import ORDER_TABLES, DemoConfig, files_on_day, generate


def high_water_mark_kb(pid: int) -> int:
    """VmHWM of a running process and of the processes it started (Spark's Java process):
    the sum of their peak resident memories (an upper bound of their peak together)."""
    total = 0
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                total += int(line.split()[1])
        children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    except (FileNotFoundError, ProcessLookupError):
        return total
    return total + sum(high_water_mark_kb(int(child)) for child in children)


def timed(command: list[str], env: dict, log: Path) -> dict:
    """Run command in a child process (output to log); its wall time, CPU time (user and
    system seconds of the child and of the children it waited for: cpu_seconds; over the
    wall time, the cores it kept busy on average) and peak memory, and an "error" (exit
    code, the end of the log) when it fails: the caller reports it.

    The peak is the child's VmHWM (with its own children's), read every 50 ms while it
    runs. (wait4's ru_maxrss
    would not do: Linux carries the RSS of the forked copy of this process, generator
    arrays included, across exec into the child's figure.)"""
    started = time.perf_counter()
    cpu_before = resource.getrusage(resource.RUSAGE_CHILDREN)
    peak_kb = 0
    with log.open("w") as output:
        child = subprocess.Popen(command, env=env, stdout=output, stderr=subprocess.STDOUT)
        while child.poll() is None:
            peak_kb = max(peak_kb, high_water_mark_kb(child.pid))
            time.sleep(0.05)
    seconds = time.perf_counter() - started
    cpu_after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = sum(
        getattr(cpu_after, name) - getattr(cpu_before, name) for name in ("ru_utime", "ru_stime")
    )
    step = {
        "seconds": round(seconds, 2),
        "cpu_seconds": round(cpu, 1),
        "peak_rss_mb": round(peak_kb / 1024, 1),
    }
    if child.returncode != 0:
        tail = log.read_text().splitlines()[-15:]
        killed = " (killed: SIGKILL, as the kernel does when memory runs out)"
        step["error"] = (
            f"exit {child.returncode}{killed if child.returncode == -9 else ''}; "
            f"end of {log}: " + " | ".join(line.strip() for line in tail if line.strip())[-600:]
        )
    return step


def model_times(target: Path) -> dict[str, float]:
    """Seconds per model (model name -> execution time) from run_results.json in dbt's
    target folder ``target``. Raises FileNotFoundError when dbt wrote none."""
    results = json.loads((target / "run_results.json").read_text())["results"]
    return {
        item["unique_id"].split(".")[-1]: round(item["execution_time"], 2)
        for item in results
        if item["unique_id"].startswith("model.")
    }


def check_same_answer(name: str, result: Path, warehouse: Path) -> int:
    """The customers of `result` (a baseline's parquet) and of the marts, compared column
    by column; raises on any difference. Returns the customers compared. ``warehouse``: a
    DuckDB file, or the folder of a Spark build (its tables' Parquet files are read)."""
    import duckdb

    spark_tables = warehouse / "warehouse" / "main.db"

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
        if warehouse.is_dir():
            con.execute("create schema warehouse")
            for table in ("customer_rfm", "customer_segments"):
                con.execute(
                    f"create view warehouse.{table} as "
                    f"select * from read_parquet('{spark_tables / table}/*.parquet')"
                )
        else:
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


STEPS = ("full_build", "rfm_path", "engine_floor", "pandas_baseline", "nightly_incremental")
WHOLE_DEMO_STEPS = {"full_build", "nightly_incremental"}  # read every file
# what each input of the benchmark offers (--input): the demo's files, or one orders file
INPUTS = {
    "demo": STEPS,
    "orders-file": ("full_build", "rfm_path", "engine_floor"),
    "orders-folder": ("full_build", "rfm_path", "engine_floor", "nightly_incremental"),
}
# the engines the models can be timed on (--engine), and their steps (the floor is
# DuckDB's query either way)
ENGINES = {
    "duckdb": STEPS,
    "spark": ("full_build", "rfm_path", "engine_floor"),
}


def write_orders_file(demo: Path, path: Path) -> int:
    """The demo's completed sale lines as one Parquet file of ORDERS_FILE_COLUMNS (the
    bring-your-own minimum), in the order generated; returns its rows."""
    import duckdb

    columns = ", ".join(ORDERS_FILE_COLUMNS)
    with duckdb.connect() as con:
        con.execute("set enable_progress_bar = false")
        con.execute(
            f"copy (select {columns} from read_parquet('{demo / 'transactions.parquet'}') "
            f"where status = 'completed') to '{path}' (format parquet)"
        )
        return con.sql(f"select count(*) from read_parquet('{path}')").fetchall()[0][0]


def write_orders_folder(orders: Path, folder: Path, last_day: dt.date) -> Path:
    """The lines of the orders file as a folder of daily deliveries, ``<day>.parquet``, one
    per day before ``last_day`` (lines dated after ``last_day``, which staging quarantines
    as date_in_future, in the file of the day before it); ``last_day``'s lines go to
    ``<folder>-next/<day>.parquet``, the night's delivery, which the nightly step puts in
    the folder. Returns that file."""
    import duckdb

    following = folder.with_name(folder.name + "-next")
    parts = folder.with_name(folder.name + "-parts")
    for path in (folder, following, parts):
        shutil.rmtree(path, ignore_errors=True)
    previous = last_day - dt.timedelta(days=1)
    with duckdb.connect() as con:
        con.execute("set enable_progress_bar = false")
        con.execute(
            f"copy (select {', '.join(ORDERS_FILE_COLUMNS)}, "
            f"case when cast(ordered_at as date) > date '{last_day}' then date '{previous}' "
            f"else cast(ordered_at as date) end as delivery_day "
            f"from read_parquet('{orders}')) "
            f"to '{parts}' "
            "(format parquet, partition_by (delivery_day), write_partition_columns false)"
        )
    folder.mkdir(parents=True)
    following.mkdir()
    for part in sorted(parts.glob("delivery_day=*")):
        day = dt.date.fromisoformat(part.name.removeprefix("delivery_day="))
        target = (following if day == last_day else folder) / f"{day}.parquet"
        files = sorted(part.glob("*.parquet"))
        if len(files) == 1:
            files[0].rename(target)
        else:
            listed = ", ".join(f"'{file}'" for file in files)
            with duckdb.connect() as con:
                con.execute(f"copy (from read_parquet([{listed}])) to '{target}' (format parquet)")
    shutil.rmtree(parts)
    return following / f"{last_day}.parquet"


def prepare(
    customers: int,
    years: float,
    seed: int,
    as_of: dt.date,
    out: Path,
    steps: tuple,
    orders_file: bool = False,
    orders_folder: bool = False,
) -> dict:
    """Generate the demo and, for the incremental night, replay the day before and the
    day, or write the orders file (not timed). Runs in a process of its own (see run), so
    the generator's arrays do not stay in memory beside the steps it measures. Returns the
    folder each day's files are in (without a replay: the generated files, as of the as-of
    date), and the orders file with ``orders_file``."""
    import duckdb

    demo = out / f"demo-{customers}"
    whole = bool(WHOLE_DEMO_STEPS & set(steps)) and not orders_file
    # a rerun at the same scale reuses the files (generation is not timed, but slow at scale)
    wanted = {
        "customers": customers,
        "years": years,
        "seed": seed,
        "as_of": as_of.isoformat(),
        "orders_only": not whole,
    }
    manifest = demo / "generated.json"
    done = json.loads(manifest.read_text()) if manifest.exists() else {}
    if done.get("config") in (wanted, {**wanted, "orders_only": False}):
        print(f"reusing the files in {demo}, generated with these settings", flush=True)
        rows = done["rows"]
    else:
        shutil.rmtree(demo, ignore_errors=True)
        print(f"generating {customers:,} customers into {demo} (not timed) ...", flush=True)
        summary = generate(
            DemoConfig(customers=customers, years=years, seed=seed, as_of=as_of),
            demo,
            orders_only=not whole,
        )
        rows = summary.rows
        manifest.write_text(json.dumps({"config": wanted, "rows": rows}, indent=2))
    day_before = as_of - dt.timedelta(days=1)
    if "nightly_incremental" in steps and not orders_file:
        files = {day: out / f"files-{customers}-{day}" for day in (day_before, as_of)}
        rows = {}
        for day, folder in files.items():
            print(f"files as they stood on {day} (not timed) ...", flush=True)
            shutil.rmtree(folder, ignore_errors=True)
            rows[day] = files_on_day(demo, folder, day=day, end=as_of)
        first_day = day_before
        new_lines = rows[as_of]["transactions"] - rows[day_before]["transactions"]
        read = rows[day_before]
    else:
        files, first_day, new_lines = {as_of: demo}, as_of, None
        read = {name: rows[name] for name in ORDER_TABLES}
    # beside the demo's folder, not in it: the replay of a later demo run copies every
    # Parquet file of that folder
    orders_path = out / f"orders-{customers}.parquet"
    if orders_file:
        print(f"writing the orders file {orders_path} (not timed) ...", flush=True)
        read = {"orders": write_orders_file(demo, orders_path)}
    folder = next_delivery = None
    if orders_folder:
        folder = out / f"orders-{customers}-days"
        print(f"writing the daily files {folder}/*.parquet (not timed) ...", flush=True)
        next_delivery = write_orders_folder(orders_path, folder, day_before)
        files, first_day = {day_before: demo, as_of: demo}, day_before
        with duckdb.connect() as con:
            counted = con.sql(f"select count(*) from read_parquet('{next_delivery}')")
            new_lines = counted.fetchall()[0][0]
        read = {"orders": read["orders"] - new_lines}
    with duckdb.connect() as con:
        con.execute("set enable_progress_bar = false")
        lines = orders_path if orders_file else files[first_day] / "transactions.parquet"
        orders = con.sql(
            f"select count(distinct order_id) from read_parquet('{lines}')"
        ).fetchall()[0][0]
    return {
        "files": files,
        "first_day": first_day,
        "input_rows": sum(read.values()),
        "order_rows": sum(read.values()) if orders_file else sum(read[n] for n in ORDER_TABLES),
        "orders": orders,
        "new_lines": new_lines,
        "orders_file": orders_path if orders_file else None,
        "orders_pattern": f"{folder}/*.parquet" if folder else None,
        "next_delivery": next_delivery,
    }


def run(
    customers: int,
    years: float,
    as_of: dt.date,
    out: Path,
    seed: int = 42,
    steps: tuple | None = None,
    input: str = "demo",
    engine: str = "duckdb",
) -> dict:
    """Generate, replay the day before and the day (or write the orders file), then time
    every step (module doc). ``steps``: default every step ``input`` and ``engine`` offer
    (INPUTS, ENGINES). Raises ValueError for steps, an input or an engine the benchmark
    does not have, or steps that need another (nothing generated then); RuntimeError when
    a step failed."""
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    if input not in INPUTS:
        raise ValueError(f"unknown input {input!r}; the inputs are {', '.join(INPUTS)}")
    if engine not in ENGINES:
        raise ValueError(f"unknown engine {engine!r}; the engines are {', '.join(ENGINES)}")
    offered = tuple(name for name in INPUTS[input] if name in ENGINES[engine])
    steps = offered if steps is None else steps
    unknown = set(steps) - set(STEPS)
    if unknown:
        raise ValueError(f"unknown steps {sorted(unknown)}; the steps are {', '.join(STEPS)}")
    if set(steps) - set(INPUTS[input]):
        names = ", ".join(sorted(set(steps) - set(INPUTS[input])))
        raise ValueError(
            f"--input {input} has no {names}: they read the demo's files "
            f"(the steps of {input}: {', '.join(INPUTS[input])})"
        )
    if set(steps) - set(ENGINES[engine]):
        names = ", ".join(sorted(set(steps) - set(ENGINES[engine])))
        raise ValueError(
            f"--engine {engine} has no {names} (the steps on {engine}: "
            f"{', '.join(ENGINES[engine])})"
        )
    orders_folder = input == "orders-folder"
    orders_file = input == "orders-file" or orders_folder
    steps = tuple(name for name in STEPS if name in steps)
    if "nightly_incremental" in steps and "full_build" not in steps:
        raise ValueError("nightly_incremental runs on the full_build warehouse: add full_build")
    baselines = {"engine_floor", "pandas_baseline"} & set(steps)
    if baselines and not {"rfm_path", "full_build"} & set(steps):
        names = ", ".join(sorted(baselines))
        raise ValueError(f"{names} are checked against the marts: add rfm_path")
    out.mkdir(parents=True, exist_ok=True)
    spawn = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=1, mp_context=spawn) as pool:
        prepared = pool.submit(
            prepare, customers, years, seed, as_of, out, steps, orders_file, orders_folder
        ).result()
    files, first_day = prepared["files"], prepared["first_day"]
    dbt = executable()  # each step in a process of its own: its time and peak memory

    def dbt_vars(day: dt.date) -> str:
        settings = {"as_of_date": day.isoformat(), "load_date": day.isoformat()}
        if orders_file:
            # the user's one file (or folder of daily files): no other input
            pattern = prepared["orders_pattern"]
            settings["transactions_path"] = pattern or str(prepared["orders_file"])
        elif not WHOLE_DEMO_STEPS & set(steps):
            # only the order files exist: read them as the user's own (bring-your-own mode)
            folder = files[first_day]
            settings |= {f"{name}_path": str(folder / f"{name}.parquet") for name in ORDER_TABLES}
        return json.dumps(settings)

    suffix = f"{customers}-{input}" if orders_file else f"{customers}"
    suffix += "-spark" if engine == "spark" else ""
    on_spark = engine == "spark"
    # a DuckDB file, or the folder of a Spark build (its tables and catalog)
    build = out / (f"warehouse-{suffix}" + ("" if on_spark else ".duckdb"))
    rfm_only = out / (f"rfm-path-{suffix}" + ("" if on_spark else ".duckdb"))
    marts = rfm_only if "rfm_path" in steps else build  # what the baselines are checked on
    remove_warehouses(build, rfm_only)
    baseline = [sys.executable, "-m", "customer_scoring.benchmark.baselines"]
    dates = [first_day.isoformat(), first_day.isoformat()]
    # on Spark the full build runs the lifetime step between two dbt builds (lifetime.build)
    lifetime = [sys.executable, "-m", "customer_scoring", "lifetime", "--as-of", dates[0]]
    commands = {
        "full_build": (
            build,
            files[first_day],
            (lifetime if on_spark else [dbt, "build"]) + ["--vars", dbt_vars(first_day)],
        ),
        # the tests of these models only (cautious: not those that also read other marts)
        "rfm_path": (
            rfm_only,
            files[first_day],
            [dbt, "build", "--select", "+customer_segments", "--indirect-selection", "cautious"]
            + ["--vars", dbt_vars(first_day)],
        ),
        "engine_floor": (
            None,
            files[first_day],
            baseline
            + (
                ["floor-orders", prepared["orders_pattern"] or str(prepared["orders_file"])]
                if orders_file
                else ["floor", str(files[first_day])]
            ),
        ),
        "pandas_baseline": (None, files[first_day], baseline + ["pandas", str(files[first_day])]),
        "nightly_incremental": (build, files.get(as_of), [dbt, "build", "--vars", dbt_vars(as_of)]),
    }
    rows_in = prepared["input_rows"]
    report = {
        "date": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "machine": {
            "cpus": os.cpu_count(),
            "memory_gb": round(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30),
            "platform": platform.platform(),
        },
        "settings": {
            name: os.environ.get(name, "profile default")
            for name in ("WAREHOUSE_DBT_THREADS", "WAREHOUSE_MEMORY_LIMIT")
        },
        "customers": customers,
        "years": years,
        "input": input,
        "engine": engine,
        "as_of": first_day.isoformat(),
        "input_rows": rows_in,
        "order_file_rows": prepared["order_rows"],
        "orders": prepared["orders"],
        "new_transaction_rows_next_day": prepared["new_lines"],
        "steps": {},
    }
    for name in steps:
        warehouse, folder, command = commands[name]
        target = out / f"target-{name}-{suffix}"
        shutil.rmtree(target, ignore_errors=True)
        env = {
            **os.environ,
            "WAREHOUSE_DEMO_DIR": str(folder),
            "DBT_PROFILES_DIR": str(Path.cwd()),
        }
        if warehouse is not None and on_spark:
            # dbt's target folder through the environment: the lifetime command runs dbt
            # three times and takes no dbt options
            env |= {
                "WAREHOUSE_TARGET": "spark",
                "WAREHOUSE_SPARK_DIR": str(warehouse),
                "DBT_TARGET_PATH": str(target),
            }
        elif warehouse is not None:
            env["WAREHOUSE_PATH"] = str(warehouse)
            command = command + ["--target-path", str(target)]
        else:
            result = out / f"{name}-{suffix}.parquet"
            command = command + dates + [str(result)]
        if name == "nightly_incremental" and orders_folder:
            # the night's delivery arrives (not timed)
            shutil.copy(prepared["next_delivery"], Path(prepared["orders_pattern"]).parent)
        print(f"{name}: {Path(command[0]).name} {command[1]} ...", flush=True)
        step = timed(command, env, out / f"{name}-{suffix}.log")
        if on_spark and warehouse is not None:
            step["cpu_seconds"] = None  # pyspark never waits for its JVM: its CPU is not seen
        # rows of the files the step reads: the RFM path and the baselines read the order files
        step["input_rows"] = rows_in if name in WHOLE_DEMO_STEPS else prepared["order_rows"]
        if name == "nightly_incremental" and orders_folder:
            step["input_rows"] = prepared["new_lines"]  # the night reads its one file
        step["rows_per_second"] = round(step["input_rows"] / step["seconds"])
        if "error" in step:
            print(f"  failed after {step['seconds']:.0f} s: {step['error']}", flush=True)
        elif warehouse is not None and not on_spark:
            step["models"] = model_times(target)
        elif warehouse is not None:
            pass  # Spark: the lifetime command's last dbt run only, so no model times
        elif "error" in report["steps"].get("rfm_path" if marts == rfm_only else "full_build"):
            step["error"] = "not checked: the marts it is checked against failed to build"
        else:
            step["customers_checked"] = check_same_answer(name, result, marts)
        report["steps"][name] = step
    done = {name: step for name, step in report["steps"].items() if "error" not in step}
    floor = done.get("engine_floor", {}).get("seconds")
    for step in report["steps"].values():
        finished = floor and "error" not in step
        step["ratio_to_floor"] = round(step["seconds"] / floor, 2) if finished else None
        if "error" in step:
            step["rows_per_second"] = None
    report["ratios"] = {
        f"{name}_to_floor": done[name]["ratio_to_floor"]
        for name in ("rfm_path", "full_build")
        if name in done and floor
    }
    if "full_build" in done and "nightly_incremental" in done:
        report["ratios"]["incremental_to_full_build"] = round(
            done["nightly_incremental"]["seconds"] / done["full_build"]["seconds"], 3
        )
    remove_warehouses(build, rfm_only)
    path = out / f"benchmark-{suffix}.json"
    path.write_text(json.dumps(report, indent=2))
    print(table(report))
    print(f"written to {path}")
    failed = [name for name, step in report["steps"].items() if "error" in step]
    if failed:
        raise RuntimeError(f"steps failed: {', '.join(failed)} (see {path})")
    return report


def remove_warehouses(*warehouses: Path) -> None:
    """Remove DuckDB warehouse files (and their write-ahead logs) or Spark build folders."""
    for warehouse in warehouses:
        if warehouse.is_dir():
            shutil.rmtree(warehouse)
        for path in (warehouse, Path(str(warehouse) + ".wal")):
            path.unlink(missing_ok=True)


def table(report: dict) -> str:
    """The report of ``run`` as a Markdown table: seconds, ratio to the engine floor, input
    rows per second, CPU seconds (and the cores they kept busy on average) and peak memory
    (MB) per step, then the incremental ratio and the five slowest models."""
    settings = report.get("settings", {})
    lines = [
        f"{report['customers']:,} customers, {report['orders']:,} orders, "
        f"{report['input_rows']:,} input rows"
        + {"orders-file": " (one orders file)", "orders-folder": " (a folder of daily files)"}.get(
            report.get("input"), ""
        )
        + (f", models on {report['engine']}" if report.get("engine", "duckdb") != "duckdb" else "")
        + ", "
        f"{report['machine']['cpus']} CPUs, {report['machine']['memory_gb']} GB, {report['date']}"
        + "".join(f", {name}={value}" for name, value in settings.items()),
        "| step | seconds | × floor | input rows/s | CPU seconds (cores busy) | peak memory |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for name, step in report["steps"].items():
        ratio = f"{step['ratio_to_floor']:.1f}" if step.get("ratio_to_floor") else "–"
        seconds = f"{step['seconds']:.1f}" + (" (failed)" if "error" in step else "")
        rows = f"{step['rows_per_second']:,}" if step.get("rows_per_second") else "–"
        cpu = step.get("cpu_seconds")  # reports written before 2026-12-02 have none
        busy = f"{cpu:,.0f} ({cpu / step['seconds']:.1f})" if cpu is not None else "–"
        lines.append(
            f"| {name} | {seconds} | {ratio} | {rows} | {busy} | {step['peak_rss_mb']:,.0f} MB |"
        )
    if "incremental_to_full_build" in report["ratios"]:
        lines.append(
            f"incremental / full build: {report['ratios']['incremental_to_full_build']:.1%} "
            f"({report['new_transaction_rows_next_day']:,} new transaction rows)"
        )
    built = [step for step in report["steps"].values() if "models" in step]
    if built:
        slowest = sorted(built[0]["models"].items(), key=lambda item: -item[1])[:5]
        lines.append(
            "slowest models: " + ", ".join(f"{name} {seconds:.1f} s" for name, seconds in slowest)
        )
    return "\n".join(lines)
