"""The nightly command as an orchestrator sees it: exit codes, the lock, a run killed
midway, backfills that can be rerun, and the history they leave.

Each test drives `python -m customer_scoring` in a subprocess, as a scheduler would, on a
small demo warehouse of its own.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pytest
from conftest import PROJECT_DIR

from customer_scoring.demo import DemoConfig, generate
from customer_scoring.nightly import STEPS

# slow: runs the nightly command on built warehouses (./run test only)
pytestmark = pytest.mark.slow

AS_OF = dt.date(2026, 6, 30)
LOAD = {"load_date": AS_OF.isoformat()}


@pytest.fixture(scope="module")
def demo_dir(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("nightly-demo")
    generate(
        DemoConfig(customers=300, years=1.0, seed=5, as_of=AS_OF), out, progress=lambda *_: None
    )
    return out


class Warehouse:
    def __init__(self, root: Path, demo_dir: Path):
        self.path = root / "warehouse.duckdb"
        self.runs = root / "runs"
        self.env = {
            **os.environ,
            "WAREHOUSE_PATH": str(self.path),
            "WAREHOUSE_DEMO_DIR": str(demo_dir),
            "WAREHOUSE_RUNS_DIR": str(self.runs),
            "DBT_PROFILES_DIR": str(PROJECT_DIR),
            # dbt's artifacts apart from the project's target/ (tests may run in parallel)
            "DBT_TARGET_PATH": str(root / "target"),
        }
        self.env.pop("WAREHOUSE_AS_OF_DATE", None)

    def command(self, *args: str, extra_vars: dict | None = None) -> list[str]:
        return [
            sys.executable,
            "-m",
            "customer_scoring",
            *args,
            "--vars",
            json.dumps({**LOAD, **(extra_vars or {})}),
        ]

    def run(self, *args: str, extra_vars: dict | None = None) -> subprocess.CompletedProcess:
        return subprocess.run(
            self.command(*args, extra_vars=extra_vars),
            cwd=PROJECT_DIR,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=600,
        )

    def start(self, *args: str) -> subprocess.Popen:
        return subprocess.Popen(
            self.command(*args),
            cwd=PROJECT_DIR,
            env=self.env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            start_new_session=True,
        )

    def query(self, sql: str) -> list[tuple]:
        with duckdb.connect(str(self.path), read_only=True) as con:
            return con.sql(sql).fetchall()

    def events(self) -> list[dict]:
        found = []
        for log in sorted(self.runs.glob("*/events.jsonl")):
            found += [json.loads(line) for line in log.read_text().splitlines()]
        return found


@pytest.fixture
def warehouse(tmp_path, demo_dir) -> Warehouse:
    return Warehouse(tmp_path, demo_dir)


def nightly(as_of: dt.date) -> tuple[str, ...]:
    return ("nightly", "--as-of", as_of.isoformat(), "--log-format", "json")


def test_a_run_killed_midway_leaves_a_warehouse_the_next_run_completes(warehouse):
    """A second run while one holds the warehouse is refused (exit 75, naming the holder);
    the holder, killed with SIGKILL during dbt build, leaves the history as it was, and
    the next run completes it."""
    first_night = AS_OF - dt.timedelta(days=7)
    assert warehouse.run(*nightly(first_night)).returncode == 0
    victim = warehouse.start(*nightly(AS_OF))
    # kill it hard while dbt is writing models
    deadline = time.monotonic() + 300
    while not any(
        e["step"] == "dbt build" and e["status"] == "started" for e in warehouse.events()[-3:]
    ):
        assert time.monotonic() < deadline and victim.poll() is None, "never reached dbt build"
        time.sleep(0.2)
    building = time.monotonic()
    # while it holds the warehouse, a second run is refused and told by whom (exit 75)
    second = warehouse.run(*nightly(AS_OF))
    assert victim.poll() is None, "the run to kill ended before the second one was refused"
    assert second.returncode == 75, second.stdout + second.stderr
    assert "already running" in second.stderr
    assert f'"pid": {victim.pid}' in second.stderr
    time.sleep(max(0.0, 6 - (time.monotonic() - building)))
    # still inside dbt build (it takes a minute here), however long the refusal took (the
    # refused run logs its own folder)
    events = warehouse.events()
    building_run = [e for e in events if (e["step"], e["status"]) == ("dbt build", "started")]
    last = [e for e in events if e["run_id"] == building_run[-1]["run_id"]][-1]
    assert (last["step"], last["status"]) == ("dbt build", "started"), last
    os.killpg(victim.pid, signal.SIGKILL)
    victim.wait(timeout=60)
    assert victim.returncode == -signal.SIGKILL

    # the warehouse still opens and still holds the first night; the next run completes it
    assert warehouse.query("select distinct as_of_date from customer_history") == [(first_night,)]
    rerun = warehouse.run(*nightly(AS_OF))
    assert rerun.returncode == 0, rerun.stdout + rerun.stderr

    # one entry per customer and night
    assert warehouse.query(
        "select as_of_date, count(*) = count(distinct customer_id) from customer_history "
        "group by 1 order by 1"
    ) == [(first_night, True), (AS_OF, True)]
    assert warehouse.query(
        f"select count(*) from customer_history where as_of_date = date '{AS_OF}'"
    ) == warehouse.query("select count(*) from customer_scores")

    # the moves the summary reports are the customers whose segment changed, counted here
    # straight from the history
    (moved,) = warehouse.query(
        "select count(*) from customer_history as before "
        "join customer_history as after using (customer_id) "
        f"where before.as_of_date = date '{first_night}' and after.as_of_date = date '{AS_OF}' "
        "and coalesce(before.segment, '-') != coalesce(after.segment, '-')"
    )[0]
    summary = json.loads(sorted(warehouse.runs.glob("*/summary.json"))[-1].read_text())
    assert summary["segment_moves"] == moved > 0
    assert summary["previous_as_of_date"] == first_night.isoformat()
    assert summary["history_dates"] == 2
    assert (
        sum(summary["customers_per_segment"].values())
        == warehouse.query("select count(*) from customer_segments")[0][0]
    )
    assert summary["rows_in"]["transactions"] > 0
    # every step logged as JSON, in order, with the run's artifacts beside it; as of a past
    # date source freshness (which compares with the wall clock) is skipped
    folder = sorted(path.parent for path in warehouse.runs.glob("*_nightly_*/summary.json"))[-1]
    events = [json.loads(line) for line in (folder / "events.jsonl").read_text().splitlines()]
    assert [(e["step"], e["status"]) for e in events if e["step"] in STEPS] == [
        (step, status)
        for step in STEPS
        for status in (("skipped",) if step == "source freshness" else ("started", "ok"))
    ]
    assert (events[-1]["step"], events[-1]["status"]) == ("nightly", "succeeded")
    assert len(list(warehouse.runs.glob("*/run_results.json"))) >= 2


def test_backfill_fills_past_dates_and_a_rerun_gives_the_same_rows(warehouse):
    assert warehouse.run(*nightly(AS_OF)).returncode == 0
    start, end = AS_OF - dt.timedelta(days=14), AS_OF - dt.timedelta(days=7)
    backfill = ("backfill", "--from", start.isoformat(), "--to", end.isoformat(), "--every", "7")
    done = warehouse.run(*backfill)
    assert done.returncode == 0, done.stdout + done.stderr
    assert [
        row[0]
        for row in warehouse.query("select distinct as_of_date from customer_history order by 1")
    ] == [
        start,
        end,
        AS_OF,
    ]
    rows = "select * from customer_history where as_of_date = date '{}' order by customer_id"
    before = warehouse.query(rows.format(start))
    again = warehouse.run("backfill", "--from", start.isoformat(), "--to", start.isoformat())
    assert again.returncode == 0, again.stdout + again.stderr
    assert warehouse.query(rows.format(start)) == before
    # and the current marts are back as of the latest date
    assert warehouse.query("select distinct as_of_date from customer_scores") == [(AS_OF,)]
    # transitions exist for each consecutive pair
    assert warehouse.query(
        "select distinct from_date, to_date from segment_transitions order by 1"
    ) == [
        (start, end),
        (end, AS_OF),
    ]


@pytest.mark.parametrize(
    ("extra_vars", "code", "step"),
    [
        ({"reporting_currency": "EURO"}, 78, "settings"),
        ({"transactions_path": "/nowhere/orders.csv"}, 65, "input files"),
        ({"max_quarantined_share": 0.0001}, 65, "dbt build"),
    ],
)
def test_exit_codes_say_what_failed(warehouse, extra_vars, code, step):
    result = warehouse.run(*nightly(AS_OF), extra_vars=extra_vars)
    assert result.returncode == code, result.stdout + result.stderr
    failed = [event for event in warehouse.events() if event["status"] == "failed"]
    assert failed[-1]["step"] == step
    assert failed[-1]["exit_code"] == code


def test_stale_inputs_stop_the_run_at_source_freshness(warehouse):
    """As of today the run checks freshness; the demo files end months ago: stale (65),
    before anything is built, with dbt's freshness results kept in the run folder."""
    result = warehouse.run(*nightly(dt.date.today()))
    assert result.returncode == 65, result.stdout + result.stderr
    failed = [event for event in warehouse.events() if event["status"] == "failed"]
    assert failed[-1]["step"] == "source freshness"
    assert not any(event["step"] == "dbt build" for event in warehouse.events())
    (kept,) = warehouse.runs.glob("*/sources.json")
    statuses = {item["status"] for item in json.loads(kept.read_text())["results"]}
    assert "error" in statuses
