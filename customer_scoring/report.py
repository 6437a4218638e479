"""The marketers' report: one static HTML page of charts read from the marts.

    python -m customer_scoring report                  # data/warehouse.duckdb -> data/report/
    ./run report --warehouse data/warehouse.duckdb --out data/report/index.html

Each chart is a plotly figure (plotly.js inlined once, so the page opens without a
network) built from one query of the warehouse, listed in CHARTS with the marts it reads.
Beside each chart the page carries the numbers it draws: a table a reader can open, and
the same rows as JSON in a ``<script type="application/json">`` that
tests/python/test_report.py compares with the marts. A chart whose mart is missing or
empty (the lifetime marts where the lifetime models are off, a warehouse without campaigns or
leads) says so instead of drawing. docs/report.md shows the page and says why plotly.
"""

from __future__ import annotations

import datetime as dt
import html
import json
import math
import os
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import duckdb
import plotly.graph_objects as go
import plotly.io as pio
from plotly.offline import get_plotlyjs
from plotly.subplots import make_subplots

DEFAULT_OUT = Path("data/report/index.html")
# the 0-100 scores whose distribution the report draws (bi.customer_scores)
SCORES = (
    "rfm_score",
    "engagement_score",
    "purchase_score",
    "satisfaction_score",
    "cross_sell_score",
    "reactivation_score",
    "payment_risk_score",
    "recovery_score",
)
HEIGHT = 460


@dataclass(frozen=True)
class Table:
    """The rows a chart draws, as read from the warehouse."""

    columns: list[str]
    rows: list[tuple]

    def column(self, name: str) -> list:
        index = self.columns.index(name)
        return [row[index] for row in self.rows]

    def records(self) -> list[dict]:
        return [dict(zip(self.columns, map(_plain, row), strict=True)) for row in self.rows]


@dataclass(frozen=True)
class Chart:
    """One chart of the page: what it shows, the marts it reads, its query and figure."""

    key: str
    title: str
    note: str
    marts: tuple[str, ...]
    sql: str
    figure: Callable[[Table], go.Figure]


def _plain(value: object) -> object:
    """A value as JSON holds it: decimals as floats, dates as ISO text."""
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and math.isnan(value):
        return None
    return value


def _floats(values: list) -> list:
    return [None if v is None else float(v) for v in values]


# ---------------------------------------------------------------- RFM grid


RFM_GRID_SQL = """
    -- FM: the mean of the F and M scores, halves rounded up (F 5, M 4 -> FM 5)
    select
        r_score,
        cast(floor((f_score + m_score + 1) / 2) as integer) as fm_score,
        count(*) as customers,
        sum(monetary) as revenue
    from bi.customer_scores
    where r_score is not null
    group by all
    order by r_score, fm_score
"""


def rfm_grid_figure(table: Table) -> go.Figure:
    cells = {(r, fm): (n, rev) for r, fm, n, rev in table.rows}
    scores = [1, 2, 3, 4, 5]
    customers = [[cells.get((r, fm), (None, None))[0] for r in scores] for fm in scores]
    revenue = [[_floats([cells.get((r, fm), (None, None))[1]])[0] for r in scores] for fm in scores]
    figure = make_subplots(
        rows=1, cols=2, subplot_titles=("Customers", "Revenue"), horizontal_spacing=0.12
    )
    for col, (z, name, scale, bar_x) in enumerate(
        ((customers, "customers", "Blues", 0.44), (revenue, "revenue", "Greens", 1.0)), start=1
    ):
        figure.add_trace(
            go.Heatmap(
                z=z,
                x=scores,
                y=scores,
                name=name,
                colorscale=scale,
                colorbar={"x": bar_x, "len": 0.9},
                text=[["" if v is None else f"{v:,.0f}" for v in row] for row in z],
                texttemplate="%{text}",
                hovertemplate="R %{x}, FM %{y}: %{z:,.0f} " + name + "<extra></extra>",
            ),
            row=1,
            col=col,
        )
        figure.update_xaxes(title_text="R score (5 = most recent)", dtick=1, row=1, col=col)
        figure.update_yaxes(title_text="FM score (5 = most and biggest)", dtick=1, row=1, col=col)
    return figure


# ---------------------------------------------------------------- segments

SEGMENT_SIZES_SQL = """
    select as_of_date, segment, customers, share_of_customers, revenue, is_suppressed
    from bi.segment_sizes
    order by as_of_date, segment
"""


def segment_sizes_figure(table: Table) -> go.Figure:
    figure = go.Figure()
    for segment in sorted(set(table.column("segment"))):
        rows = [row for row in table.rows if row[1] == segment]
        figure.add_trace(
            go.Scatter(
                x=[row[0].isoformat() for row in rows],
                y=[row[2] for row in rows],
                name=segment,
                mode="lines+markers",
                stackgroup="segments",
                hovertemplate="%{x}: %{y:,} customers<extra>" + segment + "</extra>",
            )
        )
    figure.update_layout(xaxis_title="as-of date", yaxis_title="customers")
    return figure


SEGMENT_TRANSITIONS_SQL = """
    -- the latest pair of as-of dates of the history
    select from_date, to_date, from_segment, to_segment, customers, is_suppressed
    from bi.segment_transitions
    where to_date = (select max(to_date) from bi.segment_transitions)
    order by from_segment, to_segment
"""


def segment_transitions_figure(table: Table) -> go.Figure:
    shown = [row for row in table.rows if row[4]]  # suppressed cells: null customers
    sources = sorted({row[2] for row in shown})
    targets = sorted({row[3] for row in shown})
    labels = [*sources, *targets]
    palette = pio.templates["plotly_white"].layout.colorway
    names = sorted(set(labels))
    colours = [palette[names.index(label) % len(palette)] for label in labels]
    dates = f"{table.rows[0][0]} to {table.rows[0][1]}" if table.rows else ""
    figure = go.Figure(
        go.Sankey(
            node={"label": labels, "pad": 12, "color": colours},
            link={
                "source": [sources.index(row[2]) for row in shown],
                "target": [len(sources) + targets.index(row[3]) for row in shown],
                "value": [row[4] for row in shown],
            },
        )
    )
    figure.update_layout(title_text=f"Segment on {dates} (left to right)", title_font_size=13)
    return figure


# ---------------------------------------------------------------- scores

SCORE_DISTRIBUTIONS_SQL = """
    -- customers per band of 10 points (100 counts in the band 90)
    with scores as (
        unpivot (select {columns} from bi.customer_scores)
        on {columns} into name score_name value score
    )
    select
        score_name,
        cast(least(floor(score / 10) * 10, 90) as integer) as band,
        count(*) as customers
    from scores
    where score is not null
    group by all
    order by score_name, band
""".replace("{columns}", ", ".join(SCORES))


def score_distributions_figure(table: Table) -> go.Figure:
    figure = make_subplots(rows=2, cols=4, subplot_titles=SCORES, vertical_spacing=0.18)
    for i, score in enumerate(SCORES):
        rows = [row for row in table.rows if row[0] == score]
        figure.add_trace(
            go.Bar(
                x=[row[1] for row in rows],
                y=[row[2] for row in rows],
                name=score,
                showlegend=False,
                hovertemplate="%{x}-%{x}+9: %{y:,} customers<extra>" + score + "</extra>",
            ),
            row=i // 4 + 1,
            col=i % 4 + 1,
        )
    figure.update_xaxes(range=[-5, 95], dtick=20)
    return figure


BACKTEST_LIFT_SQL = """
    select score_name, score_decile, customers, outcome_rate, lift
    from bi.score_backtest_deciles
    where not is_suppressed
    order by score_name, score_decile
"""


def backtest_lift_figure(table: Table) -> go.Figure:
    figure = go.Figure()
    for score in sorted(set(table.column("score_name"))):
        rows = [row for row in table.rows if row[0] == score]
        figure.add_trace(
            go.Scatter(
                x=[row[1] for row in rows],
                y=_floats([row[4] for row in rows]),
                name=score,
                mode="lines+markers",
            )
        )
    figure.add_hline(y=1, line_dash="dot", annotation_text="no better than random")
    figure.update_layout(
        xaxis={"title": "decile of the score on the back-test date (10 = highest)", "dtick": 1},
        yaxis_title="lift (outcome rate / base rate)",
    )
    return figure


CALIBRATION_SQL = """
    select score_name, band, customers, mean_predicted, observed
    from bi.probability_calibration
    where score_name in ('purchase_probability', 'churn_probability') and not is_suppressed
    order by score_name, band
"""


def calibration_figure(table: Table) -> go.Figure:
    figure = go.Figure(
        go.Scatter(
            x=[0, 1], y=[0, 1], mode="lines", name="perfect", line={"dash": "dot", "color": "grey"}
        )
    )
    for score in sorted(set(table.column("score_name"))):
        rows = [row for row in table.rows if row[0] == score]
        figure.add_trace(
            go.Scatter(
                x=_floats([row[3] for row in rows]),
                y=_floats([row[4] for row in rows]),
                name=score,
                mode="lines+markers",
                marker={"size": [max(6, min(24, math.sqrt(row[2]))) for row in rows]},
                text=[f"{row[2]:,} customers" for row in rows],
            )
        )
    figure.update_layout(
        xaxis={"title": "mean predicted probability", "range": [0, 1]},
        yaxis={"title": "observed share", "range": [0, 1]},
    )
    return figure


# ---------------------------------------------------------------- campaigns and leads

CAMPAIGN_UPLIFT_SQL = """
    select
        campaign_name, segment, treated_customers, control_customers,
        uplift, uplift_lower_95, uplift_upper_95
    from bi.campaign_results
    where value_tier = 'All' and segment <> 'All' and not is_suppressed and uplift is not null
    order by campaign_name, segment
"""


def _spread(upper: list, lower: list) -> list:
    """upper - lower, 0 where either is null (an interval that could not be measured)."""
    return [0 if hi is None or lo is None else hi - lo for hi, lo in zip(upper, lower, strict=True)]


def campaign_uplift_figure(table: Table) -> go.Figure:
    figure = go.Figure()
    for campaign in sorted(set(table.column("campaign_name"))):
        rows = [row for row in table.rows if row[0] == campaign]
        uplift = _floats([row[4] for row in rows])
        figure.add_trace(
            go.Bar(
                x=[row[1] for row in rows],
                y=uplift,
                name=campaign,
                error_y={
                    "type": "data",
                    "symmetric": False,
                    "array": _spread(_floats([row[6] for row in rows]), uplift),
                    "arrayminus": _spread(uplift, _floats([row[5] for row in rows])),
                },
            )
        )
    figure.update_layout(
        barmode="group",
        yaxis={"title": "uplift in conversion (difference-in-differences)", "tickformat": ".0%"},
    )
    return figure


LEAD_FUNNEL_SQL = """
    -- each stage inside the one before: created, scored (consent), handed off, converted
    select funnel_stage as stage, leads
    from bi.lead_funnel
    where not is_suppressed
    order by stage_order
"""


def lead_funnel_figure(table: Table) -> go.Figure:
    stages = go.Funnel(
        y=table.column("stage"), x=table.column("leads"), textinfo="value+percent initial"
    )
    return go.Figure(stages)


CHARTS: tuple[Chart, ...] = (
    Chart(
        "rfm_grid",
        "RFM grid: customers and revenue per R x FM cell",
        "Scored customers by recency score (R) and the mean of their frequency and monetary "
        "scores (FM); revenue is their net spend in the scoring window.",
        ("bi.customer_scores",),
        RFM_GRID_SQL,
        rfm_grid_figure,
    ),
    Chart(
        "segment_sizes",
        "Segment sizes over time",
        "Customers per segment on each as-of date kept in the history (cells of fewer than "
        "min_cell_size customers are suppressed).",
        ("bi.segment_sizes",),
        SEGMENT_SIZES_SQL,
        segment_sizes_figure,
    ),
    Chart(
        "segment_transitions",
        "Segment transitions between the last two as-of dates",
        "Where the customers of each segment went: '(new)' had no row on the earlier date, "
        "'(gone)' none on the later one.",
        ("bi.segment_transitions",),
        SEGMENT_TRANSITIONS_SQL,
        segment_transitions_figure,
    ),
    Chart(
        "score_distributions",
        "Score distributions",
        "Customers per band of 10 points of each 0-100 score; customers without the score "
        "(not applicable) are left out.",
        ("bi.customer_scores",),
        SCORE_DISTRIBUTIONS_SQL,
        score_distributions_figure,
    ),
    Chart(
        "backtest_lift",
        "Back-test lift by decile",
        "Each score computed on the back-test date against what customers did next: the "
        "outcome rate per decile of the score over the overall rate (deciles of fewer than "
        "min_cell_size customers are left out).",
        ("bi.score_backtest_deciles",),
        BACKTEST_LIFT_SQL,
        backtest_lift_figure,
    ),
    Chart(
        "calibration",
        "Calibration of the published probabilities",
        "Per band of predicted probability, the mean prediction against the share who did it "
        "(on the diagonal = calibrated); marker size grows with the band's customers (bands "
        "of fewer than min_cell_size customers are left out).",
        ("bi.probability_calibration",),
        CALIBRATION_SQL,
        calibration_figure,
    ),
    Chart(
        "campaign_uplift",
        "Campaign uplift by segment at launch",
        "Difference-in-differences of conversion, treated against control, per segment at "
        "launch, with its 95% interval (segments whose treated or control group has fewer "
        "than min_cell_size customers are left out).",
        ("bi.campaign_results",),
        CAMPAIGN_UPLIFT_SQL,
        campaign_uplift_figure,
    ),
    Chart(
        "lead_funnel",
        "Lead funnel",
        "Leads created, scored (with marketing consent), handed off to sales at the "
        "threshold, and converted after the hand-off (a stage of fewer than min_cell_size "
        "leads is left out).",
        ("bi.lead_funnel",),
        LEAD_FUNNEL_SQL,
        lead_funnel_figure,
    ),
)


def read_tables(database: Path) -> dict[str, Table | str]:
    """Each chart's rows, or why there are none (a missing or empty mart)."""
    tables: dict[str, Table | str] = {}
    with duckdb.connect(str(database), read_only=True) as con:
        for chart in CHARTS:
            try:
                result = con.sql(chart.sql)
            except (duckdb.CatalogException, duckdb.BinderException) as error:
                tables[chart.key] = f"not built in this warehouse ({str(error).splitlines()[0]})"
                continue
            rows = result.fetchall()
            if not rows:
                tables[chart.key] = "no rows in " + ", ".join(chart.marts)
            else:
                tables[chart.key] = Table([c[0] for c in result.description], rows)
    return tables


def _number_table(table: Table) -> str:
    def cell(value: object) -> str:
        value = _plain(value)
        if value is None:
            return ""
        if isinstance(value, float):
            return f"{value:,.4f}".rstrip("0").rstrip(".")
        return html.escape(str(value))

    head = "".join(f"<th>{html.escape(c)}</th>" for c in table.columns)
    body = "".join(
        "<tr>" + "".join(f"<td>{cell(v)}</td>" for v in row) + "</tr>" for row in table.rows
    )
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def _section(chart: Chart, table: Table | str) -> str:
    marts = ", ".join(f"<code>{m}</code>" for m in chart.marts)
    header = (
        f'<section class="chart" id="{chart.key}" data-chart="{chart.key}">'
        f"<h2>{html.escape(chart.title)}</h2>"
        f'<p class="note">{html.escape(chart.note)} Read from {marts}.</p>'
    )
    if isinstance(table, str):
        return header + f'<p class="empty">No chart: {html.escape(table)}.</p></section>'
    figure = chart.figure(table)
    figure.update_layout(
        height=HEIGHT, margin={"t": 60, "b": 50, "l": 60, "r": 30}, template="plotly_white"
    )
    plot = pio.to_html(
        figure,
        include_plotlyjs=False,
        full_html=False,
        div_id=f"plot-{chart.key}",
        config={"displaylogo": False, "responsive": True},
    )
    numbers = json.dumps({"columns": table.columns, "rows": table.records()}).replace("</", "<\\/")
    return (
        header
        + plot
        + f'<script type="application/json" class="chart-numbers">{numbers}</script>'
        + f"<details><summary>The numbers</summary>{_number_table(table)}</details></section>"
    )


STYLE = """
body { font-family: system-ui, sans-serif; margin: 0 auto; max-width: 1100px; padding: 1em;
       color: #222; }
section.chart { border-top: 1px solid #ddd; padding: 0.5em 0 1.5em; }
p.note { color: #555; margin: 0.2em 0 0.5em; }
p.empty { color: #a33; }
table { border-collapse: collapse; font-size: 0.85em; }
td, th { border: 1px solid #ddd; padding: 2px 6px; text-align: right; }
"""


def render(database: Path) -> str:
    """The report's HTML from the warehouse file ``database``."""
    tables = read_tables(database)
    with duckdb.connect(str(database), read_only=True) as con:
        [(as_of,)] = con.sql("select max(as_of_date) from bi.customer_scores").fetchall()
    sections = "\n".join(_section(chart, tables[chart.key]) for chart in CHARTS)
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<title>Customer scoring report as of {as_of}</title>
<style>{STYLE}</style>
<script>{get_plotlyjs()}</script>
</head><body data-as-of-date="{as_of}">
<h1>Customer scoring report</h1>
<p>As of {as_of}, from <code>{html.escape(database.name)}</code>. Each chart says the marts
it reads; open "The numbers" under a chart for the figures it draws. Definitions: the
warehouse's docs site (<code>./run docs</code>).</p>
{sections}
</body></html>
"""


def write_report(database: Path, out: Path = DEFAULT_OUT) -> Path:
    """Write the report of ``database`` to ``out`` (its folder created); returns ``out``."""
    if not database.exists():
        raise FileNotFoundError(f"no warehouse at {database}: build it first (./run build)")
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(render(database), encoding="utf-8")
    return out


def default_warehouse() -> Path:
    return Path(os.environ.get("WAREHOUSE_PATH", "data/warehouse.duckdb"))
