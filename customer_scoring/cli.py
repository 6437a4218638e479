"""Commands: demo data, validation, builds, nightly runs, backfills, PostgreSQL loading.

    python -m customer_scoring generate --customers 50000 --years 3 --as-of 2026-11-24
    python -m customer_scoring validate --as-of 2026-11-24
    python -m customer_scoring build    --customers 50000 --as-of 2026-11-24
    python -m customer_scoring build    --vars '{transactions_path: orders.csv}' --as-of 1998-07-01
    python -m customer_scoring nightly  --as-of 2026-11-24 --log-format json
    python -m customer_scoring backfill --from 2026-10-01 --to 2026-11-23 --every 7
    python -m customer_scoring load-postgres
    WAREHOUSE_TARGET=spark python -m customer_scoring lifetime --as-of 2026-11-24
    python -m customer_scoring benchmark-btyd --customers 1000000
    python -m customer_scoring export-audiences --out data/exports
    python -m customer_scoring report --out data/report/index.html

``build`` is what ``./run build`` calls: demo data (unless you bring your own files), then
the nightly run (customer_scoring/nightly.py: settings, input files, validation, source
freshness, ``dbt build``, summary; the Dagster definitions run the same steps), then the
mart sizes and back-tests. ``lifetime`` builds on an engine without dbt Python models
(Spark) with the lifetime models: a dbt build, the fits in this process, a dbt build of
the rest (customer_scoring/lifetime.py). The wall clock is
read here, in the glue, never inside a model: the as-of date (today by default) and the
load date (today unless given) are passed to dbt as vars.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import sys
import time
from dataclasses import replace
from pathlib import Path

import yaml

from customer_scoring import dbt, lifetime
from customer_scoring.benchmark import ENGINES as BENCHMARK_ENGINES
from customer_scoring.benchmark import INPUTS as BENCHMARK_INPUTS
from customer_scoring.demo import DemoConfig, generate
from customer_scoring.nightly import (
    NightlyOptions,
    RunLog,
    backfill,
    backfill_dates,
    nightly,
    run_folder,
    run_guarded,
    validate_inputs,
)

MARTS = [
    "dim_customers",
    "fct_orders",
    "customer_rfm",
    "customer_segments",
    "segment_summary",
    "rfm_quintile_boundaries",
    "customer_scores",
    "score_explanations",
    "segment_profiles",
    "quarantined_rows",
    "data_quality_summary",
    "customer_history",
    "segment_transitions",
]


class DbtFailed(SystemExit):
    """A dbt command of the CLI failed; the exit status is its message."""


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date written YYYY-MM-DD: {text!r}") from None


def _vars(text: str) -> dict:
    try:
        value = yaml.safe_load(text)
    except yaml.YAMLError as error:
        raise argparse.ArgumentTypeError(f"--vars is not YAML: {error}") from None
    if not isinstance(value, dict):
        raise argparse.ArgumentTypeError(
            "--vars must be a mapping, e.g. '{transactions_path: x.csv}'"
        )
    return value


def run_dbt(args: list[str]) -> None:
    """dbt ``args`` in this process (customer_scoring.dbt.invoke). Raises DbtFailed with
    dbt's exception, or a pointer to the messages dbt printed, when it fails."""
    run = dbt.invoke(args)
    if not run.success:
        detail = f": {run.exception}" if run.exception else " (see the messages above)"
        raise DbtFailed(f"dbt {args[0]} failed{detail}")


def mart_counts(database: str) -> dict[str, int]:
    """Rows in each public mart (MARTS) of the DuckDB warehouse at path ``database``."""
    import duckdb

    with duckdb.connect(database, read_only=True) as con:
        return {name: con.sql(f"select count(*) from {name}").fetchall()[0][0] for name in MARTS}


def backtest_table(database: str) -> str:
    """The score_backtest mart of the DuckDB warehouse at ``database`` as a Markdown table
    (one row per behaviour score: customers, base rate, top-decile rate, lift, AUC)."""
    import duckdb

    with duckdb.connect(database, read_only=True) as con:
        rows = con.sql(
            "select score_name, customers, customers_with_outcome, base_rate, top_decile_rate, "
            "lift, auc, backtest_date from score_backtest order by score_name"
        ).fetchall()
    lines = [
        "| score | customers | with outcome | base rate | top-decile rate | lift | AUC |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for name, customers, positives, base, top, lift, auc, _ in rows:
        lines.append(
            f"| {name} | {customers:,} | {positives:,} | {base:.1%} | "
            f"{'-' if top is None else f'{top:.1%}'} | {lift} | {auc} |"
        )
    since = rows[0][-1] if rows else "-"
    return f"back-test of the behaviour scores (scored as of {since}):\n" + "\n".join(lines)


def predictive_table(database: str) -> str:
    """The BTYD fit status and the predictive_backtest mart of the DuckDB warehouse at
    ``database`` as text, or why there are none (the lifetime models off)."""
    import duckdb

    from customer_scoring import btyd

    with duckdb.connect(database, read_only=True) as con:
        built = {
            name
            for (name,) in con.sql("select table_name from information_schema.tables").fetchall()
        }
        if not {"btyd_fits", "predictive_backtest"} <= built:
            return (
                "predictive back-test: not built (the lifetime models are off: "
                "vars python_models and lifetime_step)"
            )
        fits = con.sql(
            "select date_role, model, comeback_gap_days, fit_status, any_value(message), "
            "bool_or(is_chosen) from btyd_fits group by all "
            "order by date_role, model, comeback_gap_days nulls first"
        ).fetchall()
        rows = con.sql(
            "select model_name, customers, customers_with_outcome, base_rate, top_decile_rate, "
            "lift, auc, predicted_spend, actual_spend, total_error_share, mean_absolute_error, "
            "top_decile_spend_share from predictive_backtest order by model_name"
        ).fetchall()
    lines = ["BG/NBD, Pareto/NBD and Gamma-Gamma fits (* predicts: chosen by back-test):"]
    for role, model, gap, status, message, chosen in fits:
        name = (
            btyd.candidate_label(btyd.candidate(model, gap))
            if model in btyd.PURCHASE_MODELS
            else "Gamma-Gamma"
        )
        lines.append(
            f"  {role:<24}{name + (' *' if chosen else ''):<48}"
            f"{status}{'' if status == 'converged' else ': ' + message}"
        )
    lines += [
        "",
        "predictive back-test (calibrated btyd_holdout_days before the as-of date):",
        "| model | customers | with outcome | base rate | top-decile rate | lift | AUC |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for name, customers, positives, base, top, lift, auc, *clv in rows:
        lines.append(
            f"| {name} | {customers:,} | {positives:,} | {base:.1%} | "
            f"{'-' if top is None else f'{top:.1%}'} | {lift} | {auc} |"
        )
        predicted, actual, error, mae, share = clv
        if predicted is not None:
            lines.append(
                f"  CLV: predicted {predicted:,.0f} against {actual:,.0f} actual ({error:+.1%}), "
                f"mean absolute error {mae}, top decile holds {share:.1%} of actual spend"
            )
    return "\n".join(lines)


def _dbt_vars(args: argparse.Namespace) -> dict:
    return {
        **args.vars,
        "as_of_date": args.as_of.isoformat(),
        # the day the files were received: today, unless given (replays, simulations)
        "load_date": str(args.vars.get("load_date") or dt.date.today().isoformat()),
    }


def _demo_dir() -> Path:
    return Path(os.environ.setdefault("WAREHOUSE_DEMO_DIR", "data/demo"))


def check_and_validate(dbt_vars: dict, as_of: dt.date, out_dir: Path) -> dict[str, int]:
    """Structural checks (the dbt macro dbt build also runs), then the Great Expectations
    suites (nightly.validate_inputs). Returns the rows checked per input; raises DbtFailed
    when a setting or an input file is unusable."""
    run_dbt(["run-operation", "check_settings_and_inputs", "--vars", json.dumps(dbt_vars)])
    return validate_inputs(dbt_vars, as_of, out_dir)


def cmd_generate(args: argparse.Namespace) -> None:
    """`generate`: the demo files into --out (customer_scoring.demo.generate)."""
    print(f"generating demo data into {args.out} ...", flush=True)
    print(generate(_config(args), args.out))


def cmd_validate(args: argparse.Namespace) -> None:
    """`validate`: settings and input files (dbt macro), then the Great Expectations
    report in --out. Raises DbtFailed when a setting or a file is unusable."""
    os.environ.setdefault("DBT_PROFILES_DIR", str(Path.cwd()))
    check_and_validate(_dbt_vars(args), args.as_of, args.out)


def _nightly_options(args: argparse.Namespace, validation_dir: Path) -> NightlyOptions:
    return NightlyOptions(
        as_of=args.as_of,
        dbt_vars=_dbt_vars(args),
        validation_dir=validation_dir,
        full_refresh=getattr(args, "full_refresh", False),
    )


def cmd_build(args: argparse.Namespace) -> int:
    """Demo data (unless you bring your own), then the nightly run, then the figures."""
    database = os.environ.setdefault("WAREHOUSE_PATH", "data/warehouse.duckdb")
    os.environ.setdefault("DBT_PROFILES_DIR", str(Path.cwd()))
    own_files = bool(args.vars.get("transactions_path"))
    if own_files or args.skip_generate:
        print("demo data: skipped (using the files given)", flush=True)
    else:
        print(f"demo data into {_demo_dir()} ...", flush=True)
        print(generate(_config(args), _demo_dir()))
    log = RunLog(run_folder(args.as_of, "build"), json_output=args.log_format == "json")
    # the files may be new demo data, not the next day of the old ones: rebuild the
    # incremental facts whole (the history is kept; it is never full-refreshed)
    options = replace(_nightly_options(args, Path(args.validation_dir)), full_refresh=True)
    code = run_guarded("build", args.as_of, log, lambda: nightly(options, log))
    if code != 0:
        return code
    print(f"\nwarehouse {database} as of {args.as_of}; run log in {log.run_dir}")
    print(docs_site(_dbt_vars(args)))
    for name, count in mart_counts(database).items():
        print(f"  {name:<26}{count:>12,} rows")
    print("\n" + backtest_table(database))
    print("\n" + predictive_table(database))
    return 0


def docs_site(dbt_vars: dict) -> str:
    """`dbt docs generate` with the catalog of the warehouse just built: the docs site
    (models, columns with the scoring definitions' doc blocks, lineage to the exposures)
    in dbt's target folder, served by `./run docs`. A failure is reported, not raised:
    the warehouse is built either way."""
    started = time.perf_counter()
    run = dbt.invoke(["docs", "generate"], dbt_vars)
    if not run.success:
        return "docs site: dbt docs generate failed: " + "; ".join(run.messages)[:500]
    target = os.environ.get("DBT_TARGET_PATH") or "target"
    return (
        f"docs site: {target}/index.html and catalog.json "
        f"({time.perf_counter() - started:.1f} s); serve it with ./run docs"
    )


def cmd_nightly(args: argparse.Namespace) -> int:
    """`nightly`: the nightly run (nightly.NightlyRun) under the warehouse lock. Returns
    its exit code (nightly module doc); prints the summary unless --log-format json."""
    os.environ.setdefault("WAREHOUSE_PATH", "data/warehouse.duckdb")
    os.environ.setdefault("DBT_PROFILES_DIR", str(Path.cwd()))
    log = RunLog(run_folder(args.as_of, "nightly"), json_output=args.log_format == "json")
    options = _nightly_options(args, log.run_dir / "validation")
    code = run_guarded("nightly", args.as_of, log, lambda: nightly(options, log))
    if code == 0 and args.log_format != "json":
        print(json.dumps(json.loads((log.run_dir / "summary.json").read_text()), indent=2))
    return code


def cmd_backfill(args: argparse.Namespace) -> int:
    """`backfill`: recompute the history of every --every days from --from to --to,
    under the lock. Returns the exit code."""
    os.environ.setdefault("WAREHOUSE_PATH", "data/warehouse.duckdb")
    os.environ.setdefault("DBT_PROFILES_DIR", str(Path.cwd()))
    log = RunLog(run_folder(args.end, "backfill"), json_output=args.log_format == "json")

    def work():
        dates = backfill_dates(args.start, args.end, args.every)
        args.as_of = args.end  # each date sets its own as_of_date
        return backfill(dates, _dbt_vars(args), log)

    return run_guarded("backfill", args.end, log, work)


def cmd_lifetime(args: argparse.Namespace) -> int:
    """`lifetime`: dbt build with the lifetime models on an engine without dbt Python
    models (WAREHOUSE_TARGET=spark): everything the fits do not feed, the lifetime step,
    the rest (customer_scoring.lifetime.build). Exit 1 when a part fails."""
    os.environ.setdefault("DBT_PROFILES_DIR", str(Path.cwd()))
    built = lifetime.build(
        _dbt_vars(args),
        full_refresh=args.full_refresh,
        progress=lambda line: print(line, flush=True),
    )
    return 0 if built else 1


def cmd_benchmark(args: argparse.Namespace) -> int:
    """`benchmark`: time the steps at a scale (customer_scoring.benchmark.run). Returns 0,
    1 when a step failed, 2 for arguments the benchmark refuses."""
    from customer_scoring import benchmark

    steps = tuple(step.strip() for step in args.steps.split(",") if step.strip()) or None
    try:
        benchmark.run(
            args.customers,
            args.years,
            args.as_of,
            args.out,
            args.seed,
            steps,
            args.input,
            args.engine,
        )
    except (ValueError, RuntimeError) as error:
        print(f"benchmark: {error}", file=sys.stderr)
        return 1 if isinstance(error, RuntimeError) else 2
    return 0


def cmd_benchmark_btyd(args: argparse.Namespace) -> int:
    """`benchmark-btyd`: time the BG/NBD, Gamma-Gamma and Pareto/NBD fits on simulated
    customers against a floor measured in the same run (customer_scoring.benchmark.btyd)."""
    from customer_scoring.benchmark import btyd

    report = btyd.run(args.customers, args.seed, previous=not args.no_previous)
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(json.dumps(report, indent=2))
        print(f"written to {args.out}")
    return 0 if report["converged"] else 1


def cmd_load_postgres(args: argparse.Namespace) -> None:
    """`load-postgres`: the raw input files into PostgreSQL (customer_scoring.postgres)."""
    from customer_scoring import postgres

    paths = {name: args.vars.get(f"{name}_path") for name in postgres.SOURCES}
    print(f"loading raw inputs into PostgreSQL ({_demo_dir()} or the paths given) ...")
    started = time.perf_counter()
    loaded = postgres.load(_demo_dir(), paths)
    seconds = time.perf_counter() - started
    print(f"{sum(loaded.values()):,} rows in {len(loaded)} tables, {seconds:.1f} s")


def cmd_export_audiences(args: argparse.Namespace) -> int:
    """`export-audiences`: a CSV and a Parquet file per audience (customer_scoring.audiences)."""
    from customer_scoring.audiences import export_audiences

    try:
        exports = export_audiences(args.out, args.as_of)
    except LookupError as error:
        print(error, file=sys.stderr)
        return 1
    for export in exports:
        print(
            f"{export.audience} ({export.channel}): {export.rows:,} rows, "
            f"{export.without_address:,} without an address -> {export.csv_path}, "
            f"{export.parquet_path.name}"
        )
    return 0


def cmd_report(args: argparse.Namespace) -> int:
    """`report`: the marketers' HTML page of charts from the marts (customer_scoring/report.py)."""
    from customer_scoring.report import write_report  # plotly is imported only for the report

    if not args.warehouse.exists():
        print(f"no warehouse at {args.warehouse}: build it first (./run build)", file=sys.stderr)
        return 66  # EX_NOINPUT
    out = write_report(args.warehouse, args.out)
    print(f"report: {out} ({out.stat().st_size / 1e6:.1f} MB); open it in a browser")
    return 0


def _config(args: argparse.Namespace) -> DemoConfig:
    return DemoConfig(
        customers=args.customers,
        years=args.years,
        as_of=args.as_of,
        seed=args.seed,
        orders_per_customer=args.orders_per_customer,
    )


def main(argv: list[str] | None = None) -> None:
    """The command line (module doc): parse ``argv`` (default sys.argv), run the command,
    exit with its code (SystemExit always; a failed dbt command exits with its message)."""
    parser = argparse.ArgumentParser(
        prog="customer_scoring",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    commands = parser.add_subparsers(dest="command", required=True)
    defaults = DemoConfig()

    def common(sub: argparse.ArgumentParser, demo: bool) -> None:
        sub.add_argument(
            "--as-of",
            type=_date,
            default=dt.date.today(),
            help="scoring date; the demo history ends the day before (default: today)",
        )
        if demo:
            sub.add_argument("--customers", type=int, default=defaults.customers)
            sub.add_argument("--years", type=float, default=defaults.years)
            sub.add_argument(
                "--orders-per-customer", type=float, default=defaults.orders_per_customer
            )
            sub.add_argument("--seed", type=int, default=defaults.seed)

    def with_vars(sub: argparse.ArgumentParser) -> None:
        sub.add_argument(
            "--vars",
            type=_vars,
            default={},
            help="dbt vars as YAML, e.g. '{transactions_path: orders.csv}'",
        )

    def logs(sub: argparse.ArgumentParser) -> None:
        sub.add_argument(
            "--log-format",
            choices=["text", "json"],
            default="text",
            help="json: one JSON event per line on stdout, for orchestrators",
        )

    gen = commands.add_parser("generate", help="write demo raw files")
    common(gen, demo=True)
    gen.add_argument(
        "--out", type=Path, default=Path(os.environ.get("WAREHOUSE_DEMO_DIR", "data/demo"))
    )
    gen.set_defaults(func=cmd_generate)

    val = commands.add_parser("validate", help="check and profile the raw inputs")
    common(val, demo=False)
    with_vars(val)
    val.add_argument("--out", type=Path, default=Path("data/validation"))
    val.set_defaults(func=cmd_validate)

    build = commands.add_parser("build", help="demo data, validation, dbt build, summary")
    common(build, demo=True)
    with_vars(build)
    build.add_argument(
        "--skip-generate",
        action="store_true",
        help="reuse the demo files already in WAREHOUSE_DEMO_DIR",
    )
    build.add_argument("--validation-dir", default="data/validation")
    logs(build)
    build.set_defaults(func=cmd_build)

    night = commands.add_parser(
        "nightly",
        help="validate, freshness, incremental build, history, summary; exit codes for "
        "orchestrators",
    )
    common(night, demo=False)
    with_vars(night)
    night.add_argument("--full-refresh", action="store_true", help="rebuild incremental models")
    logs(night)
    night.set_defaults(func=cmd_nightly)

    life = commands.add_parser(
        "lifetime",
        help="dbt build with the lifetime models on an engine without dbt Python models "
        "(Spark): the fits and predictions in a step between two builds",
    )
    common(life, demo=False)
    with_vars(life)
    life.add_argument("--full-refresh", action="store_true", help="rebuild incremental models")
    life.set_defaults(func=cmd_lifetime)

    back = commands.add_parser("backfill", help="recompute the history of a range of as-of dates")
    back.add_argument("--from", dest="start", type=_date, required=True)
    back.add_argument("--to", dest="end", type=_date, required=True)
    back.add_argument("--every", type=int, default=1, help="days between as-of dates (default 1)")
    with_vars(back)
    logs(back)
    back.set_defaults(func=cmd_backfill)

    bench = commands.add_parser(
        "benchmark", help="time the full build and the RFM path at a given scale (JSON and table)"
    )
    common(bench, demo=True)
    bench.add_argument("--out", type=Path, default=Path("data/bench"))
    bench.add_argument(
        "--steps",
        default="",
        help="comma-separated steps to time (default: every step of the input: "
        + "; ".join(f"{name}: {', '.join(steps)}" for name, steps in BENCHMARK_INPUTS.items())
        + "); without full_build and nightly_incremental only the order files are generated",
    )
    bench.add_argument(
        "--input",
        choices=list(BENCHMARK_INPUTS),
        default="demo",
        help="demo: the demo's files (default); orders-file: one Parquet file of order lines "
        "(customer_id, order_id, ordered_at, amount) through the bring-your-own path, the "
        "floor reading the same file (steps full_build, rfm_path, engine_floor); "
        "orders-folder: the same lines as a folder of daily files (transactions_path "
        "'<folder>/*.parquet'), and the night that loads one more day's file",
    )
    bench.add_argument(
        "--engine",
        choices=list(BENCHMARK_ENGINES),
        default="duckdb",
        help="duckdb (default); spark: full_build and rfm_path on a local Spark "
        "(requirements-spark.txt, Java 17; WAREHOUSE_SPARK_MEMORY sets its heap), the floor "
        "still DuckDB's query, checked against the marts Spark wrote",
    )
    bench.set_defaults(func=cmd_benchmark)

    bench_btyd = commands.add_parser(
        "benchmark-btyd",
        help="time the BG/NBD, Gamma-Gamma and Pareto/NBD fits on simulated customers with "
        "distinct histories, against one pass of the log-likelihood and the previous fit",
    )
    bench_btyd.add_argument("--customers", type=int, default=1_000_000)
    bench_btyd.add_argument("--seed", type=int, default=7)
    bench_btyd.add_argument(
        "--no-previous",
        action="store_true",
        help="skip the previous (finite-difference) fit: about 2 minutes at a million",
    )
    bench_btyd.add_argument("--out", type=Path, help="also write the figures as JSON here")
    bench_btyd.set_defaults(func=cmd_benchmark_btyd)

    load = commands.add_parser(
        "load-postgres",
        help="load the raw input files into PostgreSQL (one schema per source), for "
        "`dbt build --target postgres`",
    )
    with_vars(load)
    load.set_defaults(func=cmd_load_postgres)

    export = commands.add_parser(
        "export-audiences",
        help="write each audience's activation file (CSV and Parquet): treated members who "
        "consent to its channel, with their address",
    )
    export.add_argument("--out", type=Path, default=Path("data/exports"))
    export.add_argument(
        "--as-of", type=_date, default=None, help="as-of date (default: the latest built)"
    )
    export.set_defaults(func=cmd_export_audiences)

    report = commands.add_parser(
        "report",
        help="write the marketers' report (static HTML: RFM grid, segments, scores, campaigns, "
        "leads) from the marts",
    )
    report.add_argument(
        "--warehouse",
        type=Path,
        default=Path(os.environ.get("WAREHOUSE_PATH", "data/warehouse.duckdb")),
        help="the DuckDB warehouse to read (default: WAREHOUSE_PATH or data/warehouse.duckdb)",
    )
    report.add_argument("--out", type=Path, default=Path("data/report/index.html"))
    report.set_defaults(func=cmd_report)

    args = parser.parse_args(argv)
    try:
        code = args.func(args)
    except DbtFailed as failure:
        sys.exit(str(failure.code))
    sys.exit(code or 0)


if __name__ == "__main__":
    main()
