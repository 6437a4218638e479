"""The demo product catalogue and how customers choose products from it.

Products belong to categories with a median list price (EUR); customers favour a pair
of related categories (books and music, home and kitchen, ...), so categories are bought
together and cross-sell has something to find. Written as ``products.parquet``.
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa

from customer_scoring.demo.columns import ids

CATEGORIES = {  # category -> (median list price in EUR, share of the catalogue)
    "Books": (18.0, 0.16),
    "Music": (15.0, 0.08),
    "Stationery": (9.0, 0.10),
    "Home": (45.0, 0.14),
    "Kitchen": (35.0, 0.10),
    "Garden": (60.0, 0.07),
    "Electronics": (180.0, 0.12),
    "Fashion": (55.0, 0.13),
    "Beauty": (25.0, 0.06),
    "Toys": (30.0, 0.04),
}
# pairs of categories a customer tends to buy from together, and how common each pair is
CATEGORY_PAIRS = [
    (("Books", "Music"), 0.16),
    (("Books", "Stationery"), 0.12),
    (("Home", "Kitchen"), 0.16),
    (("Home", "Garden"), 0.10),
    (("Electronics", "Toys"), 0.10),
    (("Electronics", "Music"), 0.10),
    (("Fashion", "Beauty"), 0.18),
    (("Kitchen", "Garden"), 0.08),
]
PREFERRED_LINE_SHARE = 0.55  # share of order lines drawn from the customer's preferred pair


def products(rng: np.random.Generator) -> tuple[pa.Table, np.ndarray, np.ndarray, np.ndarray]:
    """The catalogue: about 400 products, contiguous by category.

    Returns (table, price, popularity, category_code), the arrays one element per
    product: list price in EUR (log-normal around the category median, at least 0.99),
    popularity (Zipf-like weights summing to 1, shuffled) and the category's index in
    CATEGORIES. Draws from ``rng``: prices, then the popularity permutation.
    """
    names = list(CATEGORIES)
    per_category = np.maximum(1, np.round(np.array([CATEGORIES[c][1] for c in names]) * 400))
    category = np.repeat(np.asarray(names, dtype=object), per_category.astype(int))
    median = np.repeat(np.array([CATEGORIES[c][0] for c in names]), per_category.astype(int))
    count = len(category)
    price = np.round(median * rng.lognormal(0.0, 0.6, count), 2)
    price = np.maximum(price, 0.99)
    popularity = 1.0 / np.arange(1, count + 1) ** 0.9
    popularity = rng.permutation(popularity)
    popularity /= popularity.sum()
    table = pa.table(
        {
            "product_id": ids("P", np.arange(1, count + 1), 5),
            "product_name": pa.array([f"{c} item {i + 1}" for i, c in enumerate(category)]),
            "category": pa.array(category, pa.string()),
            "list_price": pa.array(price),
        }
    )
    category_code = np.repeat(np.arange(len(names)), per_category.astype(int))
    return table, price, popularity, category_code


def choose_products(
    rng: np.random.Generator,
    popularity: np.ndarray,
    product_category: np.ndarray,
    pair_of_row: np.ndarray,
    preferred_share: float,
) -> np.ndarray:
    """One product index per row (pair_of_row: index into CATEGORY_PAIRS, shape (n,)).

    With probability ``preferred_share`` the product comes from one of the row's two
    preferred categories (by popularity within it), else from the whole catalogue.
    Products of a category are contiguous, so each draw is one search in the global CDF.
    """
    names = list(CATEGORIES)
    pair_codes = np.array([[names.index(a), names.index(b)] for (a, b), _ in CATEGORY_PAIRS])
    cdf = np.concatenate([[0.0], np.cumsum(popularity)])
    first = np.searchsorted(product_category, np.arange(len(names)), side="left")
    last = np.searchsorted(product_category, np.arange(len(names)), side="right")
    rows = len(pair_of_row)
    category = pair_codes[pair_of_row, rng.integers(0, 2, rows)]
    preferred = rng.random(rows) < preferred_share
    lo = np.where(preferred, cdf[first[category]], 0.0)
    hi = np.where(preferred, cdf[last[category]], cdf[-1])
    product = np.searchsorted(cdf, lo + rng.random(rows) * (hi - lo), side="right") - 1
    return np.clip(product, 0, len(popularity) - 1)
