"""How much two reports look like the same event: the evidence weighed into a score, and said in words.

Points (a candidate's score is their sum, at most 100):

============  =====================================================================================  ======
what          evidence                                                                               points
============  =====================================================================================  ======
date          both known to the day and the spans overlap ("same day")                               35
              the spans overlap (one known only to the week, month or year)                          25
              they overlap only once widened by their precision ("2 days apart")                     10
place         a place name agrees (accents, case, spelling variants folded)                          35
              ... and the points lie within the larger uncertainty of the two                        +5
              no common name: the points are within :data:`TIGHT_KM` km                              25
              no common name: the points are within the larger uncertainty (5 km exact, 25 km near)  15
              no common name: the same commune                                                       10
perpetrators  a category in common                                                                   15
              one side unidentified; or state forces, foreign forces and pro-government militias     5
              incompatible categories (e.g. state forces vs a jihadist group)                        −40
toll          the ranges overlap (as counted: "at least 6" is 6)                                     15
              close (within 2, or 20% of the larger)                                                 8
              far apart                                                                              −10
              unknown in one                                                                         0
event type    different ACLED event types                                                            −5
============  =====================================================================================  ======

Two reports are linked automatically from :data:`AUTO_LINK` points, and proposed for review from
:data:`REVIEW` points. Whatever the sum, a pair is never linked automatically (its score is capped at
``AUTO_LINK - 1``) when:

* no place name agrees, unless the dates are the same day and the points within :data:`TIGHT_KM` km ("mere
  proximity without a name needs a tight date and distance");
* the perpetrator categories are incompatible;
* both reports come from the same dataset (its editors keep its rows apart: only a user links them). Such a pair
  is proposed for review only as a likely duplicate: from :data:`DUPLICATE` points (the same day, a common place
  name, perpetrators in common, tolls not apart), and not on proximity alone.

So name + date + perpetrators link two reports even when their points are far apart (sources geolocate one village
differently): 35 + 35 + 15 = 85, or 75 when the tolls disagree.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np
import pandas as pd

from dashboard.data.placekeys import loose_key
from dashboard.data.reconcile.blocking import distance_km
from dashboard.data.reconcile.features import ALLIED, UNIDENTIFIED, Features, features
from dashboard.data.reconcile.names import place_names
from dashboard.data.schema import PERPETRATOR_CATEGORIES
from dashboard.i18n import DEFAULT, Translator, tr
from dashboard.labels import category
from dashboard.wording import toll_text, toll_words

__all__ = ["AUTO_LINK", "DUPLICATE", "REVIEW", "TIGHT_KM", "explain", "score_pairs"]

AUTO_LINK = 70
REVIEW = 45
DUPLICATE = 85
TIGHT_KM = 5.0


def score_pairs(f: Features, pairs: pd.DataFrame, t: Translator | None = None, *, every: bool = False
                ) -> pd.DataFrame:
    """Score candidate pairs (columns ``i``, ``j``, ``name``, ``commune``, ``near`` from
    :func:`~dashboard.data.reconcile.blocking.candidate_pairs`) and keep those reaching :data:`REVIEW` (``every``:
    keep them all). The evidence is said in ``t``'s language (English, the stored record's, by default).

    Returns one row per kept pair: ``a``/``b`` (report ids, ``a < b``), ``i``/``j`` (their rows in ``f``, same
    order), ``score``, ``auto`` (may be linked automatically), ``km`` (between the points; NaN without both) and
    ``evidence`` (one sentence)."""
    i, j = pairs["i"].to_numpy(np.int64), pairs["j"].to_numpy(np.int64)
    same_group = pd.notna(f.group[i]) & (f.group[i] == f.group[j])
    i, j = i[~same_group], j[~same_group]  # its editors say these are distinct events of one operation
    name = pairs["name"].to_numpy(bool)[~same_group]
    commune = pairs["commune"].to_numpy(bool)[~same_group]

    # dates
    overlap = (f.start[i] <= f.end[j]) & (f.start[j] <= f.end[i])
    tight_date = overlap & f.day_precise[i] & f.day_precise[j]
    gap = np.maximum(f.start[j] - f.end[i], f.start[i] - f.end[j])
    date_pts = np.where(tight_date, 35, np.where(overlap, 25, 10))

    # place
    km = distance_km(f, i, j)
    reach = np.fmax(f.radius[i], f.radius[j])
    within = km <= reach  # False when either has no point (NaN)
    tight_km = km <= TIGHT_KM
    place_pts = np.where(name, 35 + np.where(within, 5, 0),
                         np.where(tight_km, 25, np.where(within, 15, np.where(commune, 10, 0))))
    has_place = name | within | commune

    # perpetrators
    a_bits, b_bits = f.cats[i], f.cats[j]
    a_named, b_named = a_bits & ~np.uint16(UNIDENTIFIED), b_bits & ~np.uint16(UNIDENTIFIED)
    common = (a_named & b_named) != 0
    unknown_side = (a_named == 0) | (b_named == 0)
    allied = ~common & ~unknown_side & ((a_named & ~np.uint16(ALLIED)) == 0) & ((b_named & ~np.uint16(ALLIED)) == 0)
    incompatible = ~common & ~unknown_side & ~allied
    cat_pts = np.where(common, 15, np.where(unknown_side | allied, 5, -40))

    # tolls
    lo_a, hi_a, lo_b, hi_b = f.toll_lo[i], f.toll_hi[i], f.toll_lo[j], f.toll_hi[j]
    known = ~np.isnan(lo_a) & ~np.isnan(lo_b)
    toll_gap = np.fmax(lo_b - hi_a, lo_a - hi_b)
    agree = known & (toll_gap <= 0)
    close = known & ~agree & (toll_gap <= np.fmax(2.0, 0.2 * np.fmax(hi_a, hi_b)))
    toll_pts = np.where(agree, 15, np.where(close, 8, np.where(known, -10, 0)))

    other_type = f.event_type[i] != f.event_type[j]
    score = np.minimum(100, date_pts + place_pts + cat_pts + toll_pts - np.where(other_type, 5, 0))
    same_dataset = f.dataset[i] == f.dataset[j]
    proximity_only = ~name & ~(tight_date & tight_km)
    auto = ~(proximity_only | incompatible | same_dataset)
    # within one dataset only likely duplicates are proposed (see DUPLICATE)
    duplicate = same_dataset & ~(proximity_only | incompatible) & (score >= DUPLICATE)
    score = np.where(auto, score, np.minimum(score, AUTO_LINK - 1))
    keep = has_place & (score >= REVIEW) & (~same_dataset | duplicate)
    if every:
        keep = np.ones_like(keep)

    i, j = i[keep], j[keep]
    swap = f.ids[j] < f.ids[i]  # say everything in the order the pair is stored: a, then b
    i, j = np.where(swap, j, i), np.where(swap, i, j)
    out = pd.DataFrame({
        "a": f.ids[i], "b": f.ids[j], "i": i, "j": j,
        "score": score[keep].astype(np.int64), "auto": (auto & (score >= AUTO_LINK))[keep], "km": km[keep],
    })
    why_not = np.where(same_dataset, "same_dataset", np.where(incompatible, "incompatible",
                                                             np.where(proximity_only, "proximity", "")))[keep]
    out["evidence"] = _sentences(f, i, j, tight_date[keep], overlap[keep], gap[keep], name[keep], commune[keep],
                                 km[keep], common[keep], unknown_side[keep], allied[keep], other_type[keep], why_not,
                                 tr(DEFAULT) if t is None else t)
    return out.sort_values(["a", "b"], kind="stable").reset_index(drop=True)


def explain(reports: pd.DataFrame, a: str, b: str, t: Translator) -> str | None:
    """The evidence sentence of one pair of reports (ids ``a`` and ``b`` of the canonical frame ``reports``), said
    in ``t``'s language, as the rule weighs them now; ``None`` when either report is missing or the two are
    grouped as distinct events by their editors. The Review page shows it in the page's language (the stored
    decision keeps the English sentence of the moment it was scored)."""
    two = reports.loc[reports["incident_id"].isin([a, b])].drop_duplicates("incident_id")
    if len(two) != 2:
        return None
    f = features(two.reset_index(drop=True))
    pair = pd.DataFrame({"i": [0], "j": [1], "name": [bool(f.names[0] & f.names[1])],
                         "commune": [f.commune[0] is not None and f.commune[0] == f.commune[1]], "near": [False]})
    scored = score_pairs(f, pair, t, every=True)
    return None if scored.empty else str(scored["evidence"].iloc[0])


def _sentences(f: Features, i, j, tight_date, overlap, gap, name, commune, km, common, unknown_side, allied,
               other_type, why_not, t: Translator) -> list[str]:
    """One sentence per pair, in ``t``'s language (each piece computed once per distinct value)."""
    involved = np.unique(np.concatenate([i, j]))
    tolls = dict(zip(involved.tolist(), (_toll(lo, hi, op, t) for lo, hi, op in zip(
        f.toll_lo[involved].tolist(), f.toll_hi[involved].tolist(), f.open_ended[involved].tolist(), strict=True)),
        strict=True))
    columns = zip(i.tolist(), j.tolist(), tight_date.tolist(), overlap.tolist(), gap.tolist(), name.tolist(),
                  commune.tolist(), km.tolist(), common.tolist(), unknown_side.tolist(), allied.tolist(),
                  other_type.tolist(), why_not.tolist(), strict=True)
    return [
        _sentence(_date_words(td, ov, g, t),
                  _name_words(f.locations[x], f.names[x] & f.names[y], t) if nm else
                  (t.gettext("same commune") if cm else t.gettext("no common place name")),
                  k, _category_pair(int(f.cats[x]), int(f.cats[y]), c, u, al, t),
                  t.gettext("{a} vs {b} killed").format(a=tolls[x], b=tolls[y]), ot, w, t)
        for x, y, td, ov, g, nm, cm, k, c, u, al, ot, w in columns
    ]


@lru_cache(maxsize=1024)
def _date_words(tight: bool, overlap: bool, gap: int, t: Translator) -> str:
    if tight:
        return t.gettext("same day")
    if overlap:
        return t.gettext("dates overlap")
    return t.ngettext("dates {n} day apart", "dates {n} days apart", int(gap)).format(n=t.number(int(gap)))


@lru_cache(maxsize=1 << 14)
def _name_words(location: str, common: frozenset[str], t: Translator) -> str:
    shown = [n for n in place_names(location) if loose_key(n) in common]
    return t.gettext("same place name ({name})").format(name=shown[0]) if shown else t.gettext("same place name")


@lru_cache(maxsize=256)
def _category_words(bits: int, t: Translator) -> str:
    names = [category(c, t).lower() for i, c in enumerate(PERPETRATOR_CATEGORIES) if bits & (1 << i)]
    joined = t.pgettext("between perpetrator categories a report names", " and ").join(names)
    return joined or t.gettext("no category")


@lru_cache(maxsize=1 << 12)
def _category_pair(a: int, b: int, common: bool, unknown_side: bool, allied: bool, t: Translator) -> str:
    if a == b:
        return t.gettext("both {categories}").format(categories=_category_words(a, t))
    if common:
        shared = a & b & ~UNIDENTIFIED
        return t.gettext("both {categories}").format(categories=_category_words(shared, t))
    if unknown_side:
        template = t.gettext("{a} vs {b} (one unidentified)")
    elif allied:
        template = t.gettext("{a} vs {b} (allied)")
    else:
        template = t.gettext("{a} vs {b}")
    return template.format(a=_category_words(a, t), b=_category_words(b, t))


@lru_cache(maxsize=1 << 12)
def _toll(lo: float, hi: float, open_ended: bool, t: Translator) -> str:
    if lo != lo:  # NaN: unknown
        return t.pgettext("a toll", "unknown")
    return toll_text(int(lo), None if open_ended else int(hi), words=toll_words(t))


def _why_not(code: str, t: Translator) -> str:
    if code == "same_dataset":
        return t.gettext("both from one dataset, a possible duplicate: only a user links them")
    if code == "incompatible":
        return t.gettext("perpetrators disagree")
    if code == "proximity":
        return t.gettext("no common place name: automatic links need the same day and points within {km} km"
                         ).format(km=t.number(TIGHT_KM))
    return ""


def _sentence(date: str, place: str, km: float, categories: str, tolls: str, other_type: bool, why_not: str,
              t: Translator) -> str:
    parts = [date, place]
    if km == km:  # not NaN
        parts.append(t.gettext("{km} km apart").format(km=t.number(round(km))) if km >= 1
                     else t.gettext("under 1 km apart"))
    parts += [categories, tolls]
    if other_type:
        parts.append(t.gettext("different event types"))
    if why_not:
        parts.append(t.pgettext("why a pair is not linked automatically", "({reason})").format(
            reason=_why_not(why_not, t)))
    return " · ".join(parts)
