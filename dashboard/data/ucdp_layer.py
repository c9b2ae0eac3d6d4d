"""The bundled UCDP layer: the UCDP GED 21.1 events in the Ségou region (``ucdp_ged211_segou.csv``), read by the UCDP
adapter as their own dataset, :data:`DATASET`, beside the curated record in every fresh store.

The extract keeps 14 of GED's 49 columns (``data/reference/README.md``). What it lacks stays unknown (the adapter's
rules, :mod:`dashboard.data.sources.ucdp`): no ``date_prec``/``date_end`` → dated from UCDP's ``date_start`` to
the end of its year (``year`` precision); no ``where_prec`` → the extract kept only events with ``where_prec`` 1
or 2, so every point is shown at 2, "near a named place", never as exact; no place name, no source articles.
Both are kept as reports, each in its own dataset; the events that report a curated incident are grouped with it by
the bundled decisions (``decisions.csv``, :mod:`dashboard.data.reconcile.view`).
"""

from __future__ import annotations

from functools import cache

import pandas as pd

from dashboard import bundled
from dashboard.data.readers import read_csv_text
from dashboard.data.sources.ucdp import ucdp_to_flat

__all__ = ["CITATION", "DATASET", "FILE", "ucdp_flat"]

DATASET = "ucdp-ged-21.1"
FILE = "ucdp_ged211_segou.csv"
WHERE_PREC_KEPT = (1, 2)  # the extract's provenance (data/reference/README.md, "UCDP")
CITATION = ("UCDP Georeferenced Event Dataset (GED) Global version 21.1, Uppsala Conflict Data Program; Sundberg, "
            "Ralph & Erik Melander (2013), Journal of Peace Research 50(4): 523–532; Pettersson, Therese et al. "
            "(2021), Journal of Peace Research 58(4)")


@cache
def _flat() -> pd.DataFrame:
    flat = ucdp_to_flat(read_csv_text(bundled.path(FILE)), where_prec_kept=WHERE_PREC_KEPT)
    flat["dataset"] = DATASET
    flat["located_to"] = "place"
    flat["geocoded_from"] = ("UCDP GED 21.1 point (where_prec 1 or 2; the extract does not say which): near a "
                             "named place, not an exact one")
    return flat


def ucdp_flat() -> pd.DataFrame:
    """The extract as a flat canonical frame (a copy: callers may change it)."""
    return _flat().copy()
