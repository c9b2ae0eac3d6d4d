"""Adapter for the UCDP Georeferenced Event Dataset (GED) CSV (49 columns), the UCDP API's records, and reduced
extracts that keep only some of GED's columns (the bundled ``ucdp_ged211_segou.csv`` has 14).

Mapping (documented in the README):

* ``incident_id`` = ``UCDP-<id>``; ``source_record_id`` = ``id``; dataset ``ucdp``; verification
  ``reported`` (UCDP codes from news reports; this project has not verified the event).
* ``type_of_violence`` 3 (one-sided violence) → "Violence against civilians" / "Attack", civilian
  targeting true, ``victims`` = side_b. Types 1 (state-based) and 2 (non-state) → "Battles" /
  "Armed clash", civilian targeting false; their deaths stay in the fatalities (``deaths_civilians`` is
  not used to flag targeting: civilians dying in crossfire is not targeting).
* ``perpetrators`` = side_a for every type (for one-sided violence side_a is the perpetrator by
  definition; for battles it is one of the two parties, as with ACLED's actor1).
  ``perpetrator_category`` from side_a's name (shared rules in :mod:`dashboard.data.sources.actors`),
  else ``other_armed_group`` (every GED actor is an organised armed actor).
* ``where_prec`` → ``geo_precision``: 1 (exact place) → 1; 2 (within ~25 km of a named place) → 2;
  3 (only the ADM2 — cercle — is known; GED puts the point at its centroid) and 4–7 (ADM1, wider area,
  country, water) → 3. Never claim more precision than the source: a cercle centroid is not "near a
  named place".
* ``date_prec`` → ``date_precision``: 1 → day; 2 (2–6 days) and 3 (a known week) → week; 4 (a month,
  or 8–30 days) → month; 5 (within a year, or longer) → year. ``date_start``/``date_end`` are UCDP's own,
  so the span is exactly what UCDP gives even where the label is a rounding.
* Fatalities: ``fatalities_min`` = ``low``, ``fatalities_max`` = ``high``, ``fatalities_best`` = ``best``.
* ``location`` = ``where_coordinates`` (the place name), ``admin1``/``admin2`` = ``adm_1``/``adm_2`` as
  given (e.g. "Ségou region", "Macina cercle"); ``summary`` = ``where_description`` (GED has no narrative,
  and none is invented); GED's text is English, so ``summary_lang`` = ``en`` (empty when there is no summary), and
  ``summary_fr`` stays empty (nothing is machine-translated).
* ``sources``: one per ``;``-separated ``source_office``, with the matching ``source_date`` as
  ``published`` and ``source_headline`` as title when the lists line up one to one; then UCDP GED itself.

A reduced extract needs only :data:`CORE_COLUMNS`. What it lacks stays unknown, and each row says so in
``verification_note``:

* no ``where_prec``: ``geo_precision`` 3 (the place precision is not known, so the point is not drawn as a place);
  a caller that knows more from the extract's provenance may say so (the bundled layer: "only where_prec 1–2
  kept", see :mod:`dashboard.data.ucdp_layer`);
* no ``date_prec``/``date_end``: the event is dated from ``date_start`` to the end of its GED ``year`` (GED codes
  events within one calendar year), labelled ``year`` precision: the widest span the extract allows, never a
  narrower one;
* no ``where_coordinates``: ``location`` says the place is not named in the file; no ``where_description``: the
  summary only says under which UCDP conflict the event is coded (``conflict_name``), when the file has it.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import pandas as pd

from dashboard.data.missing import is_missing
from dashboard.data.schema import FLAT_COLUMNS, Source, dump_sources
from dashboard.data.sources.actors import categorise
from dashboard.data.sources.common import ISO_DAY, codes, column_reader, english_where_given, lowered, parse_dates
from dashboard.i18n import N_

GED_COLUMNS = (
    "id", "relid", "year", "active_year", "code_status", "type_of_violence", "conflict_dset_id",
    "conflict_new_id", "conflict_name", "dyad_dset_id", "dyad_new_id", "dyad_name", "side_a_dset_id",
    "side_a_new_id", "side_a", "side_b_dset_id", "side_b_new_id", "side_b", "number_of_sources",
    "source_article", "source_office", "source_date", "source_headline", "source_original", "where_prec",
    "where_coordinates", "where_description", "adm_1", "adm_2", "latitude", "longitude", "geom_wkt",
    "priogrid_gid", "country", "country_id", "region", "event_clarity", "date_prec", "date_start", "date_end",
    "deaths_a", "deaths_b", "deaths_civilians", "deaths_unknown", "best", "high", "low", "gwnoa", "gwnob",
)
CORE_COLUMNS = (  # what any GED file (the full layout or an extract) must have
    "id", "type_of_violence", "side_a", "side_b", "latitude", "longitude", "date_start", "best", "low", "high",
)
DATASET = "ucdp"  # the dataset every row of this layout gets
_SIGNATURE = ("id", "type_of_violence", "side_a", "side_b")
# the place (a required column) where the file names none (GED's where_coordinates is absent from extracts such as
# the bundled one): kept so in the data and its exports, said in the reader's language wherever a page, card or
# briefing shows it (dashboard.labels.place)
NOT_NAMED = N_("place not named in the UCDP file")
_WHERE_PREC = {"1": "1", "2": "2", "3": "3", "4": "3", "5": "3", "6": "3", "7": "3"}
_DATE_PREC = {"1": "day", "2": "week", "3": "week", "4": "month", "5": "year"}
_EVENT = {  # type_of_violence → (event_type, sub_event_type, civilian_targeting)
    "1": ("Battles", "Armed clash", "false"),
    "2": ("Battles", "Armed clash", "false"),
    "3": ("Violence against civilians", "Attack", "true"),
}
_DATE_FORMATS = ("%Y-%m-%d", "%d/%m/%Y")


def looks_like_ucdp(columns: Iterable[str]) -> bool:
    return set(_SIGNATURE) <= lowered(columns)


def ucdp_to_flat(raw: pd.DataFrame, *, where_prec_kept: tuple[int, ...] = ()) -> pd.DataFrame:
    """UCDP GED rows → flat canonical frame (text values), same index. Raises :class:`LayoutError`.

    ``where_prec_kept``: for a file without ``where_prec`` whose provenance says which values it kept (the bundled
    extract: 1 and 2), the coarsest of them is the row's precision, and the note says so."""
    raw, col = column_reader(raw, CORE_COLUMNS, "UCDP GED")
    has = set(raw.columns).__contains__

    ident = codes(col("id"))
    kind = codes(col("type_of_violence"))
    event = kind.map(lambda k: _EVENT.get(k, (k, None, None)) if isinstance(k, str) else (None, None, None))
    side_a, side_b = col("side_a"), col("side_b")

    out = pd.DataFrame(index=raw.index, columns=list(FLAT_COLUMNS), dtype=object)
    out["incident_id"] = "UCDP-" + ident
    out["date_start"] = parse_dates(col("date_start"), _DATE_FORMATS)
    missing = []
    if has("date_prec") and has("date_end"):
        out["date_end"] = parse_dates(col("date_end"), _DATE_FORMATS)
        prec = codes(col("date_prec"))
        out["date_precision"] = prec.map(_DATE_PREC).fillna(prec)
    else:
        year = codes(col("year")) if has("year") else out["date_start"].str.slice(0, 4)
        out["date_end"] = year.map(lambda y: f"{y}-12-31" if isinstance(y, str) and y.isdigit() else None)
        out["date_precision"] = "year"
        missing.append("no date_prec or date_end: dated from UCDP's date_start to the end of its year "
                       "(the date precision is not known)")
    out["location"] = col("where_coordinates") if has("where_coordinates") else NOT_NAMED
    out["admin1"] = col("adm_1")
    out["admin2"] = col("adm_2")
    out["latitude"] = col("latitude")
    out["longitude"] = col("longitude")
    if has("where_prec"):
        where = codes(col("where_prec"))
        out["geo_precision"] = where.map(_WHERE_PREC).fillna(where)
    elif where_prec_kept:
        coarsest = max(where_prec_kept)
        out["geo_precision"] = _WHERE_PREC[str(coarsest)]
        missing.append(f"no where_prec, but the file kept only where_prec {' or '.join(map(str, where_prec_kept))} "
                       f"(its provenance): shown at the coarser, {coarsest}")
    else:
        out["geo_precision"] = "3"
        missing.append("no where_prec: the place precision is not known, so the event is not drawn as a place")
    out["event_type"] = [e[0] for e in event]
    out["sub_event_type"] = [e[1] for e in event]
    out["civilian_targeting"] = [e[2] for e in event]
    out["perpetrators"] = side_a
    categories = [categorise(None if is_missing(a) else a, fallback="other_armed_group") for a in side_a]
    out["perpetrator_category"] = categories
    out["attribution_basis"] = ["unknown" if c == "unidentified" else "source_attributed" for c in categories]
    out["victims"] = side_b.where(kind.eq("3").fillna(False), pd.NA)
    out["fatalities_min"] = col("low")
    out["fatalities_max"] = col("high")
    out["fatalities_best"] = col("best")
    # compared as numbers where they are finite ("INF" or "1e999" is no toll: validation refuses the row)
    low, high, best = (pd.to_numeric(col(c), errors="coerce").replace([np.inf, -np.inf], np.nan)
                       for c in ("low", "high", "best"))
    outside = ((best < low) | (best > high)).fillna(False)
    out.loc[outside, "fatalities_best"] = None  # a best estimate outside UCDP's own range is not asserted
    notes = ["UCDP's best estimate ({}) lies outside its low–high range ({}–{}), so no best estimate is used"
             .format(*("unknown" if pd.isna(v) else int(v) for v in t)) if o else None
             for o, t in zip(outside, zip(best, low, high, strict=True), strict=True)]
    out["summary"] = col("where_description")
    if not has("where_description") and has("conflict_name"):
        out["summary"] = col("conflict_name").map(
            lambda c: f"Coded by UCDP under the conflict “{c}”." if isinstance(c, str) else None)
    out["summary_lang"] = english_where_given(out["summary"])
    layout = f"UCDP GED file without some of GED's columns: {'; '.join(missing)}." if missing else None
    out["verification_note"] = [" ".join(t for t in (layout, n and f"{n}.") if t) or None for n in notes]
    out["sources"] = [
        _sources(o, d, h, i)
        for o, d, h, i in zip(col("source_office"), col("source_date"), col("source_headline"), ident,
                              strict=True)
    ]
    out["verification"] = "reported"
    out["dataset"] = DATASET
    out["source_record_id"] = ident
    return out.astype(object).where(out.notna(), None)


def _split(cell: object) -> list[str]:
    if not isinstance(cell, str):
        return []
    return [part.strip() for part in cell.split(";")]


def _published(value: str) -> str | None:
    parsed = parse_dates(pd.Series([value], dtype="string"), _DATE_FORMATS).iloc[0]
    return parsed if isinstance(parsed, str) and ISO_DAY.match(parsed) else None


def _sources(offices: object, dates: object, headlines: object, ident: object) -> str:
    names = _split(offices)
    day_list, titles = _split(dates), _split(headlines)
    if len(day_list) == 1 and len(names) > 1:
        day_list = day_list * len(names)  # one date given for all the reports
    paired_dates = len(day_list) == len(names)
    paired_titles = len(titles) == len(names)
    items = []
    for i, name in enumerate(names):
        if not name:
            continue
        items.append(Source(
            organisation=name,
            title=(titles[i] or None) if paired_titles else None,
            published=_published(day_list[i]) if paired_dates and day_list[i] else None,
        ))
    items.append(Source(organisation="UCDP GED", title=None if not isinstance(ident, str) else f"event {ident}"))
    return dump_sources(items)
