"""The one rule that keeps a CSV cell from running as a spreadsheet formula.

Excel and LibreOffice treat a cell that starts with ``=``, ``+``, ``-`` or ``@`` (or a tab or carriage return before
one) as a formula, so ``=HYPERLINK(...)`` in a summary can leak data or mislead once the file is opened. Such a text
cell gets a leading ``'``; a plain number (``-5.99``) is left alone, since it is read as the number it is. Used by
the CSV export (when asked) and always by the rejects file, which people open in a spreadsheet to fix rows.
"""

from __future__ import annotations

import re

import pandas as pd

__all__ = ["FORMULA_START", "defuse_formulas"]

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")  # what makes a spreadsheet read a cell as a formula
_NUMBER = re.compile(r"^[+-]?(\d+([.,]\d*)?|[.,]\d+)([eE][+-]?\d+)?$")


def _risky(value: object) -> bool:
    return isinstance(value, str) and value.startswith(FORMULA_START) and not _NUMBER.match(value)


def defuse_formulas(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``frame`` whose text cells that would start a formula begin with ``'``."""
    out = frame.copy()
    for col in out.columns:
        if out[col].dtype == object or pd.api.types.is_string_dtype(out[col]):
            text = out[col].astype(object)
            risky = text.map(_risky).to_numpy(bool)
            if risky.any():
                text[risky] = "'" + text[risky]
                out[col] = text
    return out
