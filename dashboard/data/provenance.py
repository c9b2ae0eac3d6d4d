"""Who says what about an imported row: the dataset is the importer's, a verification level is the source's claim,
and incident ids are namespaced by dataset (README, "Provenance").

* **dataset**: every row of an import belongs to the dataset of the layout that read it (``acled``, ``ucdp``, and
  :data:`USER_DATASET` for files in this tool's own layout). A file's own ``dataset`` column is a claim and is
  replaced: no file can add rows to the bundled record (``segou-curated``) or pose as another source. The report
  counts the replaced claims.
* **verification**: ``confirmed`` and ``corroborated`` are this project's own findings (the curated record); an
  import grants at most ``reported``. A file's stronger level is kept as the source's claim at the start of
  ``verification_note`` ("Verification claimed by the source file: confirmed."); ``reported`` and ``contested``
  stay as they are (neither grants anything).
* **ids**: each dataset owns an id prefix (:data:`ID_PREFIXES`: ``SEG-``, ``ACLED-``, ``UCDP-``); a row may not
  take another dataset's prefix. Prefixes are compared after folding case, width, accents and dashes and mapping
  the Cyrillic/Greek/Armenian letters that look like the prefixes' Latin letters (:data:`LOOK_ALIKES`), so
  ``seg-2025-090``, ``ＳＥＧ‐2025‐090`` or ``ЅЕG-2025-090`` cannot pose as a curated incident either. Ids are never
  rewritten (a cited ``?sel=`` link keeps working); a row the store already holds is a duplicate, which the
  importer skips before this rule applies, so importing an export of the same store again changes nothing.
"""

from __future__ import annotations

import unicodedata
from collections import Counter
from collections.abc import Iterable

import pandas as pd

from dashboard.data.missing import is_missing
from dashboard.data.textfold import fold
from dashboard.errors import Problem
from dashboard.i18n import N_

__all__ = ["ID_PREFIXES", "LOOK_ALIKES", "USER_DATASET", "assign", "id_owner", "id_problems", "replaced"]

USER_DATASET = "user"  # the dataset of rows imported from files in this tool's own layout
ID_PREFIXES = {"segou-curated": "SEG-", "acled": "ACLED-", "ucdp": "UCDP-"}
GRANTED = ("reported", "contested")  # the levels an import keeps; stronger ones are the source's claim
CLAIM_NOTE = "Verification claimed by the source file: {level}."
# Letters of other scripts that look like the Latin letters of the prefixes (after case folding), from Unicode's
# confusables list (UTS #39) restricted to those letters. Fullwidth and mathematical letters fold by NFKD already.
LOOK_ALIKES = str.maketrans({
    "а": "a", "α": "a", "с": "c", "ϲ": "c", "ԁ": "d", "е": "e", "ε": "e", "ԍ": "g", "ɡ": "g", "ӏ": "l", "ⅼ": "l",
    "р": "p", "ρ": "p", "ѕ": "s", "ս": "u", "υ": "u", "ⅽ": "c", "ⅾ": "d",
})
_FOLDED = {dataset: prefix.lower() for dataset, prefix in ID_PREFIXES.items()}


def _skeleton(text: str) -> str:
    """The id folded for comparing prefixes: case, width and accents folded, every dash made ``-``, look-alike
    letters made Latin."""
    folded = fold(unicodedata.normalize("NFKC", text)).translate(LOOK_ALIKES)
    return "".join("-" if unicodedata.category(ch) == "Pd" or ch == "\u2212" else ch for ch in folded).lstrip()


def id_owner(incident_id: str) -> str | None:
    """The dataset whose prefix the id starts with (after folding), or ``None``."""
    skeleton = _skeleton(incident_id)
    return next((dataset for dataset, prefix in _FOLDED.items() if skeleton.startswith(prefix)), None)


def assign(flat: pd.DataFrame, dataset: str) -> tuple[pd.DataFrame, pd.Series, int]:
    """``flat`` with the importer's ``dataset`` on every row and verification claims kept as claims; also the
    dataset each row's file named (``None`` where it named none: same index as ``flat``) and the number of
    verification levels not granted. The named dataset only serves to recognise a row the store already holds
    (an export of an ACLED row is still that ACLED row): such a row is skipped, never added under that name."""
    out = flat.copy()
    named = pd.Series(None, index=out.index, dtype=object)
    if "dataset" in out.columns:
        named = out["dataset"].map(lambda v: None if is_missing(v) else str(v).strip() or None).astype(object)
    out["dataset"] = dataset
    lowered = 0
    if "verification" in out.columns:
        level = out["verification"].map(lambda v: None if is_missing(v) else str(v).strip())
        stronger = level.notna() & level.isin(["confirmed", "corroborated"])
        lowered = int(stronger.sum())
        if lowered:
            note = out["verification_note"] if "verification_note" in out.columns else pd.Series(None, index=out.index)
            out["verification_note"] = note.astype(object)
            for row in out.index[stronger.to_numpy(dtype=bool)]:
                claim = CLAIM_NOTE.format(level=level[row])
                before = out.at[row, "verification_note"]
                out.at[row, "verification_note"] = claim if is_missing(before) else f"{claim} {before}"
            out.loc[stronger, "verification"] = "reported"
    return out, named, lowered


def replaced(named: pd.Series, dataset: str) -> dict[str, int]:
    """The other datasets a file named, with how many rows named each (for the report)."""
    return dict(Counter(v for v in named.dropna() if v != dataset))


def id_problems(ids: Iterable[str], rows: Iterable, dataset: str) -> list[dict]:
    """One problem (``row``, ``incident_id``, ``column``, ``problem``, ``value``) per id of a new row that takes
    another dataset's prefix."""
    out = []
    for ident, row in zip(ids, rows, strict=True):
        owner = id_owner(ident)
        if owner is not None and owner != dataset:
            said = Problem(N_("ids starting with {prefix} belong to the {owner} dataset; this file's rows are "
                              "imported as {dataset}: give them ids of their own"), prefix=ID_PREFIXES[owner],
                           owner=owner, dataset=dataset)
            out.append({"row": row, "incident_id": ident, "column": "incident_id", "problem": said.message,
                        "value": ident[:200], "said": said})  # validate.SAID_COLUMN
    return out
