"""The demo generator: deterministic, at the requested scale, realistic and a little dirty."""

from __future__ import annotations

import ast
import datetime as dt
import subprocess
import sys
from pathlib import Path

import duckdb
import pyarrow.parquet as pq
import pytest

from customer_scoring.demo import ORDER_TABLES, DemoConfig, generate

# slow: generates 3,000-customer demos (./run test only)
pytestmark = pytest.mark.slow

AS_OF = dt.date(2026, 6, 30)
CONFIG = DemoConfig(customers=3000, years=2, as_of=AS_OF, seed=11)
TABLES = [
    "customers",
    "products",
    "transactions",
    "exchange_rates",
    "web_events",
    "email_events",
    "survey_responses",
    "product_reviews",
    "customer_interests",
    "leads",
    "lead_identifications",
    "lead_interactions",
    "lead_conversions",
]


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    out = tmp_path_factory.mktemp("demo")
    summary = generate(CONFIG, out, progress=lambda _: None)
    return out, summary


def sql(out, query: str):
    """Run a query where {t} names the transactions file, {c} the customers file, and
    {web}, {email}, {surveys}, {reviews}, {interests}, {products} the others."""
    files = {
        "t": "transactions",
        "c": "customers",
        "web": "web_events",
        "email": "email_events",
        "surveys": "survey_responses",
        "reviews": "product_reviews",
        "interests": "customer_interests",
        "products": "products",
    }
    query = query.format(**{key: f"'{out}/{name}.parquet'" for key, name in files.items()})
    return duckdb.sql(query).fetchall()


def test_same_seed_same_data_other_seed_other_data(demo, tmp_path):
    out, _ = demo
    generate(CONFIG, tmp_path / "again", progress=lambda _: None)
    for name in TABLES:
        assert pq.read_table(out / f"{name}.parquet").equals(
            pq.read_table(tmp_path / "again" / f"{name}.parquet")
        ), name
    other = DemoConfig(customers=3000, years=2, as_of=AS_OF, seed=12)
    generate(other, tmp_path / "other", progress=lambda _: None)
    assert not pq.read_table(out / "transactions.parquet").equals(
        pq.read_table(tmp_path / "other" / "transactions.parquet")
    )


def test_scale_follows_parameters(demo):
    out, summary = demo
    assert summary.rows["customers"] == 3000
    (orders,) = sql(out, "select count(distinct order_id) from {t}")[0]
    # orders_per_customer = 10 on average, before defects
    assert 0.9 * 30_000 < orders < 1.1 * 30_000
    assert summary.history_end == AS_OF - dt.timedelta(days=1)


def test_history_ends_the_day_before_the_as_of_date(demo):
    out, summary = demo
    first, last = sql(
        out,
        "select min(ordered_at)::date, max(ordered_at)::date from {t} "
        "where ordered_at::date < date '2026-06-30'",
    )[0]
    assert first >= summary.history_start
    assert last == AS_OF - dt.timedelta(days=1)


def test_customers_and_orders_are_realistic(demo):
    out, _ = demo
    types = dict(sql(out, "select customer_type, count(*) from {c} group by 1"))
    assert 0.10 < types["B2B"] / 3000 < 0.20
    statuses = dict(sql(out, "select status, count(*) from {t} group by 1"))
    assert set(statuses) == {"completed", "cancelled", "returned", "refunded"}
    currencies = {row[0] for row in sql(out, "select distinct currency from {t}")}
    assert currencies == {"EUR", "GBP", "USD", "CHF"}
    # heterogeneous purchase rates: some buy once, some buy a lot; some never buy
    per_customer = sql(
        out,
        "select count(distinct order_id) as n from {t} "
        "where customer_id is not null and order_id is not null "
        "group by customer_id",
    )
    counts = sorted(n for (n,) in per_customer)
    assert counts[0] == 1 and counts[-1] > 50
    assert len(counts) < 3000
    # heavy-tailed spend: the top 10% of buyers hold far more than 10% of revenue
    (top_share,) = sql(
        out,
        "with spend as (select customer_id, sum(amount) as s from {t} "
        "where status = 'completed' and amount > 0 group by 1), "
        "ranked as (select s, ntile(10) over (order by s desc) as decile from spend) "
        "select sum(s) filter (where decile = 1) / sum(s) from ranked",
    )[0]
    assert top_share > 0.3


def test_a_small_share_of_rows_is_dirty(demo):
    out, _ = demo
    rows, missing_customer, missing_order, non_positive, future = sql(
        out,
        "select count(*), count(*) filter (where customer_id is null), "
        "count(*) filter (where order_id is null), count(*) filter (where amount <= 0), "
        "count(*) filter (where ordered_at::date >= date '2026-06-30') from {t}",
    )[0]
    # extra copies of identical rows: all rows minus distinct rows
    (duplicates,) = sql(
        out, "select count(*) from (select * from {t} except all select distinct * from {t})"
    )[0]
    (test_accounts,) = sql(
        out,
        "select count(*) from {c} where email like '%@example.com' or email like '%@test.local'",
    )[0]
    for defect in (
        missing_customer,
        missing_order,
        non_positive,
        future,
        duplicates,
        test_accounts,
    ):
        assert defect > 0
    assert missing_customer + missing_order + non_positive + duplicates < 0.02 * rows


def test_behaviour_follows_purchasing(demo):
    out, _ = demo
    # buyers who order more browse more: sessions per customer rise with orders
    low, high = sql(
        out,
        "with orders as (select customer_id, count(distinct order_id) as n from {t} "
        "group by 1), sessions as (select customer_id, count(distinct session_id) as s "
        "from {web} group by 1), joined as (select n, s, ntile(2) over (order by n) as half "
        "from orders join sessions using (customer_id)) "
        "select avg(s) filter (where half = 1), avg(s) filter (where half = 2) from joined",
    )[0]
    assert high > 2 * low
    # most orders have their product in a cart the same day
    (share,) = sql(
        out,
        "with carts as (select distinct customer_id, product_id, event_at::date as d "
        "from {web} where event_type = 'add_to_cart'), firsts as (select customer_id, "
        "product_id, ordered_at::date as d from {t} where line_number = 1 and "
        "status = 'completed') select avg(case when carts.d is not null then 1 else 0 end) "
        "from firsts left join carts using (customer_id, product_id, d)",
    )[0]
    assert share > 0.9
    # unhappy customers leave: those with a purchase in the last 90 days answer NPS higher
    recent, lapsed = sql(
        out,
        "with last as (select customer_id, max(ordered_at) >= date '2026-04-01' as recent "
        "from {t} group by 1) select avg(score) filter (where recent), "
        "avg(score) filter (where not recent) from {surveys} join last using (customer_id) "
        "where survey_type = 'nps' and score <= 10",
    )[0]
    assert recent > lapsed + 0.5
    # e-mails only reach opted-in customers; every event lies inside the history
    (not_opted_in,) = sql(
        out,
        "select count(*) from {email} join {c} using (customer_id) where not email_opt_in",
    )[0]
    assert not_opted_in == 0
    for table, column in [("web", "event_at"), ("email", "event_at"), ("reviews", "reviewed_at")]:
        (last,) = sql(out, f"select max({column})::date from {{{table}}}")[0]
        assert last < AS_OF
    # interests lean to the categories a customer buys
    (matching,) = sql(
        out,
        "with bought as (select distinct t.customer_id, p.category from {t} t "
        "join {products} p using (product_id)), mapped as (select customer_id, case interest "
        "when 'reading' then 'Books' when 'music' then 'Music' when 'cooking' then 'Kitchen' "
        "when 'technology' then 'Electronics' when 'fashion' then 'Fashion' end as category "
        "from {interests}) select avg(case when bought.customer_id is not null then 1 else 0 "
        "end) from mapped left join bought using (customer_id, category) "
        "where mapped.category is not null",
    )[0]
    assert matching > 0.6


def test_rejects_nonsense_parameters(tmp_path):
    with pytest.raises(ValueError):
        generate(DemoConfig(customers=0, as_of=AS_OF), tmp_path, progress=lambda _: None)


@pytest.mark.parametrize("years", [0.1, 0.5])
def test_a_history_too_short_for_any_offer_still_generates(tmp_path, years):
    """The planted offers need 60 days of history after their start: a shorter history
    has newsletters only (the benchmark's half-year demo once failed on the empty list)."""
    generate(DemoConfig(customers=50, years=years, as_of=AS_OF, seed=3), tmp_path, lambda _: None)
    campaigns = pq.read_table(next(tmp_path.glob("campaigns.*"))).to_pylist()
    assert campaigns and all(row["campaign_id"].startswith("NL") for row in campaigns)


def test_customers_are_drawn_in_blocks_with_ids_unique_across_blocks(tmp_path):
    """At scale the generator draws BLOCK_CUSTOMERS at a time (flat memory); blocks must
    not share order, session, invoice or other ids, and a session or an order stays with
    one customer."""
    config = DemoConfig(customers=2000, years=2, as_of=AS_OF, seed=11)
    summary = generate(config, tmp_path / "blocks", progress=lambda _: None, block_customers=700)
    out = tmp_path / "blocks"
    assert summary.rows["customers"] == 2000
    assert summary.rows["products"] == pq.read_table(out / "products.parquet").num_rows == 400
    assert sql(out, "select count(distinct customer_id), max(customer_id) from {c}") == [
        (2000, "C0002000")
    ]
    # every block buys: customers of the last block (1401..2000) have orders
    assert (
        sql(out, "select count(distinct customer_id) from {t} where customer_id > 'C0001400'")[0][0]
        > 400
    )
    for column, table in [("order_id", "{t}"), ("session_id", "{web}")]:
        shared = sql(
            out,
            f"select count(*) from (select {column} from {table} where customer_id is not null "
            f"and {column} is not null "
            f"group by {column} having count(distinct customer_id) > 1)",
        )
        assert shared == [(0,)], column
    for name, key in [
        ("invoices", "invoice_id"),
        ("payments", "payment_id"),
        ("survey_responses", "response_id"),
        ("product_reviews", "review_id"),
    ]:
        ids = pq.read_table(out / f"{name}.parquet", columns=[key]).column(key)
        assert len(ids) == len(set(ids.to_pylist())), name
    assert sql(out, "select count(*) from {web} where session_id like 'S2-%'")[0][0] > 0

    generate(
        config, tmp_path / "orders", progress=lambda _: None, orders_only=True, block_customers=700
    )
    written = sorted(path.stem for path in (tmp_path / "orders").iterdir())
    assert written == sorted(ORDER_TABLES)
    assert pq.read_table(tmp_path / "orders" / "transactions.parquet").equals(
        pq.read_table(out / "transactions.parquet")
    )


PACKAGE = Path(__file__).resolve().parents[2] / "customer_scoring"


def imports_of(path: Path) -> set[str]:
    """The customer_scoring modules a file imports, at module level or inside functions."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom) and node.module:
            module = node.module if node.level == 0 else None
            if module is None:  # relative: resolve against the file's package
                parts = ("customer_scoring", *path.relative_to(PACKAGE).parent.parts)
                base = parts[: len(parts) - node.level + 1]
                module = ".".join([*base, node.module])
            names = [f"{module}.{alias.name}" for alias in node.names]
            found.add(module)
            found.update(name for name in names if module_path(name) is not None)
        elif isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
    return {name for name in found if name.startswith("customer_scoring")}


def module_path(name: str) -> Path | None:
    if name == "customer_scoring":
        return PACKAGE / "__init__.py"
    relative = Path(*name.split(".")[1:])
    for candidate in (PACKAGE / relative.with_suffix(".py"), PACKAGE / relative / "__init__.py"):
        if candidate.exists():
            return candidate
    return None


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE).with_suffix("").parts
    return ".".join(("customer_scoring", *(parts[:-1] if parts[-1] == "__init__" else parts)))


def test_the_package_imports_form_no_cycle():
    """customer_scoring (demo included) imports in one direction only: a graph of every
    import between its modules, function-level imports too, has no cycle."""
    graph = {
        module_name(path): {name for name in imports_of(path) if module_path(name)}
        for path in PACKAGE.rglob("*.py")
    }
    graph = {name: {module_name(module_path(dep)) for dep in deps} - {name}
             for name, deps in graph.items()}  # fmt: skip
    assert "customer_scoring.demo.orders" in graph["customer_scoring.demo.generator"]
    done, visiting = set(), []

    def visit(name: str) -> None:
        if name in done:
            return
        assert name not in visiting, "import cycle: " + " -> ".join([*visiting, name])
        visiting.append(name)
        for dep in sorted(graph.get(name, ())):
            # a package's __init__ re-exports its modules: a module importing a sibling
            # through the package would be a cycle, and is caught here too
            visit(dep)
        visiting.pop()
        done.add(name)

    for name in sorted(graph):
        visit(name)


def test_each_demo_module_imports_on_its_own():
    """Each module of the demo package imports in a fresh interpreter, first of all."""
    for path in sorted((PACKAGE / "demo").glob("*.py")):
        name = module_name(path)
        result = subprocess.run(
            [sys.executable, "-c", f"import {name}"], capture_output=True, text=True
        )
        assert result.returncode == 0, f"{name}: {result.stderr}"
        # and only modules of the demo package (and no other part of customer_scoring)
        outside = {
            dep
            for dep in imports_of(path)
            if not dep.startswith("customer_scoring.demo") and dep != "customer_scoring"
        }
        assert not outside, f"{name} imports {outside}"


def test_leads_form_a_realistic_funnel(demo):
    """A quarter of a lead per customer, three in four identified by a form, 15% without
    consent, a minority converting to an existing customer from 20 days after creation;
    their anonymous page views are a small share of the web file (under the quarantine
    threshold) and a planted effect holds: converters view pricing, demo and contact pages
    far more often."""
    out, summary = demo
    assert summary.rows["leads"] == 750
    files = {name: f"'{out}/{name}.parquet'" for name in TABLES}
    ids, converters = files["lead_identifications"], files["lead_conversions"]
    con = duckdb.connect()
    identified, no_consent = con.sql(
        f"select count(*) filter (where lead_id in (select lead_id from {ids})), "
        f"count(*) filter (where not marketing_consent) from {files['leads']}"
    ).fetchall()[0]
    assert 0.65 * 750 < identified < 0.85 * 750
    assert 0.08 * 750 < no_consent < 0.22 * 750
    converted, unknown_customer, too_early = con.sql(
        f"select count(*), count(*) filter (where customer_id not in "
        f"(select customer_id from {files['customers']})), "
        f"count(*) filter (where converted_at < created_at + interval 20 day) "
        f"from {files['lead_conversions']} join {files['leads']} using (lead_id)"
    ).fetchall()[0]
    assert 0.05 * 750 < converted < 0.4 * 750
    assert (unknown_customer, too_early) == (0, 0)
    lead_views, web_rows = con.sql(
        f"select count(*) filter (where visitor_id like 'W%'), count(*) from {files['web_events']}"
    ).fetchall()[0]
    assert 0 < lead_views < 0.04 * web_rows
    converter_rate, other_rate = con.sql(
        f"with views as (select i.lead_id, avg(case when w.page_type in ('pricing', 'demo', "
        f"'contact') then 1.0 else 0.0 end) as share from {files['web_events']} as w "
        f"join {ids} as i using (visitor_id) group by 1) "
        f"select avg(share) filter (where lead_id in (select lead_id from {converters})), "
        f"avg(share) filter (where lead_id not in (select lead_id from {converters})) "
        f"from views"
    ).fetchall()[0]
    assert converter_rate > 2 * other_rate
