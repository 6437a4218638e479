"""Commands: generate demo data, build the warehouse, report what was built.

    python -m customer_scoring generate --customers 50000 --years 3 --as-of 2026-11-24
    python -m customer_scoring build    --customers 50000 --as-of 2026-11-24

``build`` is what ``./run build`` calls: demo data, then ``dbt build``, then a summary.
The wall clock is read here, in the glue, never inside a model: the as-of date it picks
(today, by default) is passed to dbt as a var.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import sys
import time
from pathlib import Path

from customer_scoring.demo_data import DemoConfig, generate

MARTS = [
    "dim_customers",
    "fct_orders",
    "customer_rfm",
    "customer_segments",
    "segment_summary",
    "rfm_quintile_boundaries",
    "quarantined_rows",
]


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date written YYYY-MM-DD: {text!r}") from None


def _demo_args(parser: argparse.ArgumentParser) -> None:
    defaults = DemoConfig()
    parser.add_argument("--customers", type=int, default=defaults.customers)
    parser.add_argument("--years", type=float, default=defaults.years)
    parser.add_argument("--orders-per-customer", type=float, default=defaults.orders_per_customer)
    parser.add_argument("--seed", type=int, default=defaults.seed)
    parser.add_argument(
        "--as-of",
        type=_date,
        default=dt.date.today(),
        help="scoring date; the demo history ends the day before (default: today)",
    )


def _config(args: argparse.Namespace) -> DemoConfig:
    return DemoConfig(
        customers=args.customers,
        years=args.years,
        as_of=args.as_of,
        seed=args.seed,
        orders_per_customer=args.orders_per_customer,
    )


def run_dbt(args: list[str]) -> None:
    """Run dbt in this process; exit with its status when it fails."""
    from dbt.cli.main import dbtRunner

    result = dbtRunner().invoke(args)
    if not result.success:
        sys.exit(f"dbt {args[0]} failed" + (f": {result.exception}" if result.exception else ""))


def mart_counts(database: str) -> dict[str, int]:
    import duckdb

    # dbt ran in this process: a connection with other settings (read_only) is refused
    with duckdb.connect(database) as con:
        return {name: con.sql(f"select count(*) from {name}").fetchall()[0][0] for name in MARTS}


def cmd_generate(args: argparse.Namespace) -> None:
    print(f"generating demo data into {args.out} ...", flush=True)
    print(generate(_config(args), args.out))


def cmd_build(args: argparse.Namespace) -> None:
    demo_dir = Path(os.environ.setdefault("WAREHOUSE_DEMO_DIR", "data/demo"))
    database = os.environ.setdefault("WAREHOUSE_PATH", "data/warehouse.duckdb")
    os.environ.setdefault("DBT_PROFILES_DIR", str(Path.cwd()))
    started = time.perf_counter()
    if not args.skip_generate:
        print(f"[1/2] demo data into {demo_dir} ...", flush=True)
        print(generate(_config(args), demo_dir))
    print(f"[2/2] dbt build as of {args.as_of} into {database} ...", flush=True)
    dbt_started = time.perf_counter()
    run_dbt(["build", "--vars", json.dumps({"as_of_date": args.as_of.isoformat()})])
    dbt_seconds = time.perf_counter() - dbt_started
    print(
        f"\nwarehouse {database} as of {args.as_of}: dbt build {dbt_seconds:.1f} s, "
        f"total {time.perf_counter() - started:.1f} s"
    )
    for name, count in mart_counts(database).items():
        print(f"  {name:<26}{count:>12,} rows")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        prog="customer_scoring",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    commands = parser.add_subparsers(dest="command", required=True)
    gen = commands.add_parser("generate", help="write demo raw files")
    _demo_args(gen)
    gen.add_argument(
        "--out", type=Path, default=Path(os.environ.get("WAREHOUSE_DEMO_DIR", "data/demo"))
    )
    gen.set_defaults(func=cmd_generate)
    build = commands.add_parser("build", help="demo data + dbt build + summary")
    _demo_args(build)
    build.add_argument(
        "--skip-generate",
        action="store_true",
        help="reuse the demo files already in WAREHOUSE_DEMO_DIR",
    )
    build.set_defaults(func=cmd_build)
    args = parser.parse_args(argv)
    args.func(args)


if __name__ == "__main__":
    main()
