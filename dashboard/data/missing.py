"""The one test of "is this value missing?", and the small conversions built on it.

Unknown stays unknown everywhere: a missing toll, place or note is ``None``/``pd.NA``/``NaN``/``NaT`` depending on
where it came from (a pandas column, a JSON record, a CSV cell), and every layer asks this module rather than
spelling its own test.
"""

from __future__ import annotations

import pandas as pd
from pandas.api.types import is_scalar

__all__ = ["is_blank", "is_missing", "plain", "text_or_none"]


def is_missing(value: object) -> bool:
    """``None``, ``pd.NA``, ``NaT`` or a NaN float (numpy's too): an unknown value. A string, even an empty one,
    is a value (see :func:`is_blank`); so is a list or a dict."""
    if value is None or value is pd.NA:
        return True
    if isinstance(value, float):  # the common cases first: this runs once per cell in places
        return value != value
    if isinstance(value, str) or not is_scalar(value):
        return False
    return bool(pd.isna(value))


def is_blank(value: object) -> bool:
    """Missing, or text that is empty once stripped: a cell that says nothing."""
    return is_missing(value) or (isinstance(value, str) and not value.strip())


def text_or_none(value: object) -> str | None:
    """The value as stripped text, or ``None`` when it says nothing."""
    return None if is_blank(value) else str(value).strip()


def plain(value: object) -> object:
    """A JSON-ready Python value: ``None`` when missing, numpy/pandas scalars as Python numbers and booleans."""
    if is_missing(value):
        return None
    return value.item() if hasattr(value, "item") else value
