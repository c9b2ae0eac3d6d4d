"""Victims and harms (issue 16, item 3): who was killed, what else was done, how, and whether it is a violation.

One vocabulary per concept, read by the schema, the store, the filters, the card, the table and the briefing:

* **Breakdowns of the killed** (:data:`KILLED_GROUPS`): by sex (men / women / sex unknown) and by age (adults /
  children / age unknown), each a min–max pair of whole numbers, ``killed_<group>_min``/``_max``. Empty = the
  sources do not say (never 0 for unknown). A breakdown is filled only with what a source states ("ten civilians
  including one woman": women 1–1; the other nine are not "men" unless a source says men).
* **Harms beyond killing** (:data:`HARM_TYPES`): injured, abducted or disappeared, arbitrarily detained, sexual
  violence, homes or buildings burned, livestock taken, displaced. ``harms`` lists (``;``-separated codes) every
  harm type the sources report; ``<harm>_min``/``_max`` count it where they give a number. A harm listed without a
  count is "reported, number unknown"; a harm not listed is not reported (which is not "did not happen").
* **Cause of death** (:data:`CAUSES_OF_DEATH`): the SDG indicator 16.1.2 cause categories (OHCHR's metadata
  disaggregates conflict-related deaths by sex, age and cause), as codes, ``;``-separated when the sources give
  several: firearm, explosive, sharp object, burning, other means, indirect, unknown.
* **Violation or abuse** (:func:`violation_kind`): derived from ``perpetrator_category``, never stored by hand.
  As UN human-rights reporting uses the words, a *violation* is alleged against a state agent or someone acting
  with the state's support or acquiescence; an *abuse* against a non-state actor. The rule (docs/schema.md):
  ``state_forces`` and ``foreign_forces`` (forces deployed with the government's consent, e.g. Wagner / Africa
  Corps) are state-linked; ``progov_militia`` counts as state-linked only in an incident where a state-linked
  category is also alleged (a joint operation), otherwise as non-state; ``jihadist_group``, ``communal_militia``,
  ``other_armed_group`` are non-state; ``unidentified`` alone gives ``unknown``. An incident alleging both a
  state-linked and a non-state perpetrator that is not a joint operation's militia is ``both``.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import pandas as pd

from dashboard.errors import Problem
from dashboard.i18n import N_, Phrase

SEX_GROUPS = ("men", "women", "sex_unknown")
AGE_GROUPS = ("adults", "children", "age_unknown")
KILLED_GROUPS = (*SEX_GROUPS, *AGE_GROUPS)
HARM_TYPES = ("injured", "abducted", "detained", "sexual_violence", "buildings_burned", "livestock_taken",
              "displaced")
CAUSES_OF_DEATH = ("firearm", "explosive", "sharp_object", "burning", "other", "indirect", "unknown")
VIOLATION_KINDS = ("violation", "abuse", "both", "unknown")

STATE_LINKED = frozenset({"state_forces", "foreign_forces"})
NON_STATE = frozenset({"jihadist_group", "communal_militia", "other_armed_group"})
MILITIA = "progov_militia"


def killed_columns(group: str) -> tuple[str, str]:
    return f"killed_{group}_min", f"killed_{group}_max"


def harm_columns(harm: str) -> tuple[str, str]:
    return f"{harm}_min", f"{harm}_max"


PAIRS: tuple[tuple[str, str], ...] = (*(killed_columns(g) for g in KILLED_GROUPS),
                                      *(harm_columns(h) for h in HARM_TYPES))
COUNT_COLUMNS: tuple[str, ...] = tuple(c for pair in PAIRS for c in pair)
# The canonical columns this module adds (schema.COLUMNS, after ``abducted``), all optional.
HARM_COLUMNS: tuple[str, ...] = (*COUNT_COLUMNS, "harms", "cause_of_death")


def split(cell: object) -> list[str]:
    """``"injured;livestock_taken"`` → ``["injured", "livestock_taken"]`` (empty for unknown)."""
    if not isinstance(cell, str):
        return []
    return [c.strip() for c in cell.split(";") if c.strip()]


def codes_ok(cell: object, allowed: Iterable[str]) -> bool:
    """Empty, or every ``;``-separated code is allowed."""
    allowed = set(allowed)
    return all(code in allowed for code in split(cell))


def violation_kind(categories: object) -> str:
    """``violation`` / ``abuse`` / ``both`` / ``unknown`` from one ``perpetrator_category`` cell (rule above)."""
    codes = set(split(categories))
    state = bool(codes & STATE_LINKED)
    non_state = bool(codes & NON_STATE) or (MILITIA in codes and not state)
    if state and non_state:
        return "both"
    if state:
        return "violation"
    return "abuse" if non_state else "unknown"


def violation_kinds(incidents: pd.DataFrame) -> pd.Series:
    """:func:`violation_kind` of each incident (a Series on the frame's index)."""
    cats = incidents["perpetrator_category"].astype(object)
    return pd.Series([violation_kind(c) for c in cats], index=incidents.index, dtype=object)


def reported_harms(incidents: pd.DataFrame, harm: str) -> pd.Series:
    """True where the incident reports ``harm`` (listed in ``harms``, or counted)."""
    listed = incidents["harms"].astype(object).map(lambda c: harm in split(c)).astype(bool)
    lo, hi = harm_columns(harm)
    return listed | incidents[lo].notna().to_numpy() | incidents[hi].notna().to_numpy()


def killed_at_least(incidents: pd.DataFrame, group: str) -> pd.Series:
    """The lower bound of the killed in ``group`` (0 where unknown: the sum of "at least" figures), per incident."""
    lo, _ = killed_columns(group)
    return pd.to_numeric(incidents[lo], errors="coerce").fillna(0).astype(np.int64)


def known(incidents: pd.DataFrame, group: str) -> pd.Series:
    """True where the sources give a number for ``group`` among the killed."""
    lo, hi = killed_columns(group)
    return incidents[lo].notna() | incidents[hi].notna()


# ---- the schema's row checks (docs/schema.md) --------------------------------------------------------------
# (English, marked for translation: a report says them in the reader's language, dashboard.data.validate.problem_text)
PAIR_ORDER = N_("each harm or breakdown maximum at least its minimum")
BREAKDOWN_IN_TOLL = N_("killed by sex and by age within the toll: each breakdown's minima add up to at most "
                       "fatalities_max, and when every part has a maximum they add up to at least fatalities_min")
COUNTED_IS_LISTED = N_("a harm counted in <harm>_min/_max is listed in harms")
HARMS_PROBLEM = Problem(N_("known harm types, ;-separated ({codes})"), codes=", ".join(HARM_TYPES))
HARMS_CHECK = HARMS_PROBLEM.message
CAUSE_PROBLEM = Problem(N_("SDG 16.1.2 cause-of-death codes, ;-separated ({codes})"), codes=", ".join(CAUSES_OF_DEATH))
CAUSE_CHECK = CAUSE_PROBLEM.message


def pair_order(df: pd.DataFrame) -> pd.Series:
    ok = pd.Series(True, index=df.index)
    for lo, hi in PAIRS:
        ok &= (df[lo].isna() | df[hi].isna() | (df[hi] >= df[lo])).fillna(True)
    return ok.astype(bool)


def breakdown_in_toll(df: pd.DataFrame) -> pd.Series:
    ok = pd.Series(True, index=df.index)
    toll_lo, toll_hi = df["fatalities_min"], df["fatalities_max"]
    for groups in (SEX_GROUPS, AGE_GROUPS):
        mins = sum(df[killed_columns(g)[0]].fillna(0) for g in groups)
        ok &= (toll_hi.isna() | (mins <= toll_hi)).fillna(True)
        maxes = [df[killed_columns(g)[1]] for g in groups]
        complete = pd.concat(maxes, axis=1).notna().all(axis=1)
        total = sum(m.fillna(0) for m in maxes)
        ok &= (~complete | toll_lo.isna() | (total >= toll_lo)).fillna(True)
        for g in groups:  # one part alone above the toll's maximum
            ok &= (toll_hi.isna() | df[killed_columns(g)[0]].isna() | (df[killed_columns(g)[0]] <= toll_hi)
                   ).fillna(True)
    return ok.astype(bool)


def counted_is_listed(df: pd.DataFrame) -> pd.Series:
    listed = df["harms"].astype(object).map(split)
    ok = pd.Series(True, index=df.index)
    for harm in HARM_TYPES:
        lo, hi = harm_columns(harm)
        counted = df[lo].notna() | df[hi].notna()
        ok &= ~counted | listed.map(lambda codes, h=harm: h in codes).astype(bool)
    return ok.astype(bool)


def row_reasons(row: pd.Series, check: str) -> list[tuple[str, Problem, object]]:
    """The cells behind a failed :data:`PAIR_ORDER` or :data:`COUNTED_IS_LISTED` check of one row, as (column,
    problem, value): the rejects file then names ``killed_women_max`` rather than the whole row."""
    out = []
    if check == PAIR_ORDER:
        for lo, hi in PAIRS:
            if pd.notna(row[lo]) and pd.notna(row[hi]) and row[hi] < row[lo]:
                out.append((hi, Problem(N_("{check} ({column})"), check=Phrase(PAIR_ORDER), column=lo),
                            f"{row[lo]}–{row[hi]}"))
    elif check == COUNTED_IS_LISTED:
        listed = split(row["harms"])
        for harm in HARM_TYPES:
            lo, hi = harm_columns(harm)
            if (pd.notna(row[lo]) or pd.notna(row[hi])) and harm not in listed:
                out.append(("harms", Problem(N_("{check}: {harm} is counted but not listed"),
                                             check=Phrase(COUNTED_IS_LISTED), harm=harm), row["harms"]))
    return out
