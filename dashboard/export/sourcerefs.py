"""The numbered list of sources a printed pack cites: each distinct source once, in order of first citation."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from dashboard.data.schema import is_http_url, parse_sources

__all__ = ["SourceRef", "number_sources"]


@dataclass(frozen=True, slots=True)
class SourceRef:
    number: int
    organisation: str
    title: str | None
    url: str | None
    published: str | None

    @property
    def link(self) -> bool:
        """Only absolute http(s) URLs become clickable."""
        return is_http_url(self.url)


def number_sources(incidents: pd.DataFrame) -> tuple[list[SourceRef], dict[str, list[int]]]:
    """One numbered list of the distinct sources of ``incidents`` (in order of first citation), and the numbers
    each incident cites. Sources are the same when their URL is; without a URL, when every field is."""
    refs: list[SourceRef] = []
    index: dict[tuple, int] = {}
    cited: dict[str, list[int]] = {}
    for ident, cell in zip(incidents["incident_id"], incidents["sources"], strict=True):
        numbers = []
        for s in parse_sources(cell):
            key = ("url", s.url) if s.url else ("text", s.organisation, s.title, s.published)
            if key not in index:
                index[key] = len(refs) + 1
                refs.append(SourceRef(len(refs) + 1, s.organisation, s.title, s.url, s.published))
            if index[key] not in numbers:
                numbers.append(index[key])
        cited[ident] = numbers
    return refs, cited
