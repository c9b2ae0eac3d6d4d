"""What the record counts by default: incidents whose victims were civilians, inside the Ségou region.

The curated record also keeps *related* incidents, each with an ``inclusion_note`` saying why it is there: militia
members or officials killed, indirect deaths in a siege, an accidental grenade blast, an aggregate report, a killing
placed just outside the region. Under a title about violence against civilians in the region they would inflate the
totals, so the default view leaves them out and says so ("+ 15 related incidents not counted: …"); the ``scope``
filter of the registry (:mod:`dashboard.query.registry`) counts them in, one click away.

An incident whose civilian targeting or region is not recorded is not counted by default either (it is not known to
belong under the title), and the note names that reason separately.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from dashboard.data.admin import REGION, AdminNames
from dashboard.i18n import N_
from dashboard.query.rows import Rows

__all__ = [
    "DEFAULT_SCOPE",
    "LEFT_OUT_EN",
    "RECORD_STATEMENT",
    "REGION",
    "SCOPES",
    "LeftOut",
    "LeftOutWords",
    "RowScopes",
    "in_region",
    "left_out",
    "left_out_words",
    "row_scopes",
    "scope_choices",
    "why_not_counted",
]

RECORD_STATEMENT = N_("A curated record of publicly documented incidents, not a complete count: incidents that no "
                    "public source reported are missing, and tolls are the sources' figures.")


def civilian_victims(incidents: pd.DataFrame) -> np.ndarray:
    """``civilian_targeting`` is true (unknown: no)."""
    return incidents["civilian_targeting"].fillna(False).to_numpy(dtype=bool)


def in_region(incidents: pd.DataFrame) -> np.ndarray:
    """``admin1`` names the Ségou region, in any spelling a source uses ("Segou", "Ségou region", or a 2023 region
    carved from it, such as "région de San"); or, when no ``admin1`` is given, the incident lies in one of the
    region's cercles (its computed ``cercle_pcode``: the UCDP GED extract, for one, names no region). An empty
    ``admin1`` without such a cercle is not known to be inside; a named other region stays outside."""
    values = incidents["admin1"]
    codes, uniques = pd.factorize(values)
    names = AdminNames.default()
    inside = np.array([names.region(v).found for v in uniques] + [False], dtype=bool)
    named = inside[codes]  # a missing value (code -1) takes the appended False
    return named | (values.isna().to_numpy(dtype=bool) & _in_a_cercle(incidents))


def _in_a_cercle(incidents: pd.DataFrame) -> np.ndarray:
    """The incident lies in one of the region's cercles (a P-code is only ever given to those)."""
    if "cercle_pcode" not in incidents.columns:
        return np.zeros(len(incidents), dtype=bool)
    return incidents["cercle_pcode"].notna().to_numpy(dtype=bool)


@dataclass(frozen=True, slots=True)
class Scope:
    name: str  # the URL and CLI value
    label: str  # the sidebar's words (marked with N_, translated where shown)
    phrase: str  # its part of the filter sentence ("Incidents with civilian victims in the Ségou region, ...")
    mask: Callable[[pd.DataFrame], np.ndarray]


SCOPES: tuple[Scope, ...] = (
    Scope("region", N_("Civilian victims in the Ségou region"), N_("with civilian victims in the Ségou region"),
          lambda df: civilian_victims(df) & in_region(df)),
    Scope("civilian", N_("Civilian victims, in or outside the region"),
          N_("with civilian victims, in or outside the region"), civilian_victims),
    Scope("all", N_("Every incident in the record, related ones included"),
          N_("of the whole record, related ones included"), lambda df: np.ones(len(df), dtype=bool)),
)
DEFAULT_SCOPE = SCOPES[0].name


def scope(name: str) -> Scope:
    return next(s for s in SCOPES if s.name == name)


def scope_choices() -> tuple[str, ...]:
    return tuple(s.name for s in SCOPES)


@dataclass(frozen=True, slots=True)
class LeftOutWords:
    """How the note is said (English by default; :func:`left_out_words` gives a language's)."""

    sentence: Callable[[int], str] = lambda n: ("+ {n} related incident not counted: {reasons}" if n == 1
                                                else "+ {n} related incidents not counted: {reasons}")
    not_civilian: str = ("whose victims were not civilians targeted as such (combatants, officials, indirect deaths, "
                         "accidents, aggregate reports)")
    civilian_unknown: str = "whose targeting of civilians is not recorded"
    outside: str = "outside the Ségou region"
    region_unknown: str = "whose region is not recorded"
    thousands: str = ","
    separator: str = "; "


def left_out_words(t) -> LeftOutWords:
    """The note's words in a :class:`~dashboard.i18n.Translator`'s language."""
    return LeftOutWords(
        sentence=lambda n: t.ngettext("+ {n} related incident not counted: {reasons}",
                                      "+ {n} related incidents not counted: {reasons}", n),
        not_civilian=t.gettext("whose victims were not civilians targeted as such (combatants, officials, indirect "
                               "deaths, accidents, aggregate reports)"),
        civilian_unknown=t.gettext("whose targeting of civilians is not recorded"),
        outside=t.gettext("outside the Ségou region"), region_unknown=t.gettext("whose region is not recorded"),
        thousands=t.group_symbol,
        separator=t.pgettext("between the reasons of a note", "; "))


LEFT_OUT_EN = LeftOutWords()


@dataclass(frozen=True, eq=False)
class LeftOut:
    """The related incidents that the same filters would select with every incident counted, and why each is not.
    Their rows (:attr:`incidents`) are taken when first asked for (the note's list, built once opened): the note
    itself needs only the counts, and at a million incidents the rows left out can be most of them."""

    rows: Rows  # where they are (in the loaded frame, or themselves)
    not_civilian: int  # civilian targeting recorded as false
    civilian_unknown: int  # ... not recorded
    outside: int  # region recorded, and not the Ségou region
    region_unknown: int  # region not recorded
    listed: tuple[str, ...] | None = None  # the columns :attr:`incidents` holds (None: every column)

    def __len__(self) -> int:
        return len(self.rows)

    @property
    def incidents(self) -> pd.DataFrame:
        """The incidents left out (taken once; read-only)."""
        return self.rows.columns(self.listed)

    def reasons(self, words: LeftOutWords = LEFT_OUT_EN) -> list[str]:
        """"14 whose victims were not civilians targeted as such", "1 outside the Ségou region"..."""
        parts = [(self.not_civilian, words.not_civilian), (self.civilian_unknown, words.civilian_unknown),
                 (self.outside, words.outside), (self.region_unknown, words.region_unknown)]
        return [f"{_number(n, words)} {said}" for n, said in parts if n]

    def sentence(self, words: LeftOutWords = LEFT_OUT_EN) -> str:
        """"+ 15 related incidents not counted: 14 whose victims…; 1 outside the Ségou region"."""
        n = len(self)
        return words.sentence(n).format(n=_number(n, words), reasons=words.separator.join(self.reasons(words)))


def _number(n: int, words: LeftOutWords) -> str:
    return f"{n:,}".replace(",", words.thousands)


NOT_CIVILIAN = "victims not civilians targeted as such"
CIVILIAN_UNKNOWN = "targeting of civilians not recorded"
OUTSIDE = f"outside the {REGION} region"
REGION_UNKNOWN = "region not recorded"


REASONS = (NOT_CIVILIAN, CIVILIAN_UNKNOWN, OUTSIDE, REGION_UNKNOWN)  # in the order they are tried


def why_not_counted(incidents: pd.DataFrame) -> pd.Series:
    """Per incident that the default scope leaves out, the first reason that applies (one of :data:`REASONS`;
    ``None`` for an incident it counts)."""
    words = np.array([*REASONS, None], dtype=object)
    return pd.Series(words[_reason_codes(incidents)], index=incidents.index, dtype=object)


def _reason_codes(incidents: pd.DataFrame) -> np.ndarray:
    """Per incident, the position in :data:`REASONS` of the first reason that applies (``len(REASONS)``: none).
    Codes, not words: choosing among strings for the 800,000 incidents a synthetic million leaves out took 0.13 s
    of each first page."""
    civilian = incidents["civilian_targeting"]
    known_civilian = civilian.notna().to_numpy(dtype=bool)
    is_civilian = civilian_victims(incidents)
    region_known = incidents["admin1"].notna().to_numpy(dtype=bool) | _in_a_cercle(incidents)
    inside = in_region(incidents)
    return np.select([known_civilian & ~is_civilian, ~known_civilian, region_known & ~inside, ~region_known],
                     list(range(len(REASONS))), default=len(REASONS)).astype(np.int8)


def left_out(counted: pd.DataFrame, everything: pd.DataFrame) -> LeftOut:
    """Which incidents of ``everything`` (the same filters with every incident counted) ``counted`` leaves out."""
    extra = everything.loc[~everything.index.isin(counted.index)]
    return _counted(Rows(extra), _reason_codes(extra))


LISTED_COLUMNS = ("incident_id", "date_start", "location", "admin1", "cercle_pcode", "civilian_targeting",
                  "inclusion_note")  # what the note and its list of related incidents read


def left_out_of(incidents: pd.DataFrame, counted: np.ndarray, everything: np.ndarray, scopes: RowScopes
                ) -> LeftOut:
    """:func:`left_out` from boolean masks over ``incidents``, with the reasons ``scopes`` keeps (of
    ``incidents``). Its list holds only :data:`LISTED_COLUMNS` of the rows left out (at a million incidents they
    can be half of them: taking every column cost more than the filters), taken when the list is asked for."""
    positions = np.flatnonzero(everything & ~counted)
    listed = tuple(c for c in LISTED_COLUMNS if c in incidents.columns)
    return _counted(Rows(incidents, positions), scopes.reasons[positions], listed)


def _counted(rows: Rows, reasons: np.ndarray, listed: tuple[str, ...] | None = None) -> LeftOut:
    """The note of the rows left out, from each one's reason (its position in :data:`REASONS`)."""
    counts = np.bincount(reasons, minlength=len(REASONS) + 1)
    return LeftOut(rows, *(int(n) for n in counts[:len(REASONS)]), listed=listed)


@dataclass(frozen=True, eq=False)
class RowScopes:
    """What the scope note asks of every filter state that depends on no filter: each scope's mask and each row's
    reason for being left out by default (:func:`why_not_counted`'s, as codes), of one loaded frame. Computed once
    per loaded frame (the app's loader) instead of once per filter state: at a million incidents the default
    scope's mask and the left-out rows' reasons took 30 ms each of every filter change (docs/benchmarks.md)."""

    masks: dict[str, np.ndarray]  # scope name → its mask
    reasons: np.ndarray  # per row, the position in REASONS of its first reason (len(REASONS): none, counted)

    def mask(self, name: str) -> np.ndarray:
        return self.masks[name]


def row_scopes(incidents: pd.DataFrame) -> RowScopes:
    """:class:`RowScopes` of ``incidents``: the same masks as ``scope(name).mask(incidents)``."""
    return RowScopes({s.name: s.mask(incidents) for s in SCOPES}, _reason_codes(incidents))
