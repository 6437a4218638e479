"""The input contract (sources YAML) is the one declaration the rest agrees with: the base
models' reason codes, quarantined_rows' accepted reasons, freshness, docs/inputs.md and
the reader Python uses."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
import yaml
from conftest import PROJECT_DIR

from customer_scoring import contract

INPUTS = contract.inputs()
STAGING = PROJECT_DIR / "models" / "staging"


def _reasons_in(sql_path) -> list[str]:
    """Reason codes a model's SQL gives (`then '<code>'`), in order of first appearance."""
    found = re.findall(r"then '([a-z_]+)'", sql_path.read_text())
    return list(dict.fromkeys(found))


def test_the_contract_declares_twenty_one_inputs_transactions_first():
    assert len(INPUTS) == 21
    assert next(iter(INPUTS)) == "transactions"
    assert INPUTS["transactions"].required == ["customer_id", "order_id", "ordered_at", "amount"]
    types = {column.data_type for spec in INPUTS.values() for column in spec.columns}
    typed = re.compile(r"^(varchar|integer|boolean|date|timestamp|decimal\(\d+, \d+\))$")
    assert all(typed.match(data_type) for data_type in types), types


@pytest.mark.parametrize("name", sorted(INPUTS))
def test_base_model_gives_the_reasons_its_contract_lists_in_that_order(name):
    spec = INPUTS[name]
    (model,) = STAGING.glob(f"{spec.source}/base/base_{spec.source}__{name}.sql")
    assert _reasons_in(model) == list(spec.reasons)


@pytest.mark.parametrize("name", sorted(INPUTS))
def test_every_reason_has_a_check_in_the_contract(name):
    """Each staging reason is reachable from the declaration (column reason, rule,
    date_in_future with a loaded_at column, duplicate key): what validate.py derives."""
    spec = INPUTS[name]
    declared = {column.reason for column in spec.columns if column.reason}
    declared |= {rule["reason"] for rule in spec.rules}
    declared |= {spec.duplicate_reason} if spec.duplicate_reason else set()
    declared |= {"date_in_future"} if spec.loaded_at else set()
    assert set(spec.reasons) <= declared


def test_quarantined_rows_accepts_exactly_the_contract_reasons():
    models = yaml.safe_load(
        (PROJECT_DIR / "models/marts/data_quality/_data_quality__models.yml").read_text()
    )
    (quarantined,) = [m for m in models["models"] if m["name"] == "quarantined_rows"]
    columns = {column["name"]: column for column in quarantined["columns"]}

    def accepted(column: str) -> set[str]:
        (test,) = [t for t in columns[column]["data_tests"] if isinstance(t, dict)]
        return set(test["accepted_values"]["arguments"]["values"])

    reasons = {r for spec in INPUTS.values() for r in spec.reasons + spec.later_reasons}
    assert accepted("rejection_reason") == reasons
    assert accepted("source_name") == {f"{spec.source}.{name}" for name, spec in INPUTS.items()}


@pytest.mark.parametrize("name", sorted(INPUTS))
def test_every_source_has_freshness_or_says_why_not(name):
    """Every input with a date column has thresholds on it; only a reference table
    without one (the catalogue: a product is valid however old) may be exempt, saying why."""
    spec = INPUTS[name]
    dated = [column.name for column in spec.columns if column.data_type in ("timestamp", "date")]
    if spec.freshness is None:
        assert spec.freshness_exempt_reason and len(spec.freshness_exempt_reason) > 20
        assert spec.loaded_at is None
        assert dated == [], f"{name} has a date column ({dated}): give it a freshness threshold"
    else:
        assert spec.freshness["warn_after"]["count"] < spec.freshness["error_after"]["count"]
        assert spec.column(spec.loaded_at).data_type in ("timestamp", "date")


def test_docs_inputs_md_is_generated_from_the_contract():
    written = (PROJECT_DIR / "docs" / "inputs.md").read_text()
    assert written == contract.inputs_markdown(), (
        "docs/inputs.md is out of date: python -m customer_scoring.contract"
    )


def test_python_reads_a_file_as_the_reader_macro_does(tmp_path):
    """contract.duckdb_reader (validation) and the macro raw_input (dbt) read each kind of
    file the same way: compiled by dbt, compared with Python's."""
    from dbt.cli.main import dbtRunner

    paths = {
        "transactions": "orders.TXT",
        "products": "catalogue.tsv",
        "web_events": "sessions.csv.gz",
        "email_events": "mail.parquet",
        "customers": "people.csv",
    }
    inline = " | ".join(
        f"{{{{ customer_scoring.raw_input(source('{INPUTS[name].source}', '{name}')) }}}}"
        for name in paths
    )
    variables = {f"{name}_path": path for name, path in paths.items()}
    result = dbtRunner().invoke(
        ["compile", "--quiet", "--inline", inline, "--vars", yaml.safe_dump(variables)]
        + ["--project-dir", str(PROJECT_DIR), "--profiles-dir", str(PROJECT_DIR)]
        + ["--target-path", str(tmp_path / "target"), "--log-path", str(tmp_path / "logs")]
    )
    assert result.success, result.exception
    compiled = result.result.results[0].node.compiled_code.split(" | ")
    expected = [
        contract.duckdb_reader(path, INPUTS[name].file_types) for name, path in paths.items()
    ]
    assert compiled == expected
    assert [reader.split("(")[0] for reader in compiled] == [
        "read_csv",
        "read_csv",
        "read_csv",
        "read_parquet",
        "read_csv",
    ]


def _freshness(warehouse, tmp_path, files: dict[str, str], **variables) -> dict[str, str]:
    """dbt source freshness with these files ({input: CSV text}) as the run's inputs:
    {source.input: status} of every source with a threshold."""
    paths = {}
    for name, text in files.items():
        paths[f"{name}_path"] = str(tmp_path / f"{name}-{len(list(tmp_path.iterdir()))}.csv")
        Path(paths[f"{name}_path"]).write_text(text)
    run = warehouse.dbt("source", "freshness", vars={**paths, **variables})
    results = [result for result in run.results if result.node.resource_type == "source"]
    assert len(results) == 19, run.messages  # 21 sources, the catalogue and the assignments exempt
    return {result.node.unique_id.split(".", 2)[2]: str(result.status) for result in results}


def test_freshness_reads_the_contract_column_of_the_files_given(warehouse, tmp_path):
    """dbt source freshness reads each input through the one reader (loaded_at_query):
    a transactions file with yesterday's orders is fresh, one of last year is stale even
    with a stray row dated six years ahead (after the time of the check, so freshness does
    not count it), and an input the run has no file for cannot be stale."""

    def orders(day: dt.date) -> dict[str, str]:
        ahead = day + dt.timedelta(days=6 * 365)
        return {
            "transactions": "customer_id,order_id,ordered_at,amount\n"
            f"c1,o1,{day} 10:00:00,5\nc1,o2,{ahead} 10:00:00,5\n"
        }

    yesterday = dt.date.today() - dt.timedelta(days=1)
    fresh = _freshness(warehouse, tmp_path, orders(yesterday), as_of_date=str(yesterday))
    assert set(fresh.values()) == {"pass"}
    last_year = yesterday - dt.timedelta(days=365)
    stale = _freshness(warehouse, tmp_path, orders(last_year), as_of_date=str(last_year))
    assert stale.pop("shop.transactions") == "error"
    assert set(stale.values()) == {"pass"}


ORDERS = "customer_id,order_id,ordered_at,amount\n"
PROCEEDINGS = "customer_id,event_type,event_date\n"


def test_freshness_counts_only_the_rows_staging_keeps(warehouse, tmp_path):
    """Valid rows 400 days old and rows of yesterday that staging quarantines (a missing
    id, a negative amount, a second row of a customer, an unknown proceeding; and today,
    after the load date): every such input is stale (error). Freshness judges the rows
    with the base model's own SQL (the one home of the quarantine rules), so no quarantined
    row makes a stale feed look fresh. The same files with yesterday's rows valid pass."""
    today = dt.date.today()
    old = today - dt.timedelta(days=400)
    yesterday = today - dt.timedelta(days=1)
    quarantined = {
        "transactions": (
            f"{ORDERS}c1,o1,{old},5\n"
            f",o2,{yesterday},5\n"  # missing_customer_id
            f"c1,o3,{yesterday},-5\n"  # non_positive_amount
            f"c1,o4,{today},5\n"  # date_in_future: after load_date, yesterday
        ),
        # duplicate_customer_id: the second row of c1
        "customers": f"customer_id,signed_up_at\nc1,{old}\nc1,{yesterday}\n",
        # unknown_event_type
        "legal_events": f"{PROCEEDINGS}c1,safeguard,{old}\nc1,audit,{yesterday}\n",
    }
    variables = {"as_of_date": str(old), "load_date": str(yesterday)}
    stale = _freshness(warehouse, tmp_path, quarantined, **variables)
    assert {name: stale[f"{INPUTS[name].source}.{name}"] for name in quarantined} == {
        name: "error" for name in quarantined
    }

    valid = {
        "transactions": f"{ORDERS}c1,o1,{old},5\nc1,o2,{yesterday},5\n",
        "customers": f"customer_id,signed_up_at\nc1,{old}\nc2,{yesterday}\n",
        "legal_events": f"{PROCEEDINGS}c1,safeguard,{old}\nc1,liquidation,{yesterday}\n",
    }
    fresh = _freshness(warehouse, tmp_path, valid, **variables)
    assert set(fresh.values()) == {"pass"}
