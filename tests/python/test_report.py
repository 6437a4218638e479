"""The marketers' report in a real browser: every chart draws, and draws the marts' numbers.

A 400-customer demo is built as of two dates (so the history has sizes over time and a pair
of dates for the transitions), `python -m customer_scoring report` writes the page as a user
runs it, and Debian's Chromium (driven by Playwright by its path: `./run test` installs it
where missing) opens it. Every chart must have drawn marks; a screenshot of each is kept
in data/test/report-screenshots/. The numbers each chart carries are compared with the
marts, recomputed here from their rows, and with what the plot itself holds.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import subprocess
import sys
from collections import Counter
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest
from conftest import PROJECT_DIR, Warehouse

from customer_scoring import report as report_module
from customer_scoring.contract import default_vars
from customer_scoring.demo import DemoConfig, generate
from customer_scoring.report import CHARTS, SCORES

# the browser tests are slow: they build a demo warehouse twice (./run test only)

AS_OF = dt.date(2026, 6, 30)
EARLIER = dt.date(2026, 3, 31)
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SCREENSHOTS = PROJECT_DIR / "data" / "test" / "report-screenshots"
# what marks a drawn chart: cartesian traces (bars, lines, the heat map's image, the
# funnel), the Sankey's links
MARKS = ".cartesianlayer .trace path, .cartesianlayer image, .sankey .sankey-link"
# per chart, the measure column of its numbers and the trace attributes that draw it
DRAWN = {
    "rfm_grid": ("customers", "z"),
    "segment_sizes": ("customers", "y"),
    "segment_transitions": ("customers", "link.value"),
    "score_distributions": ("customers", "y"),
    "backtest_lift": ("lift", "y"),
    "calibration": ("observed", "y"),
    "campaign_uplift": ("uplift", "y"),
    "lead_funnel": ("leads", "x"),
}


@pytest.fixture(scope="module")
def report(module_warehouse: Warehouse, tmp_path_factory) -> tuple[Warehouse, Path]:
    demo = tmp_path_factory.mktemp("demo")
    generate(DemoConfig(customers=400, years=2, seed=7, as_of=AS_OF), demo, progress=lambda _: None)
    # the earlier date only for the history (sizes over time, transitions); the latest last,
    # whole, so every mart is as of AS_OF
    for day, selection in (
        (EARLIER, ["+bi_segment_sizes", "+bi_segment_transitions"]),
        (AS_OF, []),
    ):
        run = module_warehouse.dbt(
            "build",
            *(["--select", *selection] if selection else []),
            "--exclude",
            "resource_type:test",
            "resource_type:unit_test",
            vars={"as_of_date": day.isoformat(), "demo_data_dir": str(demo)},
        )
        assert run.success, run.messages
    out = module_warehouse.work_dir / "report" / "index.html"
    done = subprocess.run(
        [sys.executable, "-m", "customer_scoring", "report"]
        + ["--warehouse", str(module_warehouse.path), "--out", str(out)],
        cwd=PROJECT_DIR,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return module_warehouse, out


@pytest.fixture(scope="module")
def page(report, tmp_path_factory):
    """The report open in headless Chromium, with a fresh profile; page errors are kept."""
    from playwright.sync_api import sync_playwright

    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} is missing: apt-get install chromium (./run test does)")
    _, out = report
    with sync_playwright() as playwright:
        context = playwright.chromium.launch_persistent_context(
            str(tmp_path_factory.mktemp("chromium-profile")),
            executable_path=str(CHROMIUM),
            headless=True,
            args=CHROMIUM_ARGS,
            viewport={"width": 1100, "height": 900},
        )
        page = context.new_page()
        page.errors = []
        page.on("pageerror", lambda error: page.errors.append(str(error)))
        page.goto(out.as_uri())
        page.wait_for_function(
            f"document.querySelectorAll('section.chart .js-plotly-plot').length == {len(CHARTS)}",
            timeout=60_000,
        )
        yield page
        context.close()


@pytest.mark.slow
def test_every_chart_renders(page):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    for chart in CHARTS:
        section = page.locator(f"section#{chart.key}")
        drawn = section.evaluate(
            """(section, marks) => {
                const plot = section.querySelector('.js-plotly-plot');
                const sized = [...plot.querySelectorAll(marks)].filter(mark => {
                    const box = mark.getBoundingClientRect();
                    return box.width > 0 && box.height > 0;
                });
                const box = plot.getBoundingClientRect();
                return {svg: plot.querySelectorAll('svg.main-svg').length, marks: sized.length,
                        width: box.width, height: box.height};
            }""",
            MARKS,
        )
        assert drawn["svg"] > 0 and drawn["width"] > 300 and drawn["height"] > 300, chart.key
        assert drawn["marks"] > 0, f"{chart.key}: nothing drawn"
        shot = SCREENSHOTS / f"{chart.key}.png"
        section.screenshot(path=str(shot))
        assert shot.stat().st_size > 5_000, chart.key
    assert page.errors == []


def _numbers(page, key: str) -> list[dict]:
    text = page.locator(f"section#{key} script.chart-numbers").text_content()
    return json.loads(text)["rows"]


def _drawn(page, key: str, attribute: str) -> list[float]:
    """Every number the chart's traces hold in ``attribute`` (e.g. y, z, link.value)."""
    return page.locator(f"section#{key} .js-plotly-plot").evaluate(
        """(plot, path) => plot.data.flatMap(trace => {
            const values = path.split('.').reduce((value, key) => value && value[key], trace);
            return (values || []).flat().filter(value => typeof value === 'number');
        })""",
        attribute,
    )


@pytest.mark.slow
def test_each_chart_draws_the_numbers_it_shows(page):
    for key, (measure, attribute) in DRAWN.items():
        shown = [row[measure] for row in _numbers(page, key) if row[measure] is not None]
        drawn = Counter(round(value, 6) for value in _drawn(page, key, attribute))
        assert shown, key
        # every number of the table is drawn (the heat maps also draw revenue)
        missing = Counter(round(float(value), 6) for value in shown) - drawn
        assert not missing, (key, missing)


def _close(found: list[dict], expected: list[tuple], columns: list[str]) -> None:
    assert len(found) == len(expected)
    for row, want in zip(found, expected, strict=True):
        for column, value in zip(columns, want, strict=True):
            got = row[column]
            if isinstance(value, int | float | Decimal) and not isinstance(value, bool):
                assert got == pytest.approx(float(value), abs=1e-6), (column, row, want)
            else:
                value = value.isoformat() if isinstance(value, dt.date) else value
                assert got == value, (column, row, want)


@pytest.mark.slow
def test_the_numbers_shown_equal_the_marts(report, page):
    warehouse, _ = report
    assert page.locator("body").get_attribute("data-as-of-date") == AS_OF.isoformat()

    # RFM grid: customers and revenue per R x FM cell, recomputed from the customers' rows
    cells: dict[tuple[int, int], list] = {}
    for r, f, m, monetary in warehouse.query(
        "select r_score, f_score, m_score, monetary from bi.customer_scores "
        "where r_score is not null"
    ):
        cell = cells.setdefault((r, (f + m + 1) // 2), [0, 0])
        cell[0] += 1
        cell[1] += float(monetary)
    grid = _numbers(page, "rfm_grid")
    assert {(row["r_score"], row["fm_score"]) for row in grid} == set(cells)
    for row in grid:
        customers, revenue = cells[(row["r_score"], row["fm_score"])]
        assert row["customers"] == customers
        assert row["revenue"] == pytest.approx(revenue, abs=0.005)
    assert sum(row["customers"] for row in grid) >= 300

    sizes = warehouse.query(
        "select as_of_date, segment, customers from bi.segment_sizes order by all"
    )
    assert {row[0] for row in sizes} == {EARLIER, AS_OF}
    _close(_numbers(page, "segment_sizes"), sizes, ["as_of_date", "segment", "customers"])

    moves = warehouse.query(
        f"select from_segment, to_segment, customers from bi.segment_transitions "
        f"where from_date = '{EARLIER}' and to_date = '{AS_OF}' order by all"
    )
    _close(
        _numbers(page, "segment_transitions"), moves, ["from_segment", "to_segment", "customers"]
    )

    # score distributions: customers per band of 10 points, from the customers' scores
    bands: Counter = Counter()
    for score in SCORES:
        for (value,) in warehouse.query(f"select {score} from bi.customer_scores"):
            if value is not None:
                bands[(score, min(int(value // 10) * 10, 90))] += 1
    shown = {
        (r["score_name"], r["band"]): r["customers"] for r in _numbers(page, "score_distributions")
    }
    assert shown == dict(bands)
    assert {score for score, _ in shown} == set(SCORES)

    deciles = warehouse.query(
        "select score_name, score_decile, customers, outcome_rate, lift "
        "from bi.score_backtest_deciles where not is_suppressed order by score_name, score_decile"
    )
    columns = ["score_name", "score_decile", "customers", "outcome_rate", "lift"]
    _close(_numbers(page, "backtest_lift"), deciles, columns)

    calibration = warehouse.query(
        "select score_name, band, customers, mean_predicted, observed "
        "from bi.probability_calibration where score_name like '%probability' "
        "and not is_suppressed order by score_name, band"
    )
    columns = ["score_name", "band", "customers", "mean_predicted", "observed"]
    _close(_numbers(page, "calibration"), calibration, columns)

    uplift = warehouse.query(
        "select campaign_name, segment, uplift, uplift_lower_95, uplift_upper_95 "
        "from bi.campaign_results where value_tier = 'All' and segment <> 'All' "
        "and not is_suppressed and uplift is not null order by campaign_name, segment"
    )
    columns = ["campaign_name", "segment", "uplift", "uplift_lower_95", "uplift_upper_95"]
    _close(_numbers(page, "campaign_uplift"), uplift, columns)

    # the lead funnel, each stage inside the one before, counted from the leads' rows; a
    # stage of fewer than min_cell_size leads is suppressed in bi.lead_funnel and not shown
    leads = warehouse.query("select lead_score, handed_off_date, converted_date from lead_scores")
    scored = [lead for lead in leads if lead[0] is not None]
    handed_off = [lead for lead in scored if lead[1] is not None]
    converted = [lead for lead in handed_off if lead[2] is not None]
    counted = {
        "created": len(leads),
        "scored": len(scored),
        "handed_off": len(handed_off),
        "converted": len(converted),
    }
    smallest = default_vars()["min_cell_size"]
    funnel = {row["stage"]: row["leads"] for row in _numbers(page, "lead_funnel")}
    assert funnel == {stage: n for stage, n in counted.items() if n >= smallest}
    assert len(leads) > len(scored) > len(handed_off) > 0
    assert len(leads) > len(scored) > len(handed_off) > 0


def test_a_warehouse_with_only_the_customer_scores_gets_the_grid_and_says_what_is_missing(
    tmp_path,
):
    """Three customers by hand: (R 5, F 5, M 4) and (5, 4, 5) share the cell R 5 x FM 5
    (4.5 rounds up), (1, 2, 1) is in R 1 x FM 2 (1.5 rounds up); a customer without scores
    is left out. The other marts are missing: their charts say so instead of failing."""
    database = tmp_path / "warehouse.duckdb"
    with duckdb.connect(str(database)) as con:
        con.sql("create schema bi")
        con.sql(
            "create table bi.customer_scores as select * from (values "
            "(5, 5, 4, 100.00, 95, date '2026-06-30'), "
            "(5, 4, 5, 50.50, 100, date '2026-06-30'), "
            "(1, 2, 1, 10.00, 5, date '2026-06-30'), "
            "(null, null, null, null, null, date '2026-06-30')"
            ") as t(r_score, f_score, m_score, monetary, rfm_score, as_of_date)"
        )
    page = report_module.render(database)
    assert 'data-as-of-date="2026-06-30"' in page
    numbers = json.loads(
        re.search(
            r'id="rfm_grid".*?<script type="application/json" class="chart-numbers">(.*?)</script>',
            page,
            re.S,
        ).group(1)
    )
    assert numbers["rows"] == [
        {"r_score": 1, "fm_score": 2, "customers": 1, "revenue": 10.0},
        {"r_score": 5, "fm_score": 5, "customers": 2, "revenue": 150.5},
    ]
    for chart in CHARTS:
        section = re.search(rf'<section[^>]* id="{chart.key}".*?</section>', page, re.S).group(0)
        if chart.key == "rfm_grid":
            assert "plot-rfm_grid" in section
        else:  # the score columns beside rfm_score are missing too
            assert "No chart: not built in this warehouse" in section, chart.key


def test_the_command_refuses_a_missing_warehouse(tmp_path):
    done = subprocess.run(
        [sys.executable, "-m", "customer_scoring", "report"]
        + ["--warehouse", str(tmp_path / "none.duckdb"), "--out", str(tmp_path / "r.html")],
        cwd=PROJECT_DIR,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 66 and "build it first" in done.stderr
    assert not (tmp_path / "r.html").exists()
