"""Demo data for the warehouse: the raw files of a made-up shop, and their replay.

    from customer_scoring.demo import DemoConfig, generate
    generate(DemoConfig(customers=2000, years=2, seed=7, as_of=date(2026, 6, 30)), "data/demo")

Modules, each importing only the ones above it (tests/python/test_demo_data.py checks the
import graph has no cycle):

- config.py      DemoConfig: scale, history, seed, shares of each kind of row
- columns.py     Arrow columns from numpy arrays (ids, labels, timestamps, ...)
- catalogue.py   products and categories; how customers choose products
- world.py       World: the purchase history and latent traits behaviour is drawn from
- orders.py      customers, exchange rates, orders and order lines (the RFM path's files)
- behaviour.py   web and e-mail events, surveys, reviews, interests
- accounts.py    subscriptions, invoices, payments, insolvency proceedings
- leads.py       prospects, their form fills, interactions, page views and conversions
- generator.py   generate(): every file, block by block of customers
- arrivals.py    the files as a loader saw them on an earlier day (nightly replays)
"""

from customer_scoring.demo.arrivals import Arrivals, files_on_day
from customer_scoring.demo.config import DemoConfig
from customer_scoring.demo.generator import ORDER_TABLES, DemoSummary, generate

__all__ = ["ORDER_TABLES", "Arrivals", "DemoConfig", "DemoSummary", "files_on_day", "generate"]
