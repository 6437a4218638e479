"""The lifetime step (customer_scoring.lifetime: the route of the lifetime models on engines
without dbt Python models) gives the same tables as the dbt Python models, and refuses to
publish what it has not computed for the run's date.

Both routes run on DuckDB here, on the same demo: the Python models (the default), and
python_models false with the step between two dbt builds (lifetime.build). The same code
on the same engine: every lifetime table must be equal, row for row. test_spark.py runs
the step on Spark."""

from __future__ import annotations

import duckdb
import pytest
from conftest import Warehouse, small_demo

from customer_scoring import lifetime

# slow: two builds of a 400-customer demo (./run test only)
pytestmark = pytest.mark.slow

AS_OF = "2026-06-30"
# silences of 60 and 120 days end first lives: the one-year demo has such comebacks (none
# of the default 180 and 365 days), so the first lives and their fits are compared too
VARS = {"as_of_date": AS_OF, "load_date": AS_OF, "btyd_comeback_gap_days": [60, 120]}
NO_TESTS = ("resource_type:test", "resource_type:unit_test")
# what the lifetime models publish, and what reads them
COMPARED = (
    "btyd_fits",
    "btyd_history_predictions",
    "customer_lifetime_value",
    "churn_scores",
    "predictive_backtest",
    "probability_calibration",
    "customer_scores",
)


def build(warehouse: Warehouse, vars: dict) -> list[str]:
    said: list[str] = []
    built = lifetime.build(
        vars,
        exclude=NO_TESTS,
        run=lambda args, run_vars: warehouse.dbt(*args, vars=run_vars),
        duckdb_path=str(warehouse.path),
        progress=said.append,
    )
    assert built, "\n".join(said)
    return said


@pytest.fixture(scope="module")
def routes(tmp_path_factory):
    work = tmp_path_factory.mktemp("lifetime")
    demo = small_demo(work, AS_OF)
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("WAREHOUSE_DEMO_DIR", str(demo))
        python = Warehouse(work / "python.duckdb", work / "python")
        said_python = build(python, VARS)
        step = Warehouse(work / "step.duckdb", work / "step")
        said_step = build(step, {**VARS, "python_models": False})
        yield python, step, said_python, said_step


def test_on_an_engine_with_python_models_the_step_is_not_needed(routes):
    _, _, said_python, said_step = routes
    assert any("the lifetime step is not needed" in line for line in said_python)
    assert any(line.startswith("lifetime step: written") for line in said_step)


def test_the_step_gives_the_tables_of_the_python_models(routes):
    python, step, _, _ = routes
    with duckdb.connect() as con:
        con.execute(f"attach '{python.path}' as python (read_only)")
        con.execute(f"attach '{step.path}' as step (read_only)")
        fits = con.execute(
            "select count(*) from python.main.btyd_fits where fit_status = 'converged'"
        ).fetchone()[0]
        # every fit converged: on the calibration date both purchase models (4 + 4
        # parameters) on whole histories and on the first lives of each gap somebody came
        # back after by then (the others are the whole histories, not fitted again), and
        # Gamma-Gamma (3); on the scoring date both on the winner's kind of history, and
        # Gamma-Gamma
        gaps = con.execute(
            "select count(distinct comeback_gap_days) "
            "from python.main.int_customers_btyd_first_lives where date_role = 'calibration'"
        ).fetchone()[0]
        assert gaps == 2
        assert fits == (1 + gaps) * 8 + 3 + 8 + 3
        predicted = con.execute(
            "select count(*) from step.main.customer_lifetime_value "
            "where prediction_status = 'predicted' and clv > 0"
        ).fetchone()[0]
        assert predicted > 300
        relations = {
            route: {
                row[0]
                for row in con.execute(
                    "select table_name from information_schema.tables "
                    f"where table_catalog = '{route}'"
                ).fetchall()
            }
            for route in ("python", "step")
        }
        # the step's two tables are all the step route adds; neither leaves views behind
        assert relations["step"] - relations["python"] == {
            "lifetime_step_btyd_fits",
            "lifetime_step_btyd_history_predictions",
        }
        assert relations["python"] <= relations["step"]
        for name in COMPARED:
            for a, b in (("python", "step"), ("step", "python")):
                extra = con.execute(
                    f"select count(*) from (select * from {a}.main.{name} "
                    f"except all select * from {b}.main.{name})"
                ).fetchone()[0]
                assert extra == 0, f"{name}: {extra} rows of the {a} route not in the {b} route"


def test_the_step_models_refuse_a_missing_or_stale_step(routes):
    _, step, _, _ = routes
    step_vars = {**VARS, "python_models": False, "lifetime_step": True}
    later = {**step_vars, "as_of_date": "2026-07-31", "load_date": "2026-07-31"}
    for model in ("btyd_fits", "btyd_history_predictions"):
        run = step.dbt("run", "--select", model, vars=later)
        assert not run.success
        assert f"lifetime_step_{model}" in run.messages
        assert (
            "holds the lifetime step's results as of 2026-06-30, not as_of_date 2026-07-31"
            in run.messages
        ), run.messages
        assert "python -m customer_scoring lifetime" in run.messages
    with duckdb.connect(str(step.path)) as con:
        con.execute("drop table main.lifetime_step_btyd_history_predictions")
    run = step.dbt("run", "--select", "btyd_history_predictions", vars=step_vars)
    assert not run.success
    assert "the lifetime step has not written" in run.messages
    assert "lifetime_step_btyd_history_predictions" in run.messages
