"""Reports grouped into incidents → one canonical incident frame, which every count, map, chart and export reads.

An incident has the canonical columns (:data:`dashboard.data.schema.COLUMNS`) plus :data:`INCIDENT_COLUMNS`:

* ``incident_id``: its *lead* report's id — the curated report when there is one (then a user's, UCDP's, ACLED's;
  ties by id), so that cited links such as ``sel=SEG-2025-008`` keep working when other reports join it;
* date (``date_start``, ``date_end``, ``date_precision``) from the report whose date is most precise (``date_from``
  names it), place (``location``, ``admin1``–``admin3``, the point, ``geo_precision``, ``geocoded_from``) from the
  report whose place is most precise (``place_from``); ties go to the lead;
* the toll is the lowest minimum to the highest maximum among its reports (Airwars' convention): ``fatalities_max``
  is the highest upper bound as totals count it (a report's maximum, else its minimum), and stays empty ("at
  least") only when no report gives a maximum. ``toll_disputed`` is true when the reports' ranges, as counted,
  do not all overlap (6 vs 27: disputed; 21 vs 21–37: not). Every report's own figure stays in the report frame;
* ``perpetrators`` and ``perpetrator_category``: every report's, the lead's first ("unidentified" is dropped when
  another report names a category); ``sources``: every report's, the lead's first;
* ``n_reports``, ``report_ids``, ``datasets`` (``"; "``-joined, lead first) and ``independent_sources``: the number
  of distinct organisations among all the sources, counting an outlet once however it was relayed ("AFP (via
  Afrique24)" and "AFP via enligne.sn" are AFP) and under one name for the abbreviations in
  :data:`ORGANISATION_ALIASES`;
* every other field (summary, verification, event type, victims...) is the lead report's: a verification is never
  raised by counting reports (the number of independent sources says that, separately).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import lru_cache

import geopandas as gpd
import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from dashboard.data.freed import give_back
from dashboard.data.missing import is_missing
from dashboard.data.placekeys import key
from dashboard.data.schema import COLUMNS, split_codes
from dashboard.data.shared_columns import blank_columns, with_empty, written

__all__ = ["DATASET_RANK", "INCIDENT_COLUMNS", "ORGANISATION_ALIASES", "Incidents", "build_incidents",
           "organisation_counts", "organisation_key"]

INCIDENT_COLUMNS = ("n_reports", "report_ids", "datasets", "independent_sources", "toll_disputed", "date_from",
                    "place_from")
DATASET_RANK = {"segou-curated": 0, "user": 1, "ucdp": 2, "acled": 3}
_DATE_RANK = {"day": 0, "week": 1, "month": 2, "year": 3}
SEPARATOR = "; "
ORGANISATION_ALIASES = {
    "hrw": "human rights watch",
    "ai": "amnesty international",
    "amnesty": "amnesty international",
    "ucdp ged": "ucdp",
    "uppsala conflict data program": "ucdp",
    "agence france presse": "afp",
    "agence france-presse": "afp",
    "radio france internationale": "rfi",
}
_RELAYED = re.compile(r"\s*(?:\((?:reported\s+)?via\b.*\)|\bvia\b.*)$", re.IGNORECASE)


@dataclass(frozen=True)
class Incidents:
    """The incident frame and, for each report (in the report frame's order), the id of its incident."""

    frame: gpd.GeoDataFrame
    report_incident: np.ndarray


@lru_cache(maxsize=1 << 14)
def organisation_key(name: str) -> str:
    """One organisation however it is written: relays ("via ...") dropped, folded, abbreviations merged."""
    k = key(_RELAYED.sub("", name)) or key(name)
    return ORGANISATION_ALIASES.get(k, k)


@lru_cache(maxsize=1 << 16)
def _organisations(cell: str) -> frozenset[str]:
    try:
        items = json.loads(cell)
    except (TypeError, ValueError):
        return frozenset()
    return frozenset(organisation_key(s["organisation"]) for s in items
                     if isinstance(s, dict) and isinstance(s.get("organisation"), str))


def organisation_counts(sources: pd.Series) -> np.ndarray:
    """For each ``sources`` cell, the number of distinct organisations (:func:`organisation_key`) it names.

    Vectorised with Arrow (a million cells decoded one by one take several seconds): the ``"organisation": "..."``
    members of each cell's JSON are found by a regular expression, and a name holding a JSON escape is decoded.
    :data:`COUNT_CELLS` cells at a time: measured on a million synthetic reports' sources, all at once grew the
    process by 390 MB for 1.3 s (and kept most of it, in Arrow's allocator, to the end of a cold load's grouping);
    see docs/benchmarks.md, "The sources' organisations counted in slices"."""
    cells = pa.array(sources, type=pa.large_string(), from_pandas=True)  # (a chunked one when the column is)
    cells = cells if isinstance(cells, pa.ChunkedArray) else pa.chunked_array([cells], type=pa.large_string())
    counts = [_organisation_counts(cells.slice(lo, COUNT_CELLS).combine_chunks())
              for lo in range(0, len(cells), COUNT_CELLS)]
    return np.concatenate(counts) if counts else np.zeros(0, dtype=np.int64)


COUNT_CELLS = 65_536  # sources' cells whose organisations are counted at a time (organisation_counts)


def _organisation_counts(cells: pa.LargeStringArray) -> np.ndarray:
    parts = pc.split_pattern_regex(cells, r'"organisation"\s*:\s*"')
    pieces = pc.list_flatten(parts)
    parent = pc.list_parent_indices(parts).to_numpy()
    after = np.arange(len(pieces)) - parts.offsets.to_numpy()[parent] > 0  # what follows each "organisation": "
    names = pc.extract_regex(pieces.filter(pa.array(after)), r'^(?P<o>(?:[^"\\]|\\.)*)"').field("o")
    owner = parent[after]
    encoded = names.dictionary_encode()
    codes = encoded.indices.to_numpy(zero_copy_only=False)
    keys, _ = pd.factorize(pd.Series([organisation_key(json.loads(f'"{u}"') if "\\" in u else u)
                                      for u in encoded.dictionary.to_pylist()], dtype=object))
    width = int(keys.max(initial=0)) + 1
    distinct = pd.unique(owner * width + keys[codes])
    return np.bincount(distinct // width, minlength=len(cells)).astype(np.int64)


def _lead_key(reports: pd.DataFrame, position: int) -> tuple:
    """How good a lead a report is (lower first): dataset rank, then id."""
    return (DATASET_RANK.get(reports["dataset"].iat[position], len(DATASET_RANK)),
            str(reports["incident_id"].iat[position]))


def build_incidents(reports: gpd.GeoDataFrame, group: np.ndarray, *, take: bool = False) -> Incidents:
    """The incident frame of canonical ``reports`` grouped by ``group`` (for each report, any label shared by the
    reports of its incident, e.g. :func:`dashboard.data.reconcile.decisions.incident_groups`).

    ``take``: the caller gives ``reports`` up (it must not use the frame again), and when some reports are grouped
    the rows kept are moved into the incident frame a column at a time, each column deleted from ``reports`` once
    copied, so the two frames are never held whole together. Measured at a million reports after an import linked
    some of them, a cold load's grouping step peaked 3.9 GB with the copy made whole beside the reports
    (docs/benchmarks.md, "A store whose reports are linked")."""
    if take and not reports.index.equals(pd.RangeIndex(len(reports))):
        raise ValueError("build_incidents(take=True) needs reports numbered from 0 (a RangeIndex)")
    reports = reports if take else reports.reset_index(drop=True)
    crs = reports.crs  # (with ``take`` the frame loses its geometry column below)
    n = len(reports)
    group = np.asarray(group, dtype=np.int64)
    codes = pd.factorize(group)[0] if n else np.zeros(0, np.int64)
    single = np.bincount(codes, minlength=1)[codes] == 1
    report_incident = reports["incident_id"].to_numpy(dtype=object).copy()

    multi = np.flatnonzero(~single)
    merged, at = [], []
    for _, positions in pd.Series(multi).groupby(group[multi], sort=False):
        members = sorted(positions.to_numpy(), key=lambda p: _lead_key(reports, p))
        merged.append(_merge(reports, members))
        report_incident[members] = merged[-1]["incident_id"]
        at.append(min(members))  # the incident sits where its first report sits

    # One copy of the rows kept (a report alone, or an incident's first report), then the merged incidents' values
    # written over their rows a column at a time. Measured at a million reports after an import linked some of
    # them: the frame of singles copied, the merged rows concatenated and the result sorted held three copies of
    # the frame at once (grouping's peak 4.9 GB, the process at 2.4 GB before it); see docs/benchmarks.md.
    kept = single.copy()
    kept[at] = True
    positions = np.flatnonzero(kept)
    if kept.all():
        frame = reports.reset_index(drop=True)
    elif take:
        frame = _moved(reports, positions)
    else:
        frame = reports.iloc[positions].reset_index(drop=True)
    frame = frame.assign(
        n_reports=np.ones(len(frame), dtype=np.int64),
        report_ids=frame["incident_id"],
        datasets=frame["dataset"],
        independent_sources=organisation_counts(frame["sources"]),
        toll_disputed=np.zeros(len(frame), dtype=bool),
        date_from=frame["incident_id"],
        place_from=frame["incident_id"],
    )
    if merged:
        rows = np.searchsorted(positions, at)
        extra = pd.DataFrame(merged)
        blank = blank_columns([frame])
        for column in [*COLUMNS, *INCIDENT_COLUMNS]:
            if column in blank and extra[column].isna().all():
                continue  # empty, and empty for the merged incidents too: left a view of the shared empty column
            frame[column] = written(frame[column].copy(), rows, extra[column])  # (this column only is copied)
            if take:
                give_back()
        geometry = frame.geometry.copy()
        geometry.iloc[rows] = gpd.GeoSeries(extra["geometry"].to_list(), crs=crs).array
        frame[frame.geometry.name] = geometry
    # copy=False: given a CRS, GeoDataFrame otherwise copies every column (the frame is this function's own)
    frame = gpd.GeoDataFrame(frame[[*COLUMNS, *INCIDENT_COLUMNS, "geometry"]], geometry="geometry", crs=crs, copy=False)
    return Incidents(frame=frame, report_incident=report_incident)


def _moved(reports: gpd.GeoDataFrame, positions: np.ndarray) -> gpd.GeoDataFrame:
    """The rows of ``reports`` at ``positions`` as a new frame, copied a column at a time, each column deleted from
    ``reports`` once copied (``build_incidents(take=True)``); ``reports`` is left without columns. A column with no
    value is not copied but one view of a shared empty column (:mod:`dashboard.data.shared_columns`)."""
    name, crs, order = reports.geometry.name, reports.crs, list(reports.columns)
    blank = blank_columns([reports])
    columns = {}
    for column in order:
        if column not in blank:
            columns[column] = reports[column].take(positions).reset_index(drop=True)
        del reports[column]
        give_back()
    frame = with_empty(pd.DataFrame(columns, index=pd.RangeIndex(len(positions)), copy=False), blank, order)
    return gpd.GeoDataFrame(frame, geometry=name, crs=crs, copy=False)  # (else copied: a CRS is given)


def _merge(reports: pd.DataFrame, members: list[int]) -> dict:
    """One incident row from its reports (``members``: positions, best lead first)."""
    rows = [reports.iloc[p] for p in members]
    lead = rows[0]
    out = {c: lead[c] for c in COLUMNS}
    out["geometry"] = lead.geometry

    def date_key(k: int) -> tuple:
        r = rows[k]
        return (_DATE_RANK.get(r["date_precision"], 9), (r["date_end"] - r["date_start"]).days, k)

    def place_key(k: int) -> tuple:
        r = rows[k]
        has_point = r.geometry is not None and not r.geometry.is_empty
        return (0 if has_point else 1, int(r["geo_precision"]), k)

    dated = rows[min(range(len(rows)), key=date_key)]
    placed = rows[min(range(len(rows)), key=place_key)]
    for c in ("date_start", "date_end", "date_precision"):
        out[c] = dated[c]
    for c in ("location", "admin1", "admin2", "admin3", "geo_precision", "geocoded_from"):
        out[c] = placed[c]
    out["geometry"] = placed.geometry

    names: dict[str, str] = {}
    for r in rows:
        for name in str(r["perpetrators"]).split(";") if not is_missing(r["perpetrators"]) else ():
            if name.strip():
                names.setdefault(key(name), name.strip())
    out["perpetrators"] = SEPARATOR.join(names.values()) or None
    codes = list(dict.fromkeys(c for r in rows for c in split_codes(r["perpetrator_category"])))
    if len(codes) > 1:
        codes = [c for c in codes if c != "unidentified"]
    out["perpetrator_category"] = ";".join(codes)

    lo = [int(r["fatalities_min"]) for r in rows if not is_missing(r["fatalities_min"])]
    hi_known = [int(r["fatalities_max"]) for r in rows if not is_missing(r["fatalities_max"])]
    counted = [(_lo(r), _hi(r)) for r in rows if _hi(r) is not None]
    out["fatalities_min"] = min(lo) if lo else None
    out["fatalities_max"] = max(h for _, h in counted) if hi_known else None
    best = lead["fatalities_best"]
    fits = not is_missing(best) and (out["fatalities_max"] is None or best <= out["fatalities_max"])
    out["fatalities_best"] = best if fits else None
    disputed = bool(counted) and max(lo_ for lo_, _ in counted) > min(h for _, h in counted)

    out["sources"] = json.dumps(_union_sources(rows), ensure_ascii=False)
    ids = [r["incident_id"] for r in rows]
    out.update({
        "n_reports": len(rows),
        "report_ids": SEPARATOR.join(ids),
        "datasets": SEPARATOR.join(dict.fromkeys(r["dataset"] for r in rows)),
        "independent_sources": len(frozenset().union(*(_organisations(r["sources"]) for r in rows))),
        "toll_disputed": disputed,
        "date_from": dated["incident_id"],
        "place_from": placed["incident_id"],
    })
    return out


def _union_sources(rows: list[pd.Series]) -> list[dict]:
    """Every report's sources, the lead's first, each once; an organisation named bare (no title, link or date, as
    ACLED names its outlets) is left out when another source of that organisation says more."""
    sources: dict[tuple, dict] = {}
    for r in rows:
        for s in json.loads(r["sources"]):
            sources.setdefault((s.get("organisation"), s.get("title"), s.get("url"), s.get("published")), s)
    detailed = {organisation_key(s["organisation"]) for s in sources.values()
                if any(s.get(k) for k in ("title", "url", "published"))}
    return [s for s in sources.values()
            if any(s.get(k) for k in ("title", "url", "published")) or organisation_key(s["organisation"]) not in detailed]


def _lo(r: pd.Series) -> int:
    """A report's lower bound as totals count it ("up to 9" counts from 0)."""
    return 0 if is_missing(r["fatalities_min"]) else int(r["fatalities_min"])


def _hi(r: pd.Series) -> int | None:
    """A report's upper bound as totals count it (its maximum, else its minimum); ``None`` when unknown."""
    if not is_missing(r["fatalities_max"]):
        return int(r["fatalities_max"])
    return None if is_missing(r["fatalities_min"]) else int(r["fatalities_min"])
