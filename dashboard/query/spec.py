"""FilterSpec: what is selected, as a frozen value that describes itself and round-trips through a URL."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, fields, replace
from datetime import date

from dashboard.data.schema import GEO_PRECISION_LABELS, PERPETRATOR_LABELS

_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


class SpecError(ValueError):
    """A filter value that cannot be understood (bad date, unknown category...)."""


@dataclass(frozen=True, slots=True)
class FilterSpec:
    start: date | None = None
    end: date | None = None
    perpetrator_categories: frozenset[str] = frozenset()
    actors: frozenset[str] = frozenset()
    event_types: frozenset[str] = frozenset()
    admin2: frozenset[str] = frozenset()
    min_fatalities: int | None = None
    verification: frozenset[str] = frozenset()
    geo_precisions: frozenset[int] = frozenset()
    datasets: frozenset[str] = frozenset()
    text: str = ""
    civilian_only: bool = False

    def __post_init__(self) -> None:
        for f in fields(self):
            value = getattr(self, f.name)
            if isinstance(value, set | list | tuple):
                object.__setattr__(self, f.name, frozenset(value))
        if self.start and self.end and self.end < self.start:
            raise SpecError(f"the end date {self.end} is before the start date {self.start}")
        if self.min_fatalities is not None and self.min_fatalities < 0:
            raise SpecError("minimum fatalities cannot be negative")
        object.__setattr__(self, "text", self.text.strip())

    def is_empty(self) -> bool:
        return self == FilterSpec()

    def with_(self, **changes) -> FilterSpec:
        return replace(self, **changes)

    # ---- plain English -------------------------------------------------------------------------------
    def describe(self) -> str:
        """One sentence for captions and briefing headers, e.g.
        "Civilian-targeting incidents by state forces or pro-government militia in Niono, 1–31 Oct 2025"."""
        head = "Civilian-targeting incidents" if self.civilian_only else "Incidents"
        if self.event_types:
            head += f" of type {_or(sorted(self.event_types))}"
        parts = [head]
        if self.perpetrator_categories:
            labels = [PERPETRATOR_LABELS.get(c, c).lower() for c in sorted(self.perpetrator_categories)]
            parts.append(f"attributed to {_or(labels)}")
        if self.actors:
            parts.append(f"with a perpetrator named like {_or([repr(a) for a in sorted(self.actors)])}")
        if self.admin2:
            parts.append(f"in {_or(sorted(self.admin2))}")
        period = describe_period(self.start, self.end)
        if period:
            parts.append(period)
        tail = []
        if self.min_fatalities:
            tail.append(f"at least {self.min_fatalities} killed")
        if self.verification:
            tail.append(f"verification {_or(sorted(self.verification))}")
        if self.geo_precisions:
            tail.append("location " + _or([GEO_PRECISION_LABELS[p] for p in sorted(self.geo_precisions)]))
        if self.datasets:
            tail.append(f"from {_or(sorted(self.datasets))}")
        if self.text:
            tail.append(f"mentioning {self.text!r}")
        sentence = " ".join(parts[:1]) + ("" if len(parts) == 1 else " " + ", ".join(parts[1:]))
        if tail:
            sentence += "; " + "; ".join(tail)
        return sentence

    # ---- URL round trip ------------------------------------------------------------------------------
    def to_query_params(self) -> dict[str, str | list[str]]:
        out: dict[str, str | list[str]] = {}
        if self.start:
            out["from"] = self.start.isoformat()
        if self.end:
            out["to"] = self.end.isoformat()
        for key, value in (
            ("cat", self.perpetrator_categories),
            ("actor", self.actors),
            ("type", self.event_types),
            ("cercle", self.admin2),
            ("verif", self.verification),
            ("prec", {str(p) for p in self.geo_precisions}),
            ("dataset", self.datasets),
        ):
            if value:
                out[key] = sorted(value)
        if self.min_fatalities is not None:
            out["min_killed"] = str(self.min_fatalities)
        if self.text:
            out["q"] = self.text
        if self.civilian_only:
            out["civ"] = "1"
        return out

    @classmethod
    def from_query_params(cls, params: Mapping[str, str | Iterable[str]]) -> FilterSpec:
        """Inverse of :meth:`to_query_params`; raises :class:`SpecError` naming the bad parameter."""

        def many(key: str) -> frozenset[str]:
            value = params.get(key)
            if value is None:
                return frozenset()
            values = [value] if isinstance(value, str) else list(value)
            return frozenset(v for v in values if v)

        def one(key: str) -> str | None:
            value = params.get(key)
            if value is None or isinstance(value, str):
                return value or None
            values = list(value)
            return values[-1] if values else None

        try:
            precisions = frozenset(int(p) for p in many("prec"))
        except ValueError:
            raise SpecError("prec must be 1, 2 or 3") from None
        if not precisions <= set(GEO_PRECISION_LABELS):
            raise SpecError("prec must be 1, 2 or 3")
        min_killed = one("min_killed")
        try:
            min_fatalities = int(min_killed) if min_killed is not None else None
        except ValueError:
            raise SpecError(f"min_killed must be a whole number, got {min_killed!r}") from None
        categories = many("cat")
        unknown = categories - set(PERPETRATOR_LABELS)
        if unknown:
            raise SpecError(f"unknown perpetrator category {sorted(unknown)[0]!r}; "
                            f"expected one of {', '.join(PERPETRATOR_LABELS)}")
        return cls(
            start=_parse_date(one("from"), "from"),
            end=_parse_date(one("to"), "to"),
            perpetrator_categories=categories,
            actors=many("actor"),
            event_types=many("type"),
            admin2=many("cercle"),
            min_fatalities=min_fatalities,
            verification=many("verif"),
            geo_precisions=precisions,
            datasets=many("dataset"),
            text=one("q") or "",
            civilian_only=one("civ") in {"1", "true", "yes"},
        )


def _parse_date(value: str | None, name: str) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise SpecError(f"{name} must be a date like 2025-10-01, got {value!r}") from None


def _or(items: list[str]) -> str:
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " or " + items[-1]


def format_day(d: date) -> str:
    return f"{d.day} {_MONTHS[d.month - 1]} {d.year}"


def describe_period(start: date | None, end: date | None) -> str:
    """"1–31 Oct 2025", "from 1 Jan 2024", "until 5 Mar 2022", or "" when open on both sides."""
    if start and end:
        if start == end:
            return f"on {format_day(start)}"
        if (start.year, start.month) == (end.year, end.month):
            return f"{start.day}–{end.day} {_MONTHS[start.month - 1]} {start.year}"
        if start.year == end.year:
            return f"{start.day} {_MONTHS[start.month - 1]} – {format_day(end)}"
        return f"{format_day(start)} – {format_day(end)}"
    if start:
        return f"from {format_day(start)}"
    if end:
        return f"until {format_day(end)}"
    return ""
