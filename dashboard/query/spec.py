"""FilterSpec: what is selected, as a frozen value that describes itself and round-trips through a URL.

Its fields, URL parameters and sentence come from the filter registry (:data:`dashboard.query.registry.FILTERS`):
one field per filter, named by ``Filter.field``, whose default is the filter's "off" value. So a new filter is one
registry entry, and the URL, the sentence, the CLI and the sidebar follow.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import field, fields, make_dataclass, replace
from datetime import date
from typing import Any

from dashboard.errors import SpecError
from dashboard.i18n import N_
from dashboard.query.registry import FILTERS
from dashboard.wording import ENGLISH, Words, describe_period, format_day

__all__ = ["FilterSpec", "SpecError", "describe_period", "format_day"]

_ANNOTATIONS = {"date": date | None, "set": frozenset, "count": int | None, "text": str, "flag": bool, "choice": str}


class _SpecMethods:
    """The behaviour of :class:`FilterSpec` (its fields are generated from the registry below)."""

    __slots__ = ()

    def __post_init__(self) -> None:
        for f in FILTERS:
            object.__setattr__(self, f.field, f.normalise(getattr(self, f.field)))
        start, end = self.start, self.end  # type: ignore[attr-defined]
        if start and end and end < start:
            raise SpecError(N_("the end date {end} is before the start date {start}"), end=str(end), start=str(start))
        if self.min_fatalities is not None and self.min_fatalities < 0:  # type: ignore[attr-defined]
            raise SpecError(N_("minimum fatalities cannot be negative"))
        for f in FILTERS:
            if f.kind == "choice" and getattr(self, f.field) not in f.choices:
                raise SpecError(N_("{key} must be one of {choices}, got {value}"), key=f.key,
                                choices=", ".join(f.choices), value=repr(getattr(self, f.field)))

    def is_empty(self) -> bool:
        return self == type(self)()

    def with_(self, **changes: Any) -> FilterSpec:
        return replace(self, **changes)  # type: ignore[type-var]

    # ---- in words ------------------------------------------------------------------------------------------
    def describe(self, words: Words = ENGLISH) -> str:
        """One sentence for captions and briefing headers, e.g.
        "Civilian-targeting incidents attributed to state forces or pro-government militia, in Niono, 1–31 Oct 2025".
        ``words`` is the language (English by default)."""
        noun = words.translate("Incidents")
        clauses: dict[str, list[str]] = {"head": [], "part": [], "tail": []}
        for f in sorted(FILTERS, key=lambda f: f.rank):
            value = getattr(self, f.field)
            if f.describe is None or not f.active(value):
                continue
            phrase = f.describe(value, self, words)
            if f.clause == "noun":
                noun = phrase
            elif phrase not in clauses[f.clause]:  # both ends of the period say the same phrase
                clauses[f.clause].append(phrase)
        return words.sentence(" ".join([noun, *clauses["head"]]), clauses["part"], clauses["tail"])

    # ---- URL round trip ------------------------------------------------------------------------------------
    def to_query_params(self) -> dict[str, str | list[str]]:
        out: dict[str, str | list[str]] = {}
        for f in FILTERS:
            param = f.to_param(getattr(self, f.field))
            if param is not None:
                out[f.key] = param
        return out

    @classmethod
    def from_query_params(cls, params: Mapping[str, str | Iterable[str]]) -> FilterSpec:
        """Inverse of :meth:`to_query_params`; raises :class:`SpecError` naming the bad parameter. Parameters that
        are not filters (the page, the map mode...) are ignored."""
        return cls(**{f.field: f.from_param(params.get(f.key)) for f in FILTERS})  # type: ignore[return-value]


FilterSpec = make_dataclass(
    "FilterSpec",
    [(f.field, _ANNOTATIONS[f.kind], field(default=f.empty)) for f in FILTERS],
    bases=(_SpecMethods,),
    frozen=True,
    slots=True,
)
FilterSpec.__module__ = __name__
FilterSpec.__doc__ = ("What is selected: " + ", ".join(f"``{f.name}``" for f in fields(FilterSpec))
                      + ". Frozen; see :mod:`dashboard.query.registry` for what each field means.")
