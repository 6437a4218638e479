"""The input contract (sources YAML) is the one declaration the rest agrees with: the base
models' reason codes, quarantined_rows' accepted reasons, freshness, docs/inputs.md and
the reader Python uses."""

from __future__ import annotations

import re

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


def test_the_contract_declares_fifteen_inputs_transactions_first():
    assert len(INPUTS) == 15
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
    spec = INPUTS[name]
    if spec.freshness is None:
        assert spec.freshness_exempt_reason and len(spec.freshness_exempt_reason) > 20
        assert spec.loaded_at is None
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


def test_freshness_reads_the_contract_column_of_the_files_given(warehouse, tmp_path):
    """dbt source freshness reads each input through the one reader (loaded_at_query):
    a transactions file with yesterday's orders is fresh, one of last year is stale even
    with a stray row dated six years ahead (staging quarantines it as date_in_future, so
    freshness does not count it), and an input the run has no file for cannot be stale."""
    import datetime as dt
    import json

    def freshness(day: dt.date) -> dict[str, str]:
        orders = tmp_path / f"orders-{day}.csv"
        ahead = day + dt.timedelta(days=6 * 365)
        orders.write_text(
            "customer_id,order_id,ordered_at,amount\n"
            f"c1,o1,{day} 10:00:00,5\nc1,o2,{ahead} 10:00:00,5\n"
        )
        run = warehouse.dbt(
            "source",
            "freshness",
            vars={"transactions_path": str(orders), "as_of_date": str(day)},
        )
        sources = warehouse.work_dir / "target" / "sources.json"
        results = json.loads(sources.read_text())["results"]
        assert len(results) == 13, run.messages  # 15 sources, 2 exempt (freshness: null)
        return {result["unique_id"].split(".", 2)[2]: result["status"] for result in results}

    yesterday = dt.date.today() - dt.timedelta(days=1)
    fresh = freshness(yesterday)
    assert set(fresh.values()) == {"pass"}
    stale = freshness(yesterday - dt.timedelta(days=365))
    assert stale.pop("shop.transactions") == "error"
    assert set(stale.values()) == {"pass"}
