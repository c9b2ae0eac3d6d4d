"""Exports of exactly the incidents given (already filtered): CSV, GeoJSON, GeoPackage, JSON records and a
self-contained HTML map. :mod:`dashboard.export.exporters` registers each as a format of the CLI and the export page.

Every function is pure (incidents in, bytes out). The data files write the canonical columns, so that each can be
read back by the native importer (:func:`dashboard.data.importer.read_any`) to the same incidents. With ``public=True``
the internal columns (:data:`dashboard.data.schema.INTERNAL_COLUMNS`) are left out; the caller passes the
already-coarsened frame (:func:`dashboard.data.public.public_view`).
"""

from __future__ import annotations

import contextlib
import html
import io
import json
import sqlite3
import tempfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import geopandas as gpd
import pandas as pd
from branca.element import Element

from dashboard.attribution import short_credits
from dashboard.data.missing import is_missing, plain
from dashboard.data.schema import COLUMNS, FLAT_COLUMNS, INTERNAL_COLUMNS, parse_sources, split_codes
from dashboard.data.spreadsheet import defuse_formulas
from dashboard.data.store import INCIDENT_LAYER, SOURCE_LAYER, sources_table
from dashboard.export.metadata import csv_comment_lines
from dashboard.export.metadata import text_value as csv_value
from dashboard.viz.cards import incident_card_html
from dashboard.viz.inline import inline_assets_html
from dashboard.viz.maps import Basemap, build_incident_map, unplotted

__all__ = [
    "export_columns",
    "flat_frame",
    "records",
    "to_csv_bytes",
    "to_geojson_bytes",
    "to_gpkg_bytes",
    "to_html_bytes",
    "to_json_bytes",
]

_DATE_COLUMNS = ("date_start", "date_end")
_INT_COLUMNS = ("geo_precision", "fatalities_min", "fatalities_max", "fatalities_best")


def export_columns(*, public: bool = False, flat: bool = False) -> list[str]:
    """The canonical columns (with latitude/longitude in flat files), minus the internal ones in public mode."""
    columns = FLAT_COLUMNS if flat else COLUMNS
    return [c for c in columns if not (public and c in INTERNAL_COLUMNS)]


def _has_point(incidents: gpd.GeoDataFrame) -> pd.Series:
    geom = incidents.geometry
    return (geom.notna() & ~geom.is_empty).fillna(False).astype(bool)


def flat_frame(incidents: gpd.GeoDataFrame, *, public: bool = False) -> pd.DataFrame:
    """Text-ready flat frame: dates as YYYY-MM-DD, ``civilian_targeting`` as true/false, points as
    latitude/longitude (empty when there is no point), unknowns empty."""
    out = pd.DataFrame(incidents[list(COLUMNS)]).copy()
    for col in _DATE_COLUMNS:
        out[col] = out[col].dt.strftime("%Y-%m-%d")
    out["civilian_targeting"] = out["civilian_targeting"].map(
        lambda v: None if is_missing(v) else ("true" if v else "false")
    ).astype(object)
    has_point = _has_point(incidents)
    geom = incidents.geometry
    out["latitude"] = geom.y.where(has_point)
    out["longitude"] = geom.x.where(has_point)
    return out[export_columns(public=public, flat=True)].reset_index(drop=True)


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


def _json_value(column: str, value: Any) -> Any:
    if is_missing(value):
        return None
    if column in _DATE_COLUMNS:
        return value.strftime("%Y-%m-%d")
    if column in _INT_COLUMNS:
        return int(value)
    if column == "civilian_targeting":
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
    columns = export_columns(public=public)
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
                  metadata: Mapping[str, Any] | None = None) -> bytes:
    """A GeoPackage with the store's two GIS layers (``incidents`` points + ``sources`` table), written by GDAL.
    Not a store: no history (an export must not carry who changed what, nor the exporter's name); importing it
    adds its incidents like any native file. In public mode the internal columns are dropped afterwards."""
    import pyogrio

    frame = incidents[[*COLUMNS, incidents.geometry.name]].copy()
    for col in ("date_start", "date_end"):
        frame[col] = frame[col].dt.strftime("%Y-%m-%d")
    frame["civilian_targeting"] = frame["civilian_targeting"].astype("object").where(
        frame["civilian_targeting"].notna(), None)
    with tempfile.TemporaryDirectory(prefix="incident-export-") as tmp:
        path = Path(tmp) / "incidents.gpkg"
        pyogrio.write_dataframe(frame, path, layer=INCIDENT_LAYER, driver="GPKG", VERSION="1.2")
        pyogrio.write_dataframe(sources_table(incidents), path, layer=SOURCE_LAYER, driver="GPKG", append=True)
        if public:
            _drop_columns(path, INCIDENT_LAYER, INTERNAL_COLUMNS)
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


def records(incidents: gpd.GeoDataFrame) -> list[dict]:
    """JSON-ready records (what ``incident-map query --json`` prints): dates as YYYY-MM-DD, categories and sources
    as lists, the point as latitude/longitude (``null`` without one), unknowns ``null``; no internal field."""
    out = []
    for r in incidents.itertuples(index=False):
        point = r.geometry
        out.append({
            "incident_id": r.incident_id,
            "date_start": r.date_start.date().isoformat(),
            "date_end": r.date_end.date().isoformat(),
            "date_precision": r.date_precision,
            "location": r.location,
            "admin1": plain(r.admin1),
            "admin2": plain(r.admin2),
            "latitude": None if point is None else point.y,
            "longitude": None if point is None else point.x,
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
            "sources": [{"organisation": s.organisation, "title": s.title, "url": s.url, "published": s.published}
                        for s in parse_sources(r.sources)],
        })
    return out


def to_json_bytes(incidents: gpd.GeoDataFrame, metadata: Mapping[str, Any] | None = None) -> bytes:
    """:func:`records` as a JSON array (UTF-8, indented); with ``metadata``, ``{"metadata": ..., "records": [...]}``
    (the importer reads the records of either)."""
    doc: Any = records(incidents)
    if metadata:
        doc = {"metadata": dict(metadata), "records": doc}
    return json.dumps(doc, ensure_ascii=False, indent=2).encode("utf-8")


def _drop_columns(path: Path, table: str, columns: tuple[str, ...]) -> None:
    """Remove plain attribute columns from a GeoPackage table (none of them is indexed or in a trigger)."""
    with contextlib.closing(sqlite3.connect(path)) as db:
        with db:  # one transaction
            present = {row[1] for row in db.execute(f'PRAGMA table_info("{table}")')}
            for col in columns:
                if col in present:
                    db.execute(f'ALTER TABLE "{table}" DROP COLUMN "{col}"')
            if _has_table(db, "gpkg_data_columns"):
                for col in columns:
                    db.execute("DELETE FROM gpkg_data_columns WHERE table_name = ? AND column_name = ?",
                               (table, col))
        db.execute("VACUUM")  # the dropped values must not linger in free pages of the file


def _has_table(db: sqlite3.Connection, name: str) -> bool:
    return db.execute("SELECT 1 FROM sqlite_master WHERE type='table' AND name=?", (name,)).fetchone() is not None


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
<summary style="font-weight:600;cursor:pointer">Not on the map ({n})</summary>\
<div style="color:#444;font-size:11px;margin:2px 0 6px">Their place is known only to the region, or has no \
coordinates: they are listed here rather than planted on a town.</div>{cards}</details>"""


# branca compiles an Element's text as a jinja2 template: braces must not reach it as such (nor "${" for JS)
_INERT = str.maketrans({"`": "&#96;", "$": "&#36;", "\\": "&#92;", "{": "&#123;", "}": "&#125;"})


def _inert(text: str) -> str:
    """HTML-escaped text that is also inert in a jinja2 template and a JS template literal."""
    return html.escape(text).translate(_INERT)


def not_drawn_panel(incidents: gpd.GeoDataFrame, *, public: bool = False) -> str:
    """The incidents the map does not draw (region-level, or no coordinates), each with its card, oldest first;
    '' when every incident is drawn. Cards are escaped and inert in templates (:mod:`dashboard.viz.cards`)."""
    missing = unplotted(incidents)
    if missing.empty:
        return ""
    ordered = missing.sort_values(["date_start", "incident_id"], kind="stable").to_dict("records")
    cards = "".join(f'<div style="border-top:1px solid #ddd;padding:4px 0">{incident_card_html(r, public=public)}'
                    "</div>" for r in ordered)
    return _HTML_NOT_DRAWN.format(n=len(ordered), cards=cards)


def to_html_bytes(
    incidents: gpd.GeoDataFrame,
    *,
    basemap: Basemap | None = None,
    public: bool = False,
    title: str = "Incidents in the Ségou region",
    description: str = "",
    footer: str = "",
    notes: tuple[str, ...] = (),
) -> bytes:
    """A self-contained HTML map of ``incidents``: the dashboard's map builder with every Leaflet asset inlined,
    so the file opens with no network. ``title``/``description``/``notes``/``footer`` are shown in a box over the
    map (escaped: they may carry the filter's free text); the incidents the map cannot draw are listed, with their
    cards, in a panel beside it."""
    m = build_incident_map(incidents, basemap=basemap, public=public)
    root = m.get_root()
    root.title = html.escape(title)
    root.html.add_child(Element(_HTML_HEADER.format(
        title=_inert(title), description=_inert(description), footer=_inert(footer), credits=_inert(short_credits()),
        notes="".join(_HTML_NOTE.format(text=_inert(n)) for n in notes if n))))
    panel = not_drawn_panel(incidents, public=public)
    if panel:
        root.html.add_child(Element(panel))
    return inline_assets_html(m).encode("utf-8")
