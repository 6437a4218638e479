"""Arrow columns for the demo files, built from numpy arrays without a Python loop per row.

Every function takes arrays with one element per output row and returns a ``pyarrow``
array of the same length. Nothing here draws random numbers except ``pick`` and
``time_ordered_with_duplicates``, which take the generator to draw from, so the callers
decide the order of the draws (and with it the bytes of the files).
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc


def ids(prefix: str, numbers: np.ndarray, width: int, block: int = 0) -> pa.Array:
    """Zero-padded string ids: ``prefix`` + ``numbers`` padded to ``width`` digits.

    numbers: integer array (n,); returns a string array (n,), 64-bit offsets above ten
    million rows (tens of millions of ids overflow a plain string array's 2 GB). Ids
    numbered inside a block of customers (sessions, invoices, ...) carry the block number
    after the prefix from the second block on (``S2-000000001``), so blocks never share one.
    """
    if block:
        prefix = f"{prefix}{block}-"
    text = pa.large_string() if len(numbers) > 10_000_000 else pa.string()
    digits = pc.utf8_lpad(pc.cast(pa.array(numbers, type=pa.int64()), text), width, "0")
    return pc.binary_join_element_wise(pa.scalar(prefix, text), digits, pa.scalar("", text))


def with_nulls(values: pa.Array, mask: np.ndarray) -> pa.Array:
    """``values`` (n,) with nulls where the boolean ``mask`` (n,) is true."""
    return pc.if_else(pa.array(mask), pa.scalar(None, values.type), values)


def labels(codes: np.ndarray, names: list[str]) -> pa.Array:
    """Dictionary-encoded strings from integer ``codes`` (n,) indexing ``names``: no
    Python string per row. Codes must be below ``len(names)`` and fit in int8."""
    return pa.DictionaryArray.from_arrays(pa.array(codes, pa.int8()), pa.array(names))


def take(values: pa.Array, index: np.ndarray, missing: np.ndarray | None = None) -> pa.Array:
    """``values[index]`` (index: integer array (n,)), null where ``missing`` (n,) is true."""
    taken = values.take(pa.array(index))
    if missing is not None:
        taken = pc.if_else(pa.array(missing), pa.scalar(None, taken.type), taken)
    return taken


def timestamps(start: np.datetime64, day: np.ndarray, seconds: np.ndarray) -> pa.Array:
    """Timestamps (second precision, no zone): ``start`` plus ``day`` whole days (integer
    array (n,), days after the first day of history) plus ``seconds`` (n,) into the day."""
    return pa.array(
        (start + day.astype(np.int64)).astype("datetime64[s]") + seconds.astype("timedelta64[s]")
    )


def group_offsets(counts: np.ndarray) -> np.ndarray:
    """Position of each element inside its group, for groups laid out by ``np.repeat``:
    counts (g,) of non-negative integers -> (sum(counts),) with 0 .. count-1 per group."""
    starts = np.cumsum(counts) - counts
    return np.arange(int(counts.sum())) - np.repeat(starts, counts)


def pick(rng: np.random.Generator, values: list, size: int, p=None) -> np.ndarray:
    """``size`` values drawn from ``values`` (with probabilities ``p``), as an object array."""
    return np.asarray(values, dtype=object)[rng.choice(len(values), size=size, p=p)]


def time_ordered_with_duplicates(
    rng: np.random.Generator, sort_keys: tuple, duplicate_share: float
) -> np.ndarray:
    """Row indices sorted by ``sort_keys`` (``np.lexsort`` order: last key first), with a
    share ``duplicate_share`` (0..1) of rows repeated right after their twin, as a double
    export gives. Returns an integer array of about (1 + duplicate_share) * n indices."""
    order = np.lexsort(sort_keys)
    twins = np.flatnonzero(rng.random(len(order)) < duplicate_share)
    position = np.concatenate([np.arange(len(order)), twins])
    return np.concatenate([order, order[twins]])[np.argsort(position, kind="stable")]
