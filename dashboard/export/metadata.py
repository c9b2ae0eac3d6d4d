"""What every exported file says about itself, and how each format carries it.

One :func:`export_metadata` record per export: the title, the selection in words (the filter sentence, or the
story), what the record is, how many incidents are counted and which related ones are not, the dataset version,
the time the file was made and whether places were coarsened. Each format holds it the way the format allows:

* GeoJSON: a ``"metadata"`` foreign member of the FeatureCollection (RFC 7946, section 6.1), which GIS software
  ignores and the importer too;
* GeoPackage: an ``export_metadata`` attributes table (``key``, ``value``), listed in ``gpkg_contents`` so that QGIS
  and ``ogrinfo`` show it as a table beside the layers;
* CSV: ``#`` comment lines before the header (the importer skips them), or, for tools that cannot skip comments,
  a sidecar ``<file>.csv-metadata.json`` in the W3C "CSV on the Web" layout (its default name for a file's
  metadata), with the CSV itself left plain;
* JSON: ``{"metadata": {...}, "records": [...]}`` (the importer reads ``records``);
* the HTML map and the PDF print it (title box and footer; header and footer).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any, Literal

from dashboard.i18n import N_, Translator, tr
from dashboard.query.scope import RECORD_STATEMENT

__all__ = ["CSV_METADATA", "CsvMetadata", "csv_comment_lines", "csvw_sidecar", "export_metadata", "sidecar_name",
           "text_value"]

CsvMetadata = Literal["comment", "sidecar"]
CSV_METADATA: dict[str, str] = {
    "comment": N_("as # comment lines above the header (one file; the importer skips them)"),
    "sidecar": N_("in a sidecar <file>.csv-metadata.json (W3C CSV on the Web); the CSV stays plain"),
}
GENERATOR = "Ségou incident map (incident-map)"


def _utc(at: datetime) -> str:
    return (at.astimezone(UTC) if at.tzinfo else at).strftime("%Y-%m-%dT%H:%M:%SZ" if at.tzinfo else
                                                              "%Y-%m-%dT%H:%M:%S")


def export_metadata(*, title: str, selection: str, incidents: int, total: int, version: str, generated_at: datetime,
                    public: bool, left_out: str | None = None, t: Translator | None = None) -> dict[str, Any]:
    """The metadata of one export, as plain JSON values, in the order they are read. The keys are the format's
    schema (English, always); the sentences (``title``, ``selection``, ``not_counted`` as given, ``record`` here) are
    in ``t``'s language (English by default)."""
    meta: dict[str, Any] = {
        "title": title,
        "selection": selection,
        "incidents": incidents,
        "of_total": total,
        "not_counted": left_out or "",
        "record": (t or tr()).gettext(RECORD_STATEMENT),
        "dataset_version": version,
        "generated_at": _utc(generated_at),
        "public": public,
        "generator": GENERATOR,
    }
    return meta


def text_value(value: Any) -> str:
    """A metadata value as one line of text ("true"/"false" for flags)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list | tuple):
        return " | ".join(text_value(v) for v in value)
    if isinstance(value, dict):
        return "; ".join(f"{k}: {text_value(v)}" for k, v in value.items())
    return " ".join(str(value).split())  # one line each: no value can break out of its comment line


def csv_comment_lines(meta: Mapping[str, Any]) -> str:
    """``# key: value`` lines (values on one line), to put before the CSV header."""
    return "".join(f"# {key}: {text_value(value)}\n" for key, value in meta.items())


def sidecar_name(csv_name: str) -> str:
    """The CSVW default location of a file's metadata: ``data.csv`` → ``data.csv-metadata.json``."""
    return f"{csv_name}-metadata.json"


def csvw_sidecar(meta: Mapping[str, Any], csv_name: str, columns: list[str]) -> bytes:
    """A CSV on the Web metadata document for ``csv_name`` (Dublin Core terms for what it is, this project's
    keys under ``segou:``)."""
    doc = {
        "@context": ["http://www.w3.org/ns/csvw", {"segou": "urn:segou-incident-map:terms:"}],
        "url": csv_name,
        "dc:title": meta["title"],
        "dc:description": meta["selection"],
        "dc:created": meta["generated_at"],
        "dc:creator": meta["generator"],
        **{f"segou:{k}": v for k, v in meta.items() if k not in {"title", "selection", "generated_at", "generator"}},
        "tableSchema": {"columns": [{"name": c, "titles": c} for c in columns]},
        "dialect": {"commentPrefix": "#", "header": True, "encoding": "utf-8"},
    }
    return json.dumps(doc, ensure_ascii=False, indent=2).encode("utf-8")
