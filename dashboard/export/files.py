"""Exports of exactly the incidents given (already filtered): CSV, GeoJSON, GeoPackage, JSON records and a
self-contained HTML map. :mod:`dashboard.export.exporters` registers each as a format of the CLI and the export page.

Every function is pure (incidents in, bytes out). The data files write the canonical columns, so that each can be
read back by the native importer (:func:`dashboard.data.importer.read_any`) to the same incidents, and after them
the incident level's own columns (:data:`~dashboard.data.reconcile.incidents.INCIDENT_COLUMNS`: how many reports,
which, independent sources, disputed toll...) and the civilian-harm grade when the frame has it, which the importer
leaves out. The second level, the reports
(each with :data:`~dashboard.data.reconcile.view.INCIDENT_OF_REPORT`, the incident it belongs to), is its own CSV
(:func:`to_reports_csv_bytes`), a ``reports`` layer in the GeoPackage and a ``reports`` list in the JSON records.
With ``public=True`` the internal columns (:data:`dashboard.data.schema.INTERNAL_COLUMNS`) are left out; the caller
passes the already-coarsened frames (:func:`dashboard.data.public.public_view`).
"""

from __future__ import annotations

import html
import io
import json
import tempfile
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import geopandas as gpd
import pandas as pd
import pyogrio
from branca.element import Element

from dashboard.attribution import short_credits
from dashboard.data.captures import Capture
from dashboard.data.harms import COUNT_COLUMNS
from dashboard.data.missing import is_missing, plain
from dashboard.data.reconcile.incidents import INCIDENT_COLUMNS
from dashboard.data.reconcile.view import INCIDENT_OF_REPORT
from dashboard.data.schema import COLUMNS, FLAT_COLUMNS, INTERNAL_COLUMNS, parse_sources, split_codes
from dashboard.data.spreadsheet import defuse_formulas
from dashboard.data.store import INCIDENT_LAYER, SOURCE_LAYER, sources_table
from dashboard.export.metadata import csv_comment_lines
from dashboard.export.metadata import text_value as csv_value
from dashboard.i18n import Translator, tr
from dashboard.viz.cards import incident_card_html
from dashboard.viz.inline import inline_assets_html
from dashboard.viz.maps import Basemap, build_incident_map, unplotted

__all__ = [
    "export_columns",
    "flat_frame",
    "records",
    "report_records",
    "to_csv_bytes",
    "to_geojson_bytes",
    "to_gpkg_bytes",
    "to_html_bytes",
    "to_json_bytes",
    "to_reports_csv_bytes",
]
REPORT_LAYER = "reports"

_DATE_COLUMNS = ("date_start", "date_end")
_INT_COLUMNS = ("geo_precision", "fatalities_min", "fatalities_max", "fatalities_best", *COUNT_COLUMNS)


# the civilian-harm grade of a loaded incident frame (dashboard/data/grading.py, docs/grading.md), computed not stored
EXPORTED_GRADE_COLUMNS = ("grade", "grade_rule", "corroborating_sources", "source_types")


def export_columns(*, public: bool = False, flat: bool = False, frame: pd.DataFrame | None = None) -> list[str]:
    """The canonical columns (with latitude/longitude in flat files), minus the internal ones in public mode, then
    the incident level's or the report level's own columns when ``frame`` has them."""
    columns = [c for c in (FLAT_COLUMNS if flat else COLUMNS) if not (public and c in INTERNAL_COLUMNS)]
    if frame is not None:
        columns += [c for c in (*INCIDENT_COLUMNS, *EXPORTED_GRADE_COLUMNS, INCIDENT_OF_REPORT) if c in frame.columns]
    return columns


def _has_point(incidents: gpd.GeoDataFrame) -> pd.Series:
    geom = incidents.geometry
    return (geom.notna() & ~geom.is_empty).fillna(False).astype(bool)


def flat_frame(incidents: gpd.GeoDataFrame, *, public: bool = False) -> pd.DataFrame:
    """Text-ready flat frame: dates as YYYY-MM-DD, ``civilian_targeting`` as true/false, points as
    latitude/longitude (empty when there is no point), unknowns empty."""
    columns = export_columns(public=public, flat=True, frame=incidents)
    out = pd.DataFrame(incidents[[c for c in columns if c in incidents.columns]]).copy()
    for col in _DATE_COLUMNS:
        out[col] = out[col].dt.strftime("%Y-%m-%d")
    for col in ("civilian_targeting", "toll_disputed"):
        if col in out:
            out[col] = out[col].map(lambda v: None if is_missing(v) else ("true" if v else "false")).astype(object)
    has_point = _has_point(incidents)
    geom = incidents.geometry
    out["latitude"] = geom.y.where(has_point)
    out["longitude"] = geom.x.where(has_point)
    return out[columns].reset_index(drop=True)


def to_csv_bytes(incidents: gpd.GeoDataFrame, *, public: bool = False, spreadsheet_safe: bool = False,
                 metadata: Mapping[str, Any] | None = None) -> bytes:
    """Native CSV: canonical columns plus latitude/longitude, ``sources`` as its JSON array.

    UTF-8 with a byte-order mark (as the rejects file), so spreadsheet programs show "Ségou"; the importer reads it.
    ``spreadsheet_safe`` puts a ``'`` before every text cell that starts like a formula (``=HYPERLINK(...)`` in a
    summary would otherwise run when the file is opened in Excel or LibreOffice); the cell then no longer
    round-trips exactly, so files meant for re-import are written without it. ``metadata`` is written as ``#``
    comment lines above the header (see :mod:`dashboard.export.metadata`; the importer skips them).
    """
    frame = flat_frame(incidents, public=public)
    if spreadsheet_safe:
        frame = defuse_formulas(frame)
    buffer = io.StringIO()
    if metadata:
        buffer.write(csv_comment_lines(metadata))
    frame.to_csv(buffer, index=False, lineterminator="\n")
    return buffer.getvalue().encode("utf-8-sig")


def to_reports_csv_bytes(reports: gpd.GeoDataFrame, *, public: bool = False, spreadsheet_safe: bool = False,
                         metadata: Mapping[str, Any] | None = None) -> bytes:
    """The reports of the exported incidents as native CSV (``incident_id`` is each report's own id, so the file
    re-imports as the same reports) with :data:`~dashboard.data.reconcile.view.INCIDENT_OF_REPORT` last;
    ``metadata`` as ``#`` lines above the header."""
    return to_csv_bytes(reports, public=public, spreadsheet_safe=spreadsheet_safe, metadata=metadata)


def _json_value(column: str, value: Any) -> Any:
    if is_missing(value):
        return None
    if column in _DATE_COLUMNS:
        return value.strftime("%Y-%m-%d")
    if column in _INT_COLUMNS or column in ("n_reports", "independent_sources"):
        return int(value)
    if column in ("civilian_targeting", "toll_disputed"):
        return bool(value)
    if column == "sources":
        return json.loads(value)
    return str(value)


def to_geojson_bytes(incidents: gpd.GeoDataFrame, *, public: bool = False,
                     metadata: Mapping[str, Any] | None = None) -> bytes:
    """An RFC 7946 FeatureCollection (WGS84 longitude/latitude, no ``crs`` member).

    Properties are the canonical columns; ``sources`` is a JSON array of source objects; an incident without a
    point (region-level, or not located) is a feature with ``"geometry": null``. ``metadata`` is the collection's
    ``"metadata"`` foreign member (RFC 7946, section 6.1).
    """
    columns = export_columns(public=public, frame=incidents)
    has_point = _has_point(incidents).to_numpy()
    features = []
    for i, record in enumerate(incidents[columns].to_dict("records")):
        point = incidents.geometry.iloc[i]
        features.append({
            "type": "Feature",
            "id": record["incident_id"],
            "geometry": {"type": "Point", "coordinates": [point.x, point.y]} if has_point[i] else None,
            "properties": {c: _json_value(c, record[c]) for c in columns},
        })
    doc: dict[str, Any] = {"type": "FeatureCollection"}
    if metadata:
        doc["metadata"] = dict(metadata)
    doc["features"] = features
    return json.dumps(doc, ensure_ascii=False, indent=1).encode("utf-8")


def to_gpkg_bytes(incidents: gpd.GeoDataFrame, *, public: bool = False,
                  reports: gpd.GeoDataFrame | None = None, metadata: Mapping[str, Any] | None = None) -> bytes:
    """A GeoPackage for GIS programs, written by GDAL: the ``incidents`` point layer (canonical columns, then the
    incident level's), the ``sources`` table (one row per incident and source), when given the ``reports`` point
    layer (each with the incident it belongs to) and the ``export_metadata`` table. Not a store: no history (an
    export must not carry who changed what, nor the exporter's name). In public mode the internal columns are left
    out."""
    with tempfile.TemporaryDirectory(prefix="incident-export-") as tmp:
        path = Path(tmp) / "incidents.gpkg"
        pyogrio.write_dataframe(_gpkg_frame(incidents, public), path, layer=INCIDENT_LAYER, driver="GPKG",
                                VERSION="1.2")
        pyogrio.write_dataframe(sources_table(incidents), path, layer=SOURCE_LAYER, driver="GPKG", append=True)
        if reports is not None:
            pyogrio.write_dataframe(_gpkg_frame(reports, public), path, layer=REPORT_LAYER, driver="GPKG",
                                    append=True)
        if metadata:
            add_metadata_table(path, metadata)
        return path.read_bytes()


METADATA_TABLE = "export_metadata"


def add_metadata_table(path: Path, metadata: Mapping[str, Any]) -> None:
    """An attributes table ``export_metadata`` (``key``, ``value``) in the GeoPackage at ``path``, registered in
    ``gpkg_contents`` by GDAL so that GIS software lists it."""
    import pyogrio

    table = pd.DataFrame({"key": list(metadata), "value": [csv_value(v) for v in metadata.values()]})
    pyogrio.write_dataframe(table, path, layer=METADATA_TABLE, driver="GPKG", append=True)


def _gpkg_frame(frame: gpd.GeoDataFrame, public: bool) -> gpd.GeoDataFrame:
    out = frame[[*export_columns(public=public, frame=frame), frame.geometry.name]].copy()
    for col in _DATE_COLUMNS:
        out[col] = out[col].dt.strftime("%Y-%m-%d")
    for col in ("civilian_targeting", "toll_disputed"):
        if col in out:
            out[col] = out[col].astype("object").where(out[col].notna(), None)
    return out


def records(incidents: gpd.GeoDataFrame, reports: dict[str, list[dict]] | None = None) -> list[dict]:
    """JSON-ready records (what ``incident-map query --json`` prints): dates as YYYY-MM-DD, categories and sources
    as lists, the point as latitude/longitude (``null`` without one), unknowns ``null``; no internal field. An
    incident frame adds its level's fields, and ``reports`` (incident id → its report records) each incident's
    reports."""
    out = []
    extra = [c for c in INCIDENT_COLUMNS if c in incidents.columns and c != "report_ids"]
    for r in incidents.itertuples(index=False):
        record = _record(r)
        for column in extra:
            record[column] = _json_value(column, getattr(r, column))
        if reports is not None:
            record["reports"] = [_record(_Row(x), report=True) for x in reports.get(r.incident_id, [])]
        out.append(record)
    return out


def report_records(reports: gpd.GeoDataFrame) -> list[dict]:
    """The records of reports (as in :func:`records`, keyed ``report_id``), each with the ``incident_id`` of the
    incident it belongs to."""
    return [{**_record(_Row(r), report=True), "incident_id": r[INCIDENT_OF_REPORT]}
            for r in reports.to_dict("records")]


class _Row:
    """A record (dict) read like an itertuples row."""

    def __init__(self, values: dict):
        self.__dict__.update(values)


def _record(r, *, report: bool = False) -> dict:
    point = r.geometry
    has_point = point is not None and not point.is_empty
    return {
        ("report_id" if report else "incident_id"): r.incident_id,
        "date_start": r.date_start.date().isoformat(),
        "date_end": r.date_end.date().isoformat(),
        "date_precision": r.date_precision,
        "location": r.location,
        "admin1": plain(r.admin1),
        "admin2": plain(r.admin2),
        "latitude": point.y if has_point else None,
        "longitude": point.x if has_point else None,
        "geo_precision": int(r.geo_precision),
        "event_type": r.event_type,
        "perpetrators": plain(r.perpetrators),
        "perpetrator_category": split_codes(r.perpetrator_category),
        "attribution_basis": r.attribution_basis,
        "fatalities_min": plain(r.fatalities_min),
        "fatalities_max": plain(r.fatalities_max),
        "civilian_targeting": plain(r.civilian_targeting),
        "verification": r.verification,
        "dataset": r.dataset,
        "summary": plain(r.summary),
        "summary_fr": plain(r.summary_fr),
        "summary_lang": plain(r.summary_lang),
        "sources": [{"organisation": s.organisation, "title": s.title, "url": s.url, "published": s.published}
                    for s in parse_sources(r.sources)],
    }


def to_json_bytes(incidents: gpd.GeoDataFrame, reports: dict[str, list[dict]] | None = None, *,
                  metadata: Mapping[str, Any] | None = None) -> bytes:
    """:func:`records` as a JSON array (UTF-8, indented); with ``metadata``, ``{"metadata": ..., "records": [...]}``
    (the importer reads the records of either)."""
    doc: Any = records(incidents, reports)
    if metadata:
        doc = {"metadata": dict(metadata), "records": doc}
    return json.dumps(doc, ensure_ascii=False, indent=2).encode("utf-8")


_HTML_HEADER = """<div class="export-header" style="position:absolute;top:10px;left:50px;z-index:1000;\
max-width:min(640px,calc(100% - 120px));background:rgba(255,255,255,.95);border:1px solid #999;border-radius:6px;\
padding:6px 10px;font:13px system-ui,sans-serif;line-height:1.35">\
<div style="font-weight:600;font-size:15px">{title}</div><div>{description}</div>{notes}\
<div style="color:#444;font-size:11px">{footer}</div>\
<div class="export-credits" style="color:#444;font-size:10px">{credits}</div></div>"""
_HTML_NOTE = '<div class="export-note" style="color:#444;font-size:11px">{text}</div>'
_HTML_NOT_DRAWN = """<details class="not-drawn" open style="position:absolute;top:60px;right:10px;z-index:1000;\
width:min(360px,calc(100% - 70px));max-height:calc(100% - 90px);overflow:auto;background:rgba(255,255,255,.97);\
border:1px solid #999;border-radius:6px;padding:6px 10px;font:13px system-ui,sans-serif">\
<summary style="font-weight:600;cursor:pointer">{title}</summary>\
<div style="color:#444;font-size:11px;margin:2px 0 6px">{note}</div>{cards}</details>"""


# branca compiles an Element's text as a jinja2 template: braces must not reach it as such (nor "${" for JS)
_INERT = str.maketrans({"`": "&#96;", "$": "&#36;", "\\": "&#92;", "{": "&#123;", "}": "&#125;"})


def _inert(text: str) -> str:
    """HTML-escaped text that is also inert in a jinja2 template and a JS template literal."""
    return html.escape(text).translate(_INERT)


def not_drawn_panel(incidents: gpd.GeoDataFrame, *, public: bool = False, t: Translator | None = None,
                    captures: Sequence[Capture] = (), capture_links: Mapping[str, str] | None = None) -> str:
    """The incidents the map does not draw (region-level, or no coordinates), each with its card, oldest first;
    '' when every incident is drawn. Cards are escaped and inert in templates (:mod:`dashboard.viz.cards`).
    ``t``: the language (English by default)."""
    missing = unplotted(incidents)
    if missing.empty:
        return ""
    t = t or tr()
    ordered = missing.sort_values(["date_start", "incident_id"], kind="stable").to_dict("records")
    cards = "".join('<div style="border-top:1px solid #ddd;padding:4px 0">'
                    f"{incident_card_html(r, public=public, t=t, captures=captures, capture_links=capture_links)}"
                    "</div>" for r in ordered)
    title = t.gettext("Not on the map ({n})").format(n=t.number(len(ordered)))
    note = t.gettext("Their place is known only to the region, or has no coordinates: they are listed here rather "
                     "than planted on a town.")
    return _HTML_NOT_DRAWN.format(title=_inert(title), note=_inert(note), cards=cards)


def to_html_bytes(
    incidents: gpd.GeoDataFrame,
    *,
    basemap: Basemap | None = None,
    public: bool = False,
    title: str | None = None,
    description: str = "",
    footer: str = "",
    notes: tuple[str, ...] = (),
    t: Translator | None = None,
    captures: Sequence[Capture] = (),
    capture_links: Mapping[str, str] | None = None,
) -> bytes:
    """A self-contained HTML map of ``incidents``: the dashboard's map builder with every Leaflet asset inlined,
    so the file opens with no network. ``title``/``description``/``notes``/``footer`` are shown in a box over the
    map (escaped: they may carry the filter's free text); the incidents the map cannot draw are listed, with their
    cards, in a panel beside it. ``t``: the language of the map's legend, cards, panel and credits (English by
    default; the given texts are shown as they are). ``captures`` and ``capture_links``: the preserved copies of
    sources the cards list, and the relative links to those exported beside the file."""
    t = t or tr()
    title = t.gettext("Incidents in the Ségou region") if title is None else title
    m = build_incident_map(incidents, basemap=basemap, public=public, t=t, captures=captures,
                           capture_links=capture_links)
    root = m.get_root()
    root.title = html.escape(title)
    root.html.add_child(Element(_HTML_HEADER.format(
        title=_inert(title), description=_inert(description), footer=_inert(footer), credits=_inert(short_credits(t)),
        notes="".join(_HTML_NOTE.format(text=_inert(n)) for n in notes if n))))
    panel = not_drawn_panel(incidents, public=public, t=t, captures=captures, capture_links=capture_links)
    if panel:
        root.html.add_child(Element(panel))
    return inline_assets_html(m).encode("utf-8")
