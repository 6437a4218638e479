"""A folder of daily deliveries (transactions_path with a '*', macros/deliveries.sql).

Three nights, each delivering files by hand: rows loaded on earlier nights are not read
again, copies of them in a new file are quarantined as duplicate_row, a row dated after
one night's load date is taken on the night it is no longer in the future, an erasure
request removes rows loaded before it, a file without rows is no obstacle, a night with
nothing new changes nothing; after each night the incremental relations equal a rebuild
from every file (--full-refresh), and the RFM marts agree. Then the contract's refusals
(a delivered file changed, touched or removed, a new file whose name sorts before one
already loaded, a warehouse built from one file) and the way out, a rebuild.
"""

from __future__ import annotations

import os
import re
import shutil
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest
from conftest import Warehouse

from customer_scoring import dbt

# slow: builds the RFM path on three nights and a full refresh each (./run test only)
pytestmark = pytest.mark.slow

# the relations a delivery run keeps incrementally, and the marts built from them
INCREMENTAL = ["base_shop__transactions", "int_order_lines_converted", "int_orders_netted"]
MARTS = ["customer_rfm", "customer_segments"]
RFM_PATH = ["--select", "+customer_segments", "--exclude", "resource_type:test"]
COLUMNS = ("customer_id", "order_id", "ordered_at", "amount")

NIGHTS = [
    # (load date, file name, rows)
    (
        "2026-01-01",
        "2026-01-01.parquet",
        [
            ("c1", "o1", "2026-01-01 10:00", 10.0),
            ("c2", "o2", "2026-01-01 11:00", 20.0),
            ("c1", "o1", "2026-01-01 10:00", 10.0),  # an exact copy in the same file
            ("c4", "o6", "2026-01-01 12:00", 8.0),
        ],
    ),
    (
        "2026-01-02",
        "2026-01-02.parquet",
        [
            ("c1", "o3", "2026-01-02 10:00", 30.0),
            ("c3", "o4", "2026-01-05 10:00", 5.0),  # after the load date: date_in_future
            ("c2", "o2", "2026-01-01 11:00", 20.0),  # a copy of a row loaded the night before
        ],
    ),
    (
        "2026-01-05",
        "2026-01-05.parquet",
        [
            ("c3", "o5", "2026-01-05 09:00", 7.0),
            ("c1", "o1", "2026-01-01 10:00", 10.0),  # a third copy, two files later
            ("c2", "o2", "2025-12-31 11:00", 4.0),  # a late line: o2's sale on another day
        ],
    ),
]


# delivered with the second night: a file of no rows (a header only), which sorts before
# that night's file, so the files' ordinals are 2026-01-01 1, this one 2, 2026-01-02 3,
# 2026-01-05 4
EMPTY = "2026-01-02-empty.parquet"


def deliver(folder: Path, name: str, rows: list[tuple]) -> Path:
    path = folder / name
    with duckdb.connect() as con:
        con.execute(
            "create table delivery (customer_id varchar, order_id varchar, ordered_at timestamp, "
            "amount double)"
        )
        if rows:
            con.executemany("insert into delivery values (?, ?, ?, ?)", rows)
        con.execute(f"copy delivery to '{path}' (format parquet)")
    return path


def settings(folder: Path, day: str, **more) -> dict:
    return {
        "transactions_path": f"{folder}/*.parquet",
        "as_of_date": day,
        "load_date": day,
        # the nights deliver copies and a late conflicting line on purpose
        "max_quarantined_share": 0.9,
        **more,
    }


def compiled_base(work_dir: Path) -> str:
    """The SQL of base_shop__transactions as the last run of ``work_dir`` ran it."""
    path = "compiled/customer_scoring/models/staging/shop/base/base_shop__transactions.sql"
    return (work_dir / "target" / path).read_text()


def rows(warehouse: Warehouse, table: str) -> list[tuple]:
    return warehouse.query(f"select * from {table} order by all")


def test_each_night_reads_its_new_file_and_equals_a_rebuild(tmp_path):
    folder = tmp_path / "orders"
    folder.mkdir()
    requests = tmp_path / "rights_requests.csv"
    # (a file without rows is refused: one request that changes nothing here)
    header = "customer_id,request_type,requested_at\nc9,objection_to_profiling,2026-01-01\n"
    requests.write_text(header)
    warehouse = Warehouse(tmp_path / "warehouse.duckdb", tmp_path)
    rebuilt = Warehouse(tmp_path / "rebuilt.duckdb", tmp_path)
    for night, (day, name, lines) in enumerate(NIGHTS, start=1):
        deliver(folder, name, lines)
        if night == 2:
            deliver(folder, EMPTY, [])
        if night == 3:
            # c4's erasure request arrives with the third delivery: rows loaded on night 1 go
            requests.write_text(header + "c4,erasure,2026-01-04\n")
        dbt_vars = settings(folder, day, rights_requests_path=str(requests))
        run = warehouse.dbt("build", *RFM_PATH, vars=dbt_vars)
        assert run.success, run.messages
        # the night read its own file, the file without rows (read by each run: it left
        # nothing to say it was loaded) and no file loaded before but night 2's on night 3
        # (o4, dated Jan 5, is due)
        read = compiled_base(tmp_path)  # names the files it reads, and no other
        new = {name} | ({EMPTY} if night >= 2 else set())
        due = {NIGHTS[1][1]} if night == 3 else set()
        assert {Path(f).name for f in re.findall(r"'([^']+[.]parquet)'", read)} == new | due
        shutil.copy(warehouse.path, rebuilt.path)
        run = rebuilt.dbt("build", "--full-refresh", *RFM_PATH, vars=dbt_vars)
        assert run.success, run.messages
        for table in INCREMENTAL + MARTS:
            assert rows(warehouse, table) == rows(rebuilt, table), f"night {night}: {table}"

        loaded = warehouse.query(
            "select source_file, count(*) from base_shop__transactions group by 1 order by 1"
        )
        assert [Path(file).name for file, _ in loaded] == [n for _, n, _ in NIGHTS[:night]]

    # a night with nothing new (a rerun, or a late file): it reads no file, changes nothing
    run = warehouse.dbt("build", *RFM_PATH, vars=dbt_vars)
    assert run.success, run.messages
    for table in INCREMENTAL + MARTS:
        assert rows(warehouse, table) == rows(rebuilt, table), f"no new file: {table}"

    base = {
        (order, row_number): (copy, reason)
        for order, row_number, copy, reason in warehouse.query(
            "select order_id, source_row_number, copy_number, rejection_reason "
            "from base_shop__transactions"
        )
    }
    # file k, row r: k x 10^10 + r (file 2 is the empty one); copies counted across files;
    # o4 (dated Jan 5) was in the future on night 2 and is taken on night 3; c4 (o6) is erased
    assert base == {
        ("o1", 10_000_000_001): (1, None),
        ("o2", 10_000_000_002): (1, None),
        ("o1", 10_000_000_003): (2, "duplicate_row"),
        ("o3", 30_000_000_001): (1, None),
        ("o4", 30_000_000_002): (1, None),
        ("o2", 30_000_000_003): (2, "duplicate_row"),
        ("o5", 40_000_000_001): (1, None),
        ("o1", 40_000_000_002): (3, "duplicate_row"),
        ("o2", 40_000_000_003): (1, None),
    }
    # as of Jan 5: c1 bought o1 (10.00, Jan 1) and o3 (30.00, Jan 2); c3 o4 (5.00) and o5
    # (7.00), both Jan 5; c2's only order is set aside (the late line puts its sale lines on
    # two days: conflicting_order_lines); c4 is erased
    assert warehouse.query(
        "select customer_id, rfm_status, recency_days, frequency, monetary from customer_rfm "
        "order by 1"
    ) == [("c1", "scored", 3, 2, Decimal("40.00")), ("c3", "scored", 0, 2, Decimal("12.00"))]


def test_the_contract_refuses_changed_removed_and_out_of_order_files(tmp_path):
    folder = tmp_path / "orders"
    folder.mkdir()
    warehouse = Warehouse(tmp_path / "warehouse.duckdb", tmp_path)
    select = ["--select", "+base_shop__transactions"]
    # built from one file first: a pattern then needs a rebuild
    one_file = deliver(tmp_path, "orders.parquet", NIGHTS[0][2])
    only = {**settings(folder, "2026-01-02"), "transactions_path": str(one_file)}
    assert warehouse.dbt("run", *select, vars=only).success
    for _, name, lines in NIGHTS[:2]:
        deliver(folder, name, lines)
    pattern = f"transactions_path '{folder}/*.parquet'"

    def refused(expected: str) -> None:
        run = warehouse.dbt("run", *select, vars=settings(folder, "2026-01-05"))
        assert not run.success
        message = " ".join(run.messages.split())
        assert pattern in message and expected in message and "--full-refresh" in message
        # before any model (on-run-start), as for an unusable file
        assert "on-run-start" in message and not run.results, run.results

    refused("was built from one file, or by an earlier version of the warehouse")
    run = warehouse.dbt("run", "--full-refresh", *select, vars=settings(folder, "2026-01-02"))
    assert run.success, run.messages

    # a delivered file rewritten with one more row, then put back as it was
    first = folder / NIGHTS[0][1]
    kept, stat = first.read_bytes(), first.stat()
    deliver(folder, NIGHTS[0][1], NIGHTS[0][2] + [("c9", "o9", "2026-01-01 13:00", 1.0)])
    refused(f"{first} changed since an earlier run loaded it ({stat.st_size} bytes then")
    first.write_bytes(kept)
    os.utime(first, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    # touched: the same bytes, written again (a CSV corrected in place keeps its size)
    os.utime(first, ns=(stat.st_atime_ns, stat.st_mtime_ns + 10**9))
    refused(
        f"{first} changed since an earlier run loaded it ({stat.st_size} bytes then, "
        f"{stat.st_size} now"
    )
    os.utime(first, ns=(stat.st_atime_ns, stat.st_mtime_ns))

    # a delivered file removed
    first.rename(tmp_path / "away.parquet")
    refused(f"{first} was loaded by an earlier run and is gone")
    (tmp_path / "away.parquet").rename(first)

    # a new file named before the files loaded
    early = deliver(folder, "2025-12-31.parquet", [("c9", "o9", "2025-12-31 13:00", 1.0)])
    refused(
        f"the new file(s) {early} sort before {first}, which an earlier run loaded as file 1 "
        "of the folder (now 2)"
    )

    # the way out: a rebuild from every file, which numbers the early file first
    run = warehouse.dbt("run", "--full-refresh", *select, vars=settings(folder, "2026-01-05"))
    assert run.success, run.messages
    assert warehouse.query(
        "select source_row_number // 10000000000, count(*) from base_shop__transactions "
        "group by 1 order by 1"
    ) == [(1, 1), (2, 4), (3, 3)]
    # and the folder as it is loads nothing more
    assert warehouse.dbt("run", *select, vars=settings(folder, "2026-01-05")).success
    assert warehouse.query("select count(*) from base_shop__transactions") == [(8,)]


def night_equals_rebuild(warehouse: Warehouse, rebuilt: Warehouse, select: list, dbt_vars: dict):
    """The night (an incremental build), then a copy of its warehouse rebuilt from every
    file: the base model and the converted lines agree."""
    assert warehouse.dbt("build", *select, vars=dbt_vars).success
    shutil.copy(warehouse.path, rebuilt.path)
    assert rebuilt.dbt("build", "--full-refresh", *select, vars=dbt_vars).success
    for table in ("base_shop__transactions", "int_order_lines_converted"):
        assert rows(warehouse, table) == rows(rebuilt, table), table


def test_a_late_line_and_a_run_without_load_date_equal_a_rebuild(tmp_path):
    """With no look-back (incremental_lookback_days 0) only the delivery tells the converted
    lines that an old order has a new line; a run without load_date takes a row dated in
    2030, which the next run's load date puts in the future again."""
    folder = tmp_path / "orders"
    folder.mkdir()
    warehouse = Warehouse(tmp_path / "warehouse.duckdb", tmp_path)
    rebuilt = Warehouse(tmp_path / "rebuilt.duckdb", tmp_path)
    select = ["--select", "+int_order_lines_converted", "--exclude", "resource_type:test"]
    deliver(folder, "2026-01-01.parquet", [("c1", "o1", "2026-01-01 10:00", 10.0)])
    deliver(folder, "2026-01-10.parquet", [("c2", "o2", "2026-01-10 10:00", 5.0)])
    first = {**settings(folder, "2026-01-10"), "incremental_lookback_days": 0}
    assert warehouse.dbt("build", *select, vars=first).success
    # o1's sale gets a line on another day, delivered late: the order is conflicting now
    deliver(folder, "2026-01-11.parquet", [("c1", "o1", "2025-12-31 09:00", 3.0)])
    second = {**first, "as_of_date": "2026-01-11", "load_date": "2026-01-11"}
    night_equals_rebuild(warehouse, rebuilt, select, second)
    assert warehouse.query(
        "select order_id, count(*) from int_order_lines_converted "
        "where rejection_reason = 'conflicting_order_lines' group by 1"
    ) == [("o1", 2)]

    # without load_date nothing is in the future: a row dated 2030 is taken, and its copy in
    # the next file is a duplicate ...
    deliver(folder, "2026-01-12.parquet", [("c3", "o3", "2030-01-01 09:00", 7.0)])
    deliver(folder, "2026-01-12_2.parquet", [("c3", "o3", "2030-01-01 09:00", 7.0)])
    no_load_date = {k: v for k, v in second.items() if k != "load_date"}
    assert warehouse.dbt("build", *select, vars=no_load_date).success
    assert warehouse.query(
        "select rejection_reason from base_shop__transactions where order_id = 'o3' order by 1"
    ) == [("duplicate_row",), (None,)]
    # ... and both are in the future for the next run with a load date, as for a rebuild
    # (date_in_future comes before duplicate_row: the copy's file is read again too)
    third = {**second, "as_of_date": "2026-01-12", "load_date": "2026-01-12"}
    night_equals_rebuild(warehouse, rebuilt, select, third)
    assert warehouse.query(
        "select rejection_reason from base_shop__transactions where order_id = 'o3'"
    ) == [("date_in_future",), ("date_in_future",)]


def test_lines_judged_with_a_customer_file_ask_for_a_rebuild_without_it(tmp_path):
    folder = tmp_path / "orders"
    folder.mkdir()
    deliver(folder, "2026-01-01.parquet", NIGHTS[0][2])
    customers = tmp_path / "customers.csv"
    customers.write_text("customer_id\nc1\n")  # c2 and c4 unknown to it
    warehouse = Warehouse(tmp_path / "warehouse.duckdb", tmp_path)
    select = ["--select", "+int_order_lines_converted", "--exclude", "resource_type:test"]
    with_file = {**settings(folder, "2026-01-02"), "customers_path": str(customers)}
    assert warehouse.dbt("build", *select, vars=with_file).success
    assert warehouse.query(
        "select count(*) from int_order_lines_converted where rejection_reason = 'unknown_customer'"
    ) == [(2,)]
    run = warehouse.dbt("build", *select, vars=settings(folder, "2026-01-02"))
    assert not run.success
    message = " ".join(run.messages.split())
    assert "was built with a customer file or exchange rates (2 lines" in message
    assert "--full-refresh" in message
    run = warehouse.dbt("build", "--full-refresh", *select, vars=settings(folder, "2026-01-02"))
    assert run.success, run.messages
    assert warehouse.query(
        "select count(*) from int_order_lines_converted where rejection_reason is not null"
    ) == [(0,)]


def test_a_folder_of_csv_files_is_numbered_by_file_and_row(tmp_path):
    folder = tmp_path / "orders"
    folder.mkdir()
    (folder / "2026-01-01.csv").write_text(
        "customer_id,order_id,ordered_at,amount\nc1,o1,2026-01-01 10:00,10.00\n"
        "c2,o2,2026-01-01 11:00,20.00\n"
    )
    warehouse = Warehouse(tmp_path / "warehouse.duckdb", tmp_path)
    select = ["--select", "+base_shop__transactions"]
    dbt_vars = {**settings(folder, "2026-01-02"), "transactions_path": f"{folder}/*.csv"}
    assert warehouse.dbt("run", *select, vars=dbt_vars).success
    (folder / "2026-01-02.csv").write_text(
        "customer_id,order_id,ordered_at,amount\nc3,o3,2026-01-02 10:00,5.00\n"
        "c1,o1,2026-01-01 10:00,10.00\n"
    )
    assert warehouse.dbt("run", *select, vars=dbt_vars).success
    rebuilt = Warehouse(tmp_path / "rebuilt.duckdb", tmp_path)
    assert rebuilt.dbt("run", *select, vars=dbt_vars).success  # both files in one read
    assert rows(warehouse, "base_shop__transactions") == rows(rebuilt, "base_shop__transactions")
    assert warehouse.query(
        "select source_row_number, order_id, rejection_reason from base_shop__transactions "
        "order by 1"
    ) == [
        (10_000_000_001, "o1", None),
        (10_000_000_002, "o2", None),
        (20_000_000_001, "o3", None),
        (20_000_000_002, "o1", "duplicate_row"),
    ]


def test_dbt_parses_a_pattern_as_a_folder_of_deliveries():
    marked = dbt.parse_time_vars({"transactions_path": "orders/*.parquet", "as_of_date": "x"})
    assert marked == {"transactions_path": dbt.GIVEN_DELIVERIES}
    assert dbt.parse_time_vars({"transactions_path": "orders.parquet"}) == {
        "transactions_path": dbt.GIVEN
    }
