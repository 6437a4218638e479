"""Commands: generate demo data, validate raw inputs, build the warehouse.

    python -m customer_scoring generate --customers 50000 --years 3 --as-of 2026-11-24
    python -m customer_scoring validate --as-of 2026-11-24
    python -m customer_scoring build    --customers 50000 --as-of 2026-11-24
    python -m customer_scoring build    --vars '{transactions_path: orders.csv}' --as-of 1998-07-01

``build`` is what ``./run build`` calls: demo data (unless you bring your own files),
validation, ``dbt build``, source freshness, and a summary. The wall clock is read here,
in the glue, never inside a model: the as-of date (today by default) and the load date
(today) are passed to dbt as vars.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import sys
import time
from pathlib import Path

import yaml

from customer_scoring.demo_data import DemoConfig, generate

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
]


class DbtFailed(SystemExit):
    pass


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
    """Run dbt in this process; stop with dbt's own message when it fails."""
    from dbt.cli.main import dbtRunner

    result = dbtRunner().invoke(args)
    if not result.success:
        detail = f": {result.exception}" if result.exception else " (see the messages above)"
        raise DbtFailed(f"dbt {args[0]} failed{detail}")


def mart_counts(database: str) -> dict[str, int]:
    import duckdb

    # dbt ran in this process: a connection with other settings (read_only) is refused
    with duckdb.connect(database) as con:
        return {name: con.sql(f"select count(*) from {name}").fetchall()[0][0] for name in MARTS}


def backtest_table(database: str) -> str:
    """The score_backtest mart as a Markdown table."""
    import duckdb

    with duckdb.connect(database) as con:
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
    """The BTYD fit status and the predictive_backtest mart, or why there are none."""
    import duckdb

    with duckdb.connect(database) as con:
        built = {
            name
            for (name,) in con.sql("select table_name from information_schema.tables").fetchall()
        }
        if not {"btyd_fits", "predictive_backtest"} <= built:
            return "predictive back-test: not built (python_models is false)"
        fits = con.sql(
            "select date_role, model, fit_status, any_value(message) from btyd_fits "
            "group by all order by date_role, model"
        ).fetchall()
        rows = con.sql(
            "select model_name, customers, customers_with_outcome, base_rate, top_decile_rate, "
            "lift, auc, predicted_spend, actual_spend, total_error_share, mean_absolute_error, "
            "top_decile_spend_share from predictive_backtest order by model_name"
        ).fetchall()
    lines = ["BG/NBD and Gamma-Gamma fits:"]
    for role, model, status, message in fits:
        lines.append(
            f"  {role:<12}{model:<12}{status}{'' if status == 'converged' else ': ' + message}"
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
        "load_date": dt.date.today().isoformat(),
    }


def _demo_dir() -> Path:
    return Path(os.environ.setdefault("WAREHOUSE_DEMO_DIR", "data/demo"))


def check_and_validate(dbt_vars: dict, as_of: dt.date, out_dir: Path) -> None:
    """Structural checks (dbt macro: the same ones dbt build runs), then the GE suites."""
    from customer_scoring.validate import Inputs, validate

    run_dbt(["run-operation", "check_settings_and_inputs", "--vars", json.dumps(dbt_vars)])
    inputs = Inputs.from_vars(dbt_vars, _demo_dir())
    report = validate(
        inputs,
        as_of,
        out_dir,
        reporting_currency=str(dbt_vars.get("reporting_currency", "EUR")).upper(),
        max_line_amount=float(dbt_vars.get("max_line_amount", 1_000_000)),
    )
    failed = [check for check in report.checks if not check.success]
    print(
        f"  {sum(report.rows_checked.values()):,} rows checked in {report.seconds:.1f} s; "
        f"{len(failed)} of {len(report.checks)} expectations found rows that dbt will "
        f"quarantine; report in {out_dir}"
    )
    for check in failed:
        print(f"    {check.input}.{check.column}: {check.unexpected:,} rows -> {check.handled_as}")


def cmd_generate(args: argparse.Namespace) -> None:
    print(f"generating demo data into {args.out} ...", flush=True)
    print(generate(_config(args), args.out))


def cmd_validate(args: argparse.Namespace) -> None:
    os.environ.setdefault("DBT_PROFILES_DIR", str(Path.cwd()))
    check_and_validate(_dbt_vars(args), args.as_of, args.out)


def cmd_build(args: argparse.Namespace) -> None:
    database = os.environ.setdefault("WAREHOUSE_PATH", "data/warehouse.duckdb")
    os.environ.setdefault("DBT_PROFILES_DIR", str(Path.cwd()))
    dbt_vars = _dbt_vars(args)
    started = time.perf_counter()
    own_files = bool(args.vars.get("transactions_path"))
    if own_files or args.skip_generate:
        print("[1/4] demo data: skipped (using the files given)", flush=True)
    else:
        print(f"[1/4] demo data into {_demo_dir()} ...", flush=True)
        print(generate(_config(args), _demo_dir()))
    print("[2/4] validating raw inputs ...", flush=True)
    validate_started = time.perf_counter()
    check_and_validate(dbt_vars, args.as_of, Path(args.validation_dir))
    validate_seconds = time.perf_counter() - validate_started
    print(f"[3/4] dbt build as of {args.as_of} into {database} ...", flush=True)
    dbt_started = time.perf_counter()
    run_dbt(["build", "--vars", json.dumps(dbt_vars)])
    dbt_seconds = time.perf_counter() - dbt_started
    if args.as_of == dt.date.today():
        print("[4/4] source freshness ...", flush=True)
        run_dbt(["source", "freshness", "--vars", json.dumps(dbt_vars)])
    else:
        print(f"[4/4] source freshness: skipped (as of {args.as_of}, not today)", flush=True)
    print(
        f"\nwarehouse {database} as of {args.as_of}: validation {validate_seconds:.1f} s, "
        f"dbt build {dbt_seconds:.1f} s, total {time.perf_counter() - started:.1f} s"
    )
    for name, count in mart_counts(database).items():
        print(f"  {name:<26}{count:>12,} rows")
    print("\n" + backtest_table(database))
    print("\n" + predictive_table(database))


def cmd_load_postgres(args: argparse.Namespace) -> None:
    from customer_scoring import postgres

    paths = {name: args.vars.get(f"{name}_path") for name in postgres.SOURCES}
    print(f"loading raw inputs into PostgreSQL ({_demo_dir()} or the paths given) ...")
    started = time.perf_counter()
    loaded = postgres.load(_demo_dir(), paths)
    seconds = time.perf_counter() - started
    print(f"{sum(loaded.values()):,} rows in {len(loaded)} tables, {seconds:.1f} s")


def _config(args: argparse.Namespace) -> DemoConfig:
    return DemoConfig(
        customers=args.customers,
        years=args.years,
        as_of=args.as_of,
        seed=args.seed,
        orders_per_customer=args.orders_per_customer,
    )


def main(argv: list[str] | None = None) -> None:
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
    build.set_defaults(func=cmd_build)

    load = commands.add_parser(
        "load-postgres",
        help="load the raw input files into PostgreSQL (one schema per source), for "
        "`dbt build --target postgres`",
    )
    with_vars(load)
    load.set_defaults(func=cmd_load_postgres)

    args = parser.parse_args(argv)
    try:
        args.func(args)
    except DbtFailed as failure:
        sys.exit(str(failure.code))


if __name__ == "__main__":
    main()
