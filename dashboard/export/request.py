"""What one export is: the selected incidents (a filter's or a story's) and how to present them.

Every exporter (:mod:`dashboard.export.exporters`) builds its bytes from one :class:`ExportRequest`, so the CLI,
the export page and the story page say what they want once, in the same words.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from typing import Any

import geopandas as gpd

from dashboard.data.captures import Capture
from dashboard.data.licensing import Withheld, attribution_lines, redistributable
from dashboard.data.reconcile.view import INCIDENT_OF_REPORT, ReportLevel
from dashboard.data.search import SearchIndex
from dashboard.data.sources.licences import Licence
from dashboard.export.metadata import CsvMetadata, export_metadata
from dashboard.export.story import Story, story_frame
from dashboard.export.words import BRIEFING
from dashboard.i18n import Translator, tr
from dashboard.query.filters import FrameIndex, filter_incidents
from dashboard.query.scope import LeftOut, left_out, left_out_words
from dashboard.query.spec import FilterSpec
from dashboard.viz.maps import Basemap

__all__ = ["CAPTURE_FOLDER", "ExportRequest"]

CAPTURE_FOLDER = "captures/"  # where an export's capture copies go, beside it (and inside a pack)


@dataclass(frozen=True)
class ExportRequest:
    """The incidents to export (``view``, already selected and ordered) and how: the selection that chose them (a
    filter or a story), the title (``None``: the default), the language of the pack, whether places are public
    (coarsened; the caller passes the coarsened frames), the dataset version and the time printed on the file.
    ``total`` is the size of the whole dataset ("3 of 36"); ``left_out`` says which related incidents the filter's
    scope does not count ("+ 15 related incidents not counted: …"); ``reports`` the reports of the incidents
    (the second level of the data exports). ``author``, ``organisation``, ``analysis_date``
    and ``marking`` (a handling marking such as "For internal use") are printed on the briefing's first page."""

    view: gpd.GeoDataFrame
    total: int
    version: str
    generated_at: datetime
    selection: FilterSpec | Story = field(default_factory=FilterSpec)
    title: str | None = None
    lang: str = "en"
    public: bool = False
    spreadsheet_safe: bool = False  # CSV only: a ' before text cells that start like a formula
    basemap: Basemap | None = None  # None: the bundled outlines and seats
    left_out: LeftOut | None = None  # the related incidents the scope does not count (None: not a filter's)
    csv_metadata: CsvMetadata = "comment"  # CSV only: where its metadata goes (see dashboard/export/metadata.py)
    author: str | None = None
    organisation: str | None = None
    analysis_date: date | None = None
    marking: str | None = None  # e.g. "For internal use"
    max_listed: int | None = None  # PDF: incidents listed one by one (the most serious; all are counted); a story
    # with more steps is refused. None: no bound (Limits.briefing_incidents is what the CLI and the app pass)

    reports: gpd.GeoDataFrame | None = None  # the reports of ``view``'s incidents (None: not asked for)
    include_restricted: bool = False  # private use: keep rows whose licence forbids redistribution, with a warning
    declared: Mapping[str, Licence] | None = None  # licences declared at import: report id → licence
    # set by licensed(): what the licences left out (None: not applied yet) and the licences the file credits
    withheld: Withheld | None = None
    credited: tuple[Licence, ...] = ()
    # the store's preserved copies of sources (issue 16); with ``with_captures`` the files go beside the export
    # (``captures/<sha256>.<ext>``), the cards link them and the manifest hashes them. Public: never the files.
    captures: tuple[Capture, ...] = ()
    with_captures: bool = False

    @classmethod
    def of_filter(cls, incidents: gpd.GeoDataFrame, spec: FilterSpec, *, search: SearchIndex | None = None,
                  report_level: ReportLevel | None = None, **how: Any) -> ExportRequest:
        """The incidents ``spec`` selects (through ``search``, the index of exactly ``incidents``, when given), the
        sentence of the related incidents its scope leaves out, and their reports when ``report_level`` is given."""
        index = FrameIndex(incidents, search)
        view = filter_incidents(incidents, spec, index)
        left = None
        if spec.scope != "all":
            left = left_out(view, filter_incidents(incidents, spec.with_(scope="all"), index))
        reports = None if report_level is None else report_level.of(view)
        return cls(view=view, total=len(incidents), selection=spec, left_out=left, reports=reports, **how)

    @classmethod
    def of_story(cls, incidents: gpd.GeoDataFrame, story: Story, *, report_level: ReportLevel | None = None,
                 **how: Any) -> ExportRequest:
        """The story's incidents in its order (:class:`~dashboard.export.story.StoryError` for unknown ids)."""
        view = story_frame(incidents, story)
        reports = None if report_level is None else report_level.of(view)
        return cls(view=view, total=len(incidents), selection=story, reports=reports, **how)

    def licensed(self) -> ExportRequest:
        """This request with the rows their licences forbid handing on left out (or, with ``include_restricted``,
        kept and flagged): :func:`dashboard.data.licensing.redistributable`. Every exporter builds from it;
        applying it twice changes nothing."""
        if self.withheld is not None:
            return self
        out = redistributable(self.view, self.reports, include=self.include_restricted, declared=self.declared)
        return replace(self, view=out.incidents, reports=out.reports, withheld=out.withheld, credited=out.licences)

    @property
    def translator(self) -> Translator:
        """The language of the file's own sentences (``lang``): notes, attribution lines, metadata."""
        return tr(self.lang)

    def attribution(self) -> list[str]:
        """The attribution lines of the datasets this file holds or counts (after :meth:`licensed`), in the
        request's language."""
        return attribution_lines(self.credited, self.translator)

    def licence_notes(self) -> list[str]:
        """What a file prints about licences: the warning (``--include-restricted``), the note of what was left out
        and its counts by cercle and month (after :meth:`licensed`; empty when nothing was held back)."""
        held, t = self.withheld, self.translator
        if held is None:
            return []
        return [line for line in (held.warning(t), held.note(t)) if line] + held.count_lines(t)

    def exported_captures(self) -> list[Capture]:
        """The captures of the exported incidents' reports (after :meth:`licensed`), oldest first."""
        if not self.captures:
            return []
        ids = {i.strip() for cell in self.view.get("report_ids", self.view["incident_id"]).astype(str)
               for i in cell.split(";")} | set(self.view["incident_id"].astype(str))
        return [c for c in self.captures if c.report_id in ids]

    def capture_links(self) -> dict[str, str] | None:
        """sha256 → the relative name of its copy exported beside the file (None: copies not exported)."""
        if not self.with_captures or self.public:
            return None
        return {c.sha256: CAPTURE_FOLDER + c.file_name for c in self.exported_captures()}

    def reports_by_incident(self) -> dict[str, list[dict]]:
        """incident id → its reports as records (lead first); empty when the reports were not asked for."""
        if self.reports is None:
            return {}
        out: dict[str, list[dict]] = {}
        for record in self.reports.to_dict("records"):
            out.setdefault(record[INCIDENT_OF_REPORT], []).append(record)
        return out

    @property
    def spec(self) -> FilterSpec | None:
        return self.selection if isinstance(self.selection, FilterSpec) else None

    @property
    def story(self) -> Story | None:
        return self.selection if isinstance(self.selection, Story) else None

    def description(self, t: Translator | None = None) -> str:
        """What was selected, in one line (in the request's language unless ``t`` says otherwise): the filter
        sentence, or the story's title."""
        t = t or self.translator
        if self.story is not None:
            return self.story.title or t.ngettext("A story of {n} incident", "A story of {n} incidents",
                                                  len(self.story)).format(n=len(self.story))
        return self.selection.describe(t.words())

    def left_out_sentence(self, t: Translator | None = None) -> str | None:
        """"+ 15 related incidents not counted: …" (``None`` when none is left out)."""
        if self.left_out is None or not len(self.left_out):
            return None
        return self.left_out.sentence(left_out_words(t or self.translator))

    def heading(self, default: str) -> str:
        """The title: the request's, else the story's, else ``default``."""
        return self.title or (self.story.title if self.story is not None else None) or default

    def metadata(self) -> dict[str, Any]:
        """What the file says about itself, its sentences in the request's language (the keys are the schema's) (:func:`dashboard.export.metadata.export_metadata`), with the licences
        of what it holds, their attribution lines and what they left out (after :meth:`licensed`)."""
        t = self.translator
        meta = export_metadata(title=self.heading(t.gettext(BRIEFING["default_title"])), selection=self.description(),
                               incidents=len(self.view), total=self.total, version=self.version,
                               generated_at=self.generated_at, public=self.public, left_out=self.left_out_sentence(),
                               t=t)
        held = self.withheld
        if held is None:
            return meta
        if held.warning(t):
            meta = {"warning": held.warning(t), **meta}
        meta["licences"] = {lic.label: t.gettext(lic.name) for lic in self.credited}
        meta["attribution"] = self.attribution()
        if held.note(t):
            meta["left_out_by_licence"] = held.note(t)
        if held.count_lines(t):
            meta["left_out_counts"] = held.count_lines(t)
        return meta

    def with_(self, **changes: Any) -> ExportRequest:
        return replace(self, **changes)
