"""What each dataset's licence allows: whether its raw rows may be handed on, and the lines that must credit it.

One :class:`Licence` per dataset. The adapters' (ACLED, UCDP, user files) sit on their
:class:`~dashboard.data.sources.registry.SourceAdapter` entry; the two bundled datasets (the curated record and the
bundled UCDP GED 21.1 extract) are declared here. :func:`dashboard.data.sources.registry.licence_of` answers for any
dataset name, and every export, briefing and the public view ask it (``docs/licences.md``).

* ``segou-curated``: the project's own summaries and coding (the project's licence, MIT, as the code); the facts,
  titles and URLs belong to the cited sources, which are listed with every incident.
* UCDP GED (bundled 21.1 and imported files): CC BY 4.0, with UCDP's citation (the bundled one is the line of
  :data:`dashboard.attribution.ATTRIBUTIONS`, kept in one place).
* ACLED: its terms of use forbid giving anyone else access to its raw data and require a prominent
  acknowledgement with a link to its website; raw rows are never exported or shown in public, only counted.
* user files (this tool's own layout): as declared at import (``import --licence/--attribution/--no-redistribution``,
  stored per report in the store's ``licences`` table: :func:`declared`); without a declaration ``undeclared``:
  exported like the team's own, with a line saying that their licence was not declared (``docs/licences.md``).
"""

from __future__ import annotations

from dataclasses import dataclass

from dashboard.attribution import ATTRIBUTIONS
from dashboard.i18n import N_

__all__ = ["ACLED", "CURATED", "DECLARED_LINE", "UCDP_BUNDLED", "UCDP_IMPORTED", "UNKNOWN", "USER_UNDECLARED", "Licence", "declared"]


@dataclass(frozen=True, slots=True)
class Licence:
    label: str  # how notes name the dataset: "ACLED", "UCDP GED"
    name: str  # the licence: "CC BY 4.0", "ACLED terms of use (restricted)"
    redistribute: bool  # may raw rows be handed on (exports, the public view)
    # the lines every file or page that holds its rows (or counts of them) carries; the built-in ones are English,
    # marked for translation (:func:`dashboard.data.licensing.attribution_lines` translates them), a declared one is
    # the importer's own text, shown as given
    attribution: tuple[str, ...]
    terms: str = ""  # why rows are left out, in a few words ("ACLED's terms forbid redistributing its rows")


def _ucdp_line() -> str:
    return next(a.line for a in ATTRIBUTIONS if a.layer == "Conflict events")


CURATED = Licence(
    "curated record", N_("the project's own coding and summaries (MIT); facts, titles and URLs belong to the cited "
                         "sources"), True,
    (N_("Ségou incident map, curated record (segou-curated): summaries and coding by the project (MIT); facts, "
        "titles and URLs come from the sources cited with each incident — cite them."),))
UCDP_BUNDLED = Licence("UCDP GED 21.1", "CC BY 4.0", True, (_ucdp_line(),))
UCDP_IMPORTED = Licence(
    "UCDP GED", "CC BY 4.0", True,
    (N_("UCDP Georeferenced Event Dataset (as imported), Uppsala Conflict Data Program, CC BY 4.0. Cite: Sundberg, "
        "Ralph & Erik Melander (2013), “Introducing the UCDP Georeferenced Event Dataset”, Journal of Peace Research "
        "50(4): 523–532, and the Journal of Peace Research article of the GED version used."),))
ACLED = Licence(
    "ACLED", N_("ACLED terms of use (restricted: no redistribution of raw data)"), False,
    (N_("Armed Conflict Location & Event Data (ACLED), www.acleddata.com. ACLED's terms of use forbid giving others "
        "access to its raw data: its events are counted here, not listed."),),
    terms=N_("ACLED's terms forbid redistributing its rows"))
USER_UNDECLARED = Licence(
    "user files", N_("undeclared"), True,
    (N_("Reports from files imported by the team (dataset user): licence not declared at import — the team answers "
        "for their terms."),))
UNKNOWN = Licence("unknown dataset", N_("unknown (treated as restricted)"), False,
                  (N_("Reports of a dataset whose licence this tool does not know: not redistributed."),),
                  terms=N_("their licence is unknown"))


# the line of a user file declared without one (its ``{name}`` is the declared licence)
DECLARED_LINE = N_("Reports from files imported by the team (dataset user): licence declared at import: {name}.")


def declared(record: dict) -> Licence:
    """The licence its importer declared for a report of a user file (a ``licence`` record of the store)."""
    line = (record.get("attribution") or "").strip()
    name = record["licence"].strip()
    return Licence(
        "user file", name, bool(record["redistribute"]),
        (line or DECLARED_LINE.format(name=name),),
        terms="" if record["redistribute"] else N_("their importer declared that they may not be redistributed"))
