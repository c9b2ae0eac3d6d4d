"""What one export is: the selected incidents (a filter's or a story's) and how to present them.

Every exporter (:mod:`dashboard.export.exporters`) builds its bytes from one :class:`ExportRequest`, so the CLI,
the export page and the story page say what they want once, in the same words.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any

import geopandas as gpd

from dashboard.data.search import SearchIndex
from dashboard.export.story import Story, story_frame
from dashboard.query.filters import filter_incidents
from dashboard.query.spec import FilterSpec
from dashboard.viz.maps import Basemap

__all__ = ["ExportRequest"]


@dataclass(frozen=True)
class ExportRequest:
    """The incidents to export (``view``, already selected and ordered) and how: the selection that chose them (a
    filter or a story), the title (``None``: the default), the language of the pack, whether places are public
    (coarsened; the caller passes the coarsened frame), the dataset version and the time printed on the file.
    ``total`` is the size of the whole dataset ("3 of 36")."""

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
    max_listed: int | None = None  # PDF: incidents listed one by one (the most serious; all are counted); a story
    # with more steps is refused. None: no bound (Limits.briefing_incidents is what the CLI and the app pass)

    @classmethod
    def of_filter(cls, incidents: gpd.GeoDataFrame, spec: FilterSpec, *, search: SearchIndex | None = None,
                  **how: Any) -> ExportRequest:
        """The incidents ``spec`` selects (through ``search``, the index of exactly ``incidents``, when given)."""
        return cls(view=filter_incidents(incidents, spec, search), total=len(incidents), selection=spec, **how)

    @classmethod
    def of_story(cls, incidents: gpd.GeoDataFrame, story: Story, **how: Any) -> ExportRequest:
        """The story's incidents in its order (:class:`~dashboard.export.story.StoryError` for unknown ids)."""
        return cls(view=story_frame(incidents, story), total=len(incidents), selection=story, **how)

    @property
    def spec(self) -> FilterSpec | None:
        return self.selection if isinstance(self.selection, FilterSpec) else None

    @property
    def story(self) -> Story | None:
        return self.selection if isinstance(self.selection, Story) else None

    def description(self) -> str:
        """What was selected, in one English line: the filter sentence, or the story's title."""
        if self.story is not None:
            return self.story.title or f"A story of {len(self.story)} incident(s)"
        return self.selection.describe()

    def with_(self, **changes: Any) -> ExportRequest:
        return replace(self, **changes)
