"""Adapter for ACLED exports: the CSV download (current and pre-2023 layouts) and the API's JSON records.

ACLED's terms forbid redistributing its data, so nothing here ships ACLED rows: users import the files they
downloaded themselves. :func:`acled_to_flat` turns ACLED columns into the flat canonical layout; checking
is left to :func:`dashboard.data.validate.validate_flat`, so every unusable row is reported, not dropped.

Mapping (documented in the README):

* ``incident_id`` = ``ACLED-<event_id_cnty>``; ``source_record_id`` = ``event_id_cnty``; dataset ``acled``.
* ``time_precision`` 1/2/3 → ``day``/``week``/``month``. Day: one day. Week: the 7 days starting at
  ``event_date``. Month: ``date_start`` becomes the 1st of the month (whatever day ACLED put in the month),
  and ``date_end`` the last day of it, so the span always covers the month the event is known to lie in.
  Dates are read as ISO (``2024-03-15``) or ACLED's day-first forms (``02 October 2019``,
  ``02-October-2019``, ``02/10/2019``); anything else is passed through and reported by validation.
* ``geo_precision`` 1/2/3 → 1/2/3 (the scales mean the same thing).
* **Perpetrators**: ACLED's actor1 and actor2 "do not imply directionality", but for *Violence against
  civilians* actor1 is by construction the perpetrator and actor2 the civilians. For every other event type
  we still record actor1 (plus its associated actors) as ``perpetrators`` so that filters by actor work
  uniformly; for battles this is one party to the fight, not a finding of responsibility.
* ``perpetrator_category``: actor1's name (see :mod:`dashboard.data.sources.actors`), else its ``inter1``
  code, else ``unidentified``; associated actors add their own category when their *name* identifies one.
* ``fatalities_min`` = ``fatalities_max`` = ``fatalities`` (ACLED reports one number); empty stays unknown.
* ``summary`` = ``notes``, kept in its language: ACLED writes its notes in English, so ``summary_lang`` = ``en``
  (empty when there is no note); ``summary_fr`` stays empty (nothing is machine-translated).
* ``civilian_targeting``: the ``civilian_targeting`` column where the layout has it ("Civilian targeting"
  → true, empty → false); in the pre-2023 layout, true exactly for "Violence against civilians".
* ``victims`` = actor2 (plus associated actors, e.g. the community targeted) when actor2 is civilians.
* ``sources`` = each outlet named in ``source`` (ACLED gives no URLs), then ACLED itself with the event id;
  ``verification`` = ``reported``: ACLED rows are single-coded by ACLED, not verified by this project;
  ``attribution_basis`` = ``source_attributed`` (``unknown`` when the perpetrator is unidentified).
"""

from __future__ import annotations

from collections.abc import Iterable

import pandas as pd

from dashboard.data.missing import is_missing
from dashboard.data.schema import FLAT_COLUMNS, Source, dump_sources, join_codes
from dashboard.data.sources.actors import (
    categorise,
    category_from_name,
    inter_code,
    normalise_name,
    split_names,
)
from dashboard.data.sources.common import ISO_DAY, codes, column_reader, english_where_given, lowered, parse_dates

CURRENT_COLUMNS = (
    "event_id_cnty", "event_date", "year", "time_precision", "disorder_type", "event_type", "sub_event_type",
    "actor1", "assoc_actor_1", "inter1", "actor2", "assoc_actor_2", "inter2", "interaction",
    "civilian_targeting", "iso", "region", "country", "admin1", "admin2", "admin3", "location", "latitude",
    "longitude", "geo_precision", "source", "source_scale", "notes", "fatalities", "tags", "timestamp",
)
REQUIRED_COLUMNS = (
    "event_id_cnty", "event_date", "time_precision", "event_type", "actor1", "location", "latitude",
    "longitude", "geo_precision",
)
DATASET = "acled"  # the dataset every row of this layout gets
_SIGNATURE = ("event_id_cnty", "event_date", "event_type", "actor1")
_TIME_PRECISION = {"1": "day", "2": "week", "3": "month"}
_GEO_PRECISION = {"1": "1", "2": "2", "3": "3"}
_DATE_FORMATS = ("%Y-%m-%d", "%d %B %Y", "%d-%B-%Y", "%d %b %Y", "%d-%b-%Y", "%d/%m/%Y", "%d-%m-%Y")
_VAC = "Violence against civilians"


def looks_like_acled(columns: Iterable[str]) -> bool:
    """True for ACLED's CSV/API layouts (any era, any case of column names)."""
    return set(_SIGNATURE) <= lowered(columns)


def acled_to_flat(raw: pd.DataFrame) -> pd.DataFrame:
    """ACLED rows → flat canonical frame (text values) with the same index (the user's row numbers).

    Raises :class:`LayoutError` naming the ACLED columns that are missing altogether.
    """
    raw, col = column_reader(raw, REQUIRED_COLUMNS, "ACLED")

    event_id = col("event_id_cnty")
    precision_code = codes(col("time_precision"))
    date_precision = precision_code.map(_TIME_PRECISION).fillna(precision_code)
    event_type = col("event_type")

    out = pd.DataFrame(index=raw.index, columns=list(FLAT_COLUMNS), dtype=object)
    out["incident_id"] = "ACLED-" + event_id
    out["date_start"] = acled_dates(col("event_date"), date_precision)
    out["date_precision"] = date_precision
    for name in ("location", "admin1", "admin2", "admin3", "latitude", "longitude"):
        out[name] = col(name)
    geo = codes(col("geo_precision"))
    out["geo_precision"] = geo.map(_GEO_PRECISION).fillna(geo)
    out["event_type"] = event_type
    out["sub_event_type"] = col("sub_event_type")
    if "civilian_targeting" in raw.columns:
        flag = col("civilian_targeting").str.casefold().eq("civilian targeting").fillna(False)
    else:
        flag = event_type.eq(_VAC).fillna(False)
    out["civilian_targeting"] = flag.map({True: "true", False: "false"})

    actors = [
        _perpetrator(a1, assoc, i1)
        for a1, assoc, i1 in zip(col("actor1"), col("assoc_actor_1"), col("inter1"), strict=True)
    ]
    out["perpetrators"] = [a[0] for a in actors]
    out["perpetrator_category"] = [a[1] for a in actors]
    out["attribution_basis"] = [a[2] for a in actors]
    out["victims"] = [
        _victims(a2, assoc, i2) for a2, assoc, i2 in zip(col("actor2"), col("assoc_actor_2"), col("inter2"),
                                                         strict=True)
    ]
    out["fatalities_min"] = col("fatalities")
    out["fatalities_max"] = col("fatalities")
    out["summary"] = col("notes")
    out["summary_lang"] = english_where_given(out["summary"])
    out["sources"] = [_sources(s, e) for s, e in zip(col("source"), event_id, strict=True)]
    out["verification"] = "reported"
    out["dataset"] = DATASET
    out["source_record_id"] = event_id
    return out.astype(object).where(out.notna(), None)


def acled_dates(event_date: pd.Series, precision: pd.Series) -> pd.Series:
    dates = parse_dates(event_date, _DATE_FORMATS)
    month = precision.eq("month").fillna(False) & dates.map(lambda v: isinstance(v, str) and bool(ISO_DAY.match(v)))
    dates[month] = dates[month].str.slice(0, 8) + "01"
    return dates


def _given(value: object) -> object:
    return None if is_missing(value) else value


def _perpetrator(actor1: object, assoc: object, inter1: object) -> tuple[object, str, str]:
    names = split_names(_given(actor1), _given(assoc))
    main = categorise(_given(actor1), inter=_given(inter1))
    extra = [category_from_name(n) for n in split_names(_given(assoc))]
    cats = [main, *(c for c in extra if c and c != "unidentified")]
    basis = "unknown" if cats == ["unidentified"] else "source_attributed"
    return ("; ".join(names) or None), join_codes(cats), basis


def _victims(actor2: object, assoc: object, inter2: object) -> object:
    if is_missing(actor2):
        return None
    is_civilians = inter_code(_given(inter2)) == "7" or normalise_name(actor2).startswith("civilians")
    if not is_civilians:
        return None
    return "; ".join(split_names(actor2, _given(assoc)))


def _sources(outlets: object, event_id: object) -> str:
    names = split_names(_given(outlets))
    items = [Source(organisation=n) for n in names]
    items.append(Source(organisation="ACLED", title=None if is_missing(event_id) else f"event {event_id}"))
    return dump_sources(items)
