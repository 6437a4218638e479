"""Seven nights in the life of the warehouse.

Day 1: the files as they stood that day, then the nightly command. Day 2..7: the files of
the next day (new orders, orders that arrived late, returns booked against orders already
seen: customer_scoring/demo/arrivals.py), and the nightly command again, incremental. After
each night:
- the incremental facts equal a full rebuild from the same files (a copy of the
  warehouse rebuilt with --full-refresh): they have missed nothing and kept nothing
  stale. Every other table is rebuilt whole from them by each run; on the last night the
  whole warehouse is compared with a full rebuild;
- the history holds one entry per night, one row per customer;
- the transition matrix of the night equals the moves counted here, between the segments
  customer_scores published the night before and tonight; customer_segment_changes agrees.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
from collections import Counter
from pathlib import Path

import duckdb
import pytest
from conftest import PROJECT_DIR, TEST_RUN_FLAGS

from customer_scoring import cli, dbt, nightly
from customer_scoring.demo import DemoConfig, files_on_day, generate

# slow: runs seven nightly builds and a full rebuild (./run test only)
pytestmark = pytest.mark.slow

END = dt.date(2026, 6, 30)  # the generated history ends the day before
DAYS = [END - dt.timedelta(days=6 - i) for i in range(7)]  # 2026-06-24 .. 2026-06-30
INCREMENTAL_FACTS = ["int_orders_netted", "fct_orders", "int_customer_activity_daily"]


def environment(warehouse: Path, demo: Path, runs: Path) -> dict:
    env = {
        **os.environ,
        "WAREHOUSE_PATH": str(warehouse),
        "WAREHOUSE_DEMO_DIR": str(demo),
        "WAREHOUSE_RUNS_DIR": str(runs),
        "DBT_PROFILES_DIR": str(PROJECT_DIR),
        # dbt's artifacts apart from the project's target/ (tests may run in parallel)
        "DBT_TARGET_PATH": str(runs.parent / "target"),
    }
    env.pop("WAREHOUSE_AS_OF_DATE", None)
    return env


def run_nightly(day: dt.date, env: dict, manifests: dict) -> None:
    """The nightly command of ``day`` (`python -m customer_scoring nightly`, its argument
    parsing, lock, steps and exit code) in this process, in ``env``: a subprocess per night
    would import dbt and Great Expectations and parse the project again each night (a
    third of a night on this small demo). The project is parsed once per parse-time
    setting: the dates are run-time vars (customer_scoring.dbt.RUN_TIME_VARS), so every
    night's parse is the same one. tests/python/test_nightly.py runs the command in
    subprocesses, as a scheduler does."""

    def parse_once(dbt_vars: dict) -> object | None:
        key = json.dumps(dbt.parse_time_vars(dbt_vars), sort_keys=True, default=str)
        if key not in manifests:
            manifests[key] = parse(dbt_vars)
        return manifests[key]

    parse = nightly.parse_manifest
    with pytest.MonkeyPatch.context() as patch:
        for name, value in env.items():
            patch.setenv(name, value)
        patch.delenv("WAREHOUSE_AS_OF_DATE", raising=False)
        patch.chdir(PROJECT_DIR)
        patch.setattr(nightly, "parse_manifest", parse_once)
        dbt_vars = json.dumps({"load_date": day.isoformat()})
        with pytest.raises(SystemExit) as exit:
            cli.main(["nightly", "--as-of", day.isoformat(), "--vars", dbt_vars])
    assert exit.value.code == 0, f"nightly {day}: exit {exit.value.code}"


def tables(path: Path) -> list[str]:
    with duckdb.connect(str(path), read_only=True) as con:
        return [
            name
            for (name,) in con.sql(
                "select table_name from information_schema.tables "
                "where table_schema = 'main' and table_type = 'BASE TABLE' order by 1"
            ).fetchall()
        ]


def differences(
    incremental: Path, rebuilt: Path, names: list[str] | None = None
) -> dict[str, tuple[int, int]]:
    """Per table: rows only in the incremental warehouse, rows only in the rebuilt one.
    Doubles are compared to 9 decimals: a parallel sum of doubles adds in a varying order,
    so two full builds already differ in the last bits (every published score is a
    decimal, compared exactly)."""
    found = {}
    with duckdb.connect() as con:
        con.execute(f"attach '{incremental}' as inc (read_only)")
        con.execute(f"attach '{rebuilt}' as rebuilt (read_only)")
        assert tables(incremental) == tables(rebuilt)
        for name in names or tables(incremental):
            columns = ", ".join(
                f'round("{column}", 9)' if kind in ("DOUBLE", "FLOAT") else f'"{column}"'
                for column, kind, *_ in con.sql(f"describe inc.{name}").fetchall()
            )
            extra, missing = (
                con.sql(
                    f"select count(*) from (select {columns} from {a}.{name} except all "
                    f"select {columns} from {b}.{name})"
                ).fetchall()[0][0]
                for a, b in (("inc", "rebuilt"), ("rebuilt", "inc"))
            )
            if extra or missing:
                found[name] = (extra, missing)
    return found


@pytest.fixture(scope="module")
def generated(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("simulation-history")
    generate(
        DemoConfig(customers=300, years=1.0, seed=11, as_of=END), out, progress=lambda *_: None
    )
    return out


def test_seven_nights_incremental_equals_full_rebuild(generated, tmp_path):
    warehouse = tmp_path / "warehouse.duckdb"
    rebuilt = tmp_path / "rebuilt.duckdb"
    runs = tmp_path / "runs"
    previous_segments: dict[str, str] | None = None
    previous_orders: dict[str, tuple] = {}
    rows_seen, late_orders, changed_orders = [], 0, 0
    parsed, nightly_manifests = None, {}
    for night, day in enumerate(DAYS, start=1):
        files = tmp_path / f"files-{day}"
        rows_seen.append(files_on_day(generated, files, day=day, end=END))
        env = environment(warehouse, files, runs)
        run_nightly(day, env, nightly_manifests)

        # the same files, rebuilt from scratch: the incremental facts each night (every
        # other table is rebuilt whole by each run anyway), the whole warehouse on the last
        # night (the history is never rebuilt: it is copied)
        shutil.copy(warehouse, rebuilt)
        last = night == len(DAYS)
        # in this process, on the project parsed once (the dates are run-time vars)
        full = {
            "env": {
                "WAREHOUSE_PATH": str(rebuilt),
                "WAREHOUSE_DEMO_DIR": str(files),
                "WAREHOUSE_AS_OF_DATE": None,
            },
            "cwd": PROJECT_DIR,
        }
        target = [
            *("--project-dir", str(PROJECT_DIR), "--profiles-dir", str(PROJECT_DIR)),
            *("--target-path", str(tmp_path / "target-full"), "--log-path", str(tmp_path)),
            *TEST_RUN_FLAGS,
        ]
        parsed = parsed or dbt.invoke(["parse", *target], **full).manifest
        rebuild = dbt.invoke(
            ["run", "--full-refresh", *target] + ([] if last else ["--select", *INCREMENTAL_FACTS]),
            {"as_of_date": day.isoformat(), "load_date": day.isoformat()},
            manifest=parsed,
            **full,
        )
        assert rebuild.success, rebuild.messages
        compared = None if last else INCREMENTAL_FACTS
        assert differences(warehouse, rebuilt, compared) == {}, f"night {night} ({day})"

        with duckdb.connect(str(warehouse), read_only=True) as con:
            per_date = con.sql(
                "select as_of_date, count(*), count(distinct customer_id) "
                "from customer_history group by 1 order by 1"
            ).fetchall()
            segments = dict(
                con.sql(
                    "select customer_id, coalesce(segment, '(not scored)') from customer_scores"
                ).fetchall()
            )
            transitions = con.sql(
                "select from_date, from_segment, to_segment, customers "
                "from segment_transitions where to_date = ?",
                params=[day],
            ).fetchall()
            changes = con.sql(
                "select customer_id, segment, previous_segment, last_changed_date "
                "from customer_segment_changes"
            ).fetchall()
            orders = {
                order_id: (status, ordered_date)
                for order_id, status, ordered_date in con.sql(
                    "select order_id, order_status, ordered_date from fct_orders"
                ).fetchall()
            }
        if previous_orders:
            yesterday = day - dt.timedelta(days=1)
            late_orders += sum(
                1
                for order_id, (_, ordered) in orders.items()
                if order_id not in previous_orders and ordered < yesterday
            )
            changed_orders += sum(
                1
                for order_id, (status, _) in orders.items()
                if order_id in previous_orders and previous_orders[order_id][0] != status
            )
        previous_orders = orders
        assert [row[0] for row in per_date] == DAYS[:night]
        assert all(count == distinct == len(segments) for _, count, distinct in per_date[-1:])
        assert all(count == distinct for _, count, distinct in per_date)

        if previous_segments is None:
            assert transitions == []
        else:
            moves = Counter()
            for customer, segment in segments.items():
                moves[(previous_segments.get(customer, "(new)"), segment)] += 1
            for customer, segment in previous_segments.items():
                if customer not in segments:
                    moves[(segment, "(gone)")] += 1
            assert {row[0] for row in transitions} == {DAYS[night - 2]}
            assert {(row[1], row[2]): row[3] for row in transitions} == dict(moves)
            # tonight's movers say so in customer_segment_changes, with tonight's date
            moved = {c for c, s in segments.items() if previous_segments.get(c, s) != s}
            for customer, segment, previous, changed in changes:
                assert segment == segments[customer]
                if customer in moved:
                    assert (previous, changed) == (previous_segments[customer], day)
        previous_segments = segments

    # the replay did what it says: each night saw more lines than the one before, some
    # orders arrived after the night of their day, and some changed status
    lines = [seen["transactions"] for seen in rows_seen]
    assert lines == sorted(lines) and len(set(lines)) == len(lines)
    assert late_orders > 0 and changed_orders > 0, (late_orders, changed_orders)
