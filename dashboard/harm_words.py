"""How an incident's victims and harms are written (the card, the table, the briefing): one function per rule.

* a breakdown of the killed: "9 men, 1 woman" / "at least 2 children" (:func:`killed_breakdown`), only the groups
  the sources give; nothing when they give none;
* a harm beyond killing: its count as a toll is written ("100", "15–22", "at least 10"), or "reported, number
  unknown" (:func:`harm_items`);
* the cause of death (SDG 16.1.2 categories) and violation/abuse (derived, :func:`dashboard.data.harms.violation_kind`).

Every text is plain (the card's template escapes it).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from dashboard import labels
from dashboard.data import harms
from dashboard.data.missing import is_missing
from dashboard.i18n import Translator, tr
from dashboard.wording import toll_text, toll_words

__all__ = ["cause_text", "harm_items", "harms_text", "killed_breakdown", "violation_text"]


def _group_phrase(group: str, lo: Any, hi: Any, t: Translator) -> str:
    count = toll_text(lo, hi, words=toll_words(t))
    n = hi if lo is None or is_missing(lo) else lo
    n = 2 if n is None or is_missing(n) else int(n)
    phrases = {
        "men": t.ngettext("{count} man", "{count} men", n), "women": t.ngettext("{count} woman", "{count} women", n),
        "sex_unknown": t.ngettext("{count} of unknown sex", "{count} of unknown sex", n),
        "adults": t.ngettext("{count} adult", "{count} adults", n),
        "children": t.ngettext("{count} child", "{count} children", n),
        "age_unknown": t.ngettext("{count} of unknown age", "{count} of unknown age", n),
    }
    return phrases[group].format(count=count)


def killed_breakdown(row: Mapping[str, Any], t: Translator | None = None) -> list[str]:
    """``["9 men, 1 woman", "at least 2 children"]``: the sex and the age breakdowns the sources give (each a
    phrase, empty list when neither)."""
    t = t or tr()
    out = []
    for groups in (harms.SEX_GROUPS, harms.AGE_GROUPS):
        parts = []
        for group in groups:
            lo_col, hi_col = harms.killed_columns(group)
            lo, hi = row.get(lo_col), row.get(hi_col)
            if is_missing(lo) and is_missing(hi):
                continue
            parts.append(_group_phrase(group, None if is_missing(lo) else lo, None if is_missing(hi) else hi, t))
        if parts:
            out.append(t.pgettext("between the groups of the killed", ", ").join(parts))
    return out


def harm_items(row: Mapping[str, Any], t: Translator | None = None) -> list[tuple[str, str]]:
    """``[("livestock taken", "100"), ("injured", "reported, number unknown")]``: each harm the sources report."""
    t = t or tr()
    listed = set(harms.split(row.get("harms")))
    out = []
    for harm in harms.HARM_TYPES:
        lo_col, hi_col = harms.harm_columns(harm)
        lo, hi = row.get(lo_col), row.get(hi_col)
        if is_missing(lo) and is_missing(hi):
            if harm in listed:
                out.append((labels.harm(harm, t), t.gettext("reported, number unknown")))
            continue
        out.append((labels.harm(harm, t), toll_text(lo, hi, words=toll_words(t))))
    return out


def harms_text(row: Mapping[str, Any], t: Translator | None = None) -> str | None:
    """"livestock taken: 100 · injured: reported, number unknown" (``None`` when the sources report none)."""
    t = t or tr()
    items = [t.gettext("{harm}: {count}").format(harm=label, count=count) for label, count in harm_items(row, t)]
    return " · ".join(items) or None


def cause_text(row: Mapping[str, Any], t: Translator | None = None) -> str | None:
    codes = harms.split(row.get("cause_of_death"))
    return ", ".join(labels.cause(c, t or tr()) for c in codes) or None


def violation_text(row: Mapping[str, Any], t: Translator | None = None) -> str:
    return labels.violation_kind(harms.violation_kind(row.get("perpetrator_category")), t or tr())
