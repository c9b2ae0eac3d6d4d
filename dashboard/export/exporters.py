"""The export formats: one small frozen record each, and the CLI (``incident-map export --format``, ``query --json``)
and the Briefing & exports page iterate over :data:`EXPORTERS`. A new format is one entry here and its tests.

Each exporter builds bytes from one :class:`~dashboard.export.request.ExportRequest`, after
:meth:`~dashboard.export.request.ExportRequest.licensed` (rows whose licence forbids redistribution left out and
counted, or kept with a warning; ``docs/licences.md``): every entry's ``build`` is wrapped by :func:`_licensed`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Literal

from dashboard.errors import UserError
from dashboard.export import files
from dashboard.export.metadata import csvw_sidecar, sidecar_name
from dashboard.export.request import ExportRequest
from dashboard.export.words import BRIEFING
from dashboard.i18n import N_, languages, tr
from dashboard.query.aggregate import totals
from dashboard.query.scope import RECORD_STATEMENT
from dashboard.wording import either

__all__ = ["EXPORTERS", "LANGUAGE_NAMES", "ExportRequest", "Exporter", "exporter", "format_names"]

LANGUAGE_NAMES = {lang: tr(lang).locale.get_display_name(lang) for lang in languages()}  # in their own words


@dataclass(frozen=True, slots=True)
class Exporter:
    name: str  # the --format value
    extension: str
    mime: str
    label: str  # the button's label (with the language's name for a pack in several languages)
    summary: str  # what the file is, for help texts (marked with N_: translated where shown)
    build: Callable[[ExportRequest], bytes]
    public: bool  # offered by a public server (coarsened places; raw data files are not)
    group: Literal["pack", "map", "data"]  # where the export page puts its button
    icon: str  # the button's Material icon
    tag: str = ""  # a word in the file name ("briefing" → ..._briefing-en.pdf)
    languages: tuple[str, ...] = ()  # one file per language (empty: the file has no language)
    # a second file some requests ask for (the CSV's metadata sidecar): its bytes, given the main file's name
    companion: Callable[[ExportRequest, str], bytes | None] | None = None

    def companion_name(self, filename: str) -> str:
        return sidecar_name(filename)

    def companion_of(self, request: ExportRequest, filename: str) -> bytes | None:
        """The companion file of this request, or ``None`` when it has none."""
        return self.companion(request, filename) if self.companion is not None else None

    def filename(self, stem: str, lang: str = "en") -> str:
        parts = [stem, *([self.tag] if self.tag else [])]
        return "_".join(parts) + (f"-{lang}" if self.languages else "") + f".{self.extension}"


def _licensed(build: Callable[[ExportRequest], bytes]) -> Callable[[ExportRequest], bytes]:
    """``build`` applied to the request after its licences (every format, so no path hands on a restricted row)."""
    return lambda request: build(request.licensed())


def _pdf(request: ExportRequest) -> bytes:
    # imported when a PDF is built: weasyprint and matplotlib take about a second to import, which every CLI
    # command (and every test that runs the CLI) would otherwise pay, since the CLI's --format help lists EXPORTERS
    from dashboard.export import briefing

    return briefing.briefing_pdf(request)


def _html(request: ExportRequest) -> bytes:
    from dashboard.export import briefing

    at, t = request.generated_at, request.translator
    footer = totals(request.view).sentence(total=request.total, t=t) + " · " + t.gettext(
        "dataset version {version} · generated {generated} UTC").format(version=request.version,
                                                                         generated=f"{at:%Y-%m-%d %H:%M}")
    return files.to_html_bytes(request.view, basemap=request.basemap or briefing.default_basemap(),
                               public=request.public, title=request.heading(t.gettext(BRIEFING["default_title"])),
                               description=request.description(), footer=footer,
                               notes=(*request.licence_notes(), request.left_out_sentence() or "",
                                      t.gettext(RECORD_STATEMENT), *request.attribution()), t=t,
                               captures=request.exported_captures(), capture_links=request.capture_links())


def _csv(request: ExportRequest) -> bytes:
    comment = request.metadata() if request.csv_metadata == "comment" else None
    return files.to_csv_bytes(request.view, public=request.public, spreadsheet_safe=request.spreadsheet_safe,
                              metadata=comment)


def _csv_sidecar(request: ExportRequest, filename: str) -> bytes | None:
    if request.csv_metadata != "sidecar":
        return None
    return csvw_sidecar(request.metadata(), filename, files.export_columns(public=request.public, flat=True))


_FORMATS: tuple[Exporter, ...] = (
    Exporter("pdf", "pdf", "application/pdf", N_("PDF"), N_("briefing pack"), _pdf, public=True,
             group="pack", icon=":material/picture_as_pdf:", tag="briefing", languages=languages()),
    Exporter("html", "html", "text/html", N_("HTML map"), N_("self-contained map"), _html, public=True, group="map",
             icon=":material/public:", tag="map"),
    Exporter("csv", "csv", "text/csv", N_("CSV (spreadsheet)"), N_("spreadsheet"), _csv,
             public=False, group="data", icon=":material/table_view:", companion=_csv_sidecar),
    Exporter("geojson", "geojson", "application/geo+json", N_("GeoJSON (GIS)"), N_("GIS"),
             lambda r: files.to_geojson_bytes(r.view, public=r.public, metadata=r.metadata()), public=False,
             group="data", icon=":material/map:"),
    Exporter("gpkg", "gpkg", "application/geopackage+sqlite3", N_("GeoPackage (QGIS, ArcGIS)"), N_("QGIS, ArcGIS"),
             lambda r: files.to_gpkg_bytes(r.view, public=r.public, reports=r.reports, metadata=r.metadata()),
             public=False, group="data", icon=":material/layers:"),
    Exporter("json", "json", "application/json", N_("JSON records"), N_("metadata and the records `query --json` prints"),
             lambda r: files.to_json_bytes(r.view, r.reports_by_incident() if r.reports is not None else None,
                                           metadata=r.metadata()),
             public=False, group="data", icon=":material/data_object:"),
    Exporter("reports", "csv", "text/csv", N_("Reports CSV (each source's record)"),
             N_("the reports of the incidents, each with the incident it belongs to"),
             lambda r: files.to_reports_csv_bytes(_reports(r), public=r.public, spreadsheet_safe=r.spreadsheet_safe,
                                                  metadata=r.metadata()),
             public=False, group="data", icon=":material/library_books:", tag="reports"),
)


EXPORTERS: tuple[Exporter, ...] = tuple(replace(e, build=_licensed(e.build)) for e in _FORMATS)


def _reports(request: ExportRequest):
    if request.reports is None:
        raise UserError(N_("this export needs the reports of the incidents, which were not loaded"))
    return request.reports


def exporter(name: str) -> Exporter:
    """The exporter called ``name``; :class:`UserError` naming the formats otherwise."""
    for e in EXPORTERS:
        if e.name == name:
            return e
    raise UserError(N_("--format must be one of {formats}; got {value}"), formats=format_names(), value=repr(name))


def format_names(conjunction: str | None = None) -> str:
    """``"pdf, html, csv, geojson, gpkg, json"`` (or with "or" before the last one)."""
    names = [e.name for e in EXPORTERS]
    return either(names, conjunction) if conjunction else ", ".join(names)
