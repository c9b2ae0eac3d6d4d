"""What an import did: rows read, accepted, rejected (with every problem), duplicates, what was written."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from dashboard.data.engines import describe
from dashboard.data.missing import is_missing
from dashboard.data.reconcile.rerun import Matches
from dashboard.data.validate import REJECT_COLUMNS, problem_text
from dashboard.i18n import Translator, tr

__all__ = ["ImportReport"]


@dataclass
class ImportReport:
    path: Path
    format: str
    rows: int  # rows read from the file
    accepted: int  # valid rows not already in the store
    rejected: int  # rows that failed validation
    duplicates: int  # valid rows the store (or an earlier row of the file) already holds
    added: int  # rows written to the store (0 in a dry run, or a strict import with rejects)
    rejects_file: Path | None
    unresolved_places: list[str] = field(default_factory=list)  # names the geocoder does not know
    ambiguous_places: dict[str, list[str]] = field(default_factory=dict)  # name -> its candidates (none chosen)
    renamed_cercles: dict[str, str] = field(default_factory=dict)  # cercle as the file writes it -> the cercle it names
    problems: pd.DataFrame = field(default_factory=pd.DataFrame)  # row, incident_id, column, problem, value
    dry_run: bool = False
    strict: bool = False
    store: Path | str | None = None  # a GeoPackage path or a database URL
    changeset_id: str | None = None  # the change set that added the rows (None: nothing added)
    dataset: str | None = None  # the dataset the importer gave every row
    dataset_claims: dict[str, int] = field(default_factory=dict)  # other datasets the file named, replaced
    verification_claims: int = 0  # rows whose verification above "reported" was kept as the source's claim
    matches: Matches | None = None  # how the new reports met the incidents already stored (None: nothing new)
    versions: tuple[str, str] | None = None  # the dataset version the change set was applied on, and after it

    @property
    def blocked(self) -> bool:
        """A strict import that imported nothing because some rows were bad."""
        return self.strict and self.rejected > 0

    def to_dict(self) -> dict:
        problems = self.problems.reindex(columns=list(REJECT_COLUMNS)).astype(object)
        problems = problems.where(problems.notna(), None)
        return {
            "file": str(self.path),
            "format": self.format,
            "store": None if self.store is None else describe(self.store),
            "changeset": self.changeset_id,
            "rows": self.rows,
            "accepted": self.accepted,
            "added": self.added,
            "rejected": self.rejected,
            "duplicates": self.duplicates,
            "rejects_file": None if self.rejects_file is None else str(self.rejects_file),
            "places_not_found": list(self.unresolved_places),
            "places_ambiguous": {k: list(v) for k, v in self.ambiguous_places.items()},
            "cercles_recognised": dict(self.renamed_cercles),
            "dataset": self.dataset,
            "dataset_claims": dict(self.dataset_claims),
            "verification_claims": self.verification_claims,
            "matched_existing": {
                "reports": 0 if self.matches is None else self.matches.matched,
                "linked": [] if self.matches is None else list(self.matches.linked),
                "waiting_for_review": [] if self.matches is None else list(self.matches.waiting),
            },
            "dry_run": self.dry_run,
            "strict": self.strict,
            "problems": [
                {k: (int(v) if k == "row" and v is not None else v) for k, v in rec.items()}
                for rec in problems.to_dict(orient="records")
            ],
        }

    def summary(self, max_problems: int = 20, t: Translator | None = None) -> str:
        """The report for people, in ``t``'s language (English without): the file's name, places, datasets and the
        rejected values are quoted as they are."""
        t = t or tr()
        _ = t.gettext
        if self.dry_run:
            outcome = _("dry run: nothing written")
        elif self.blocked:
            outcome = _("strict: nothing imported because some rows were rejected")
        else:
            outcome = _("{n} added to {store}").format(n=t.number(self.added), store=describe(self.store))
            if self.changeset_id:
                outcome += " " + _("(change set {id})").format(id=self.changeset_id)
        rows = [
            (_("accepted"), t.number(self.accepted)),
            (_("rejected"), t.number(self.rejected)),
            (_("duplicates"), _("{n} (already in the store)").format(n=t.number(self.duplicates))),
            (_("rejects file"), str(self.rejects_file) if self.rejects_file else "-"),
            (_("places not found"), ", ".join(self.unresolved_places) or "-"),
            (_("places ambiguous"), ", ".join(self.ambiguous_places) + (
                " " + _("(no point given: the commune or cercle does not tell the candidates apart)")
                if self.ambiguous_places else "-")),
            (_("cercles read as"), ", ".join(f"{a} → {b}" for a, b in self.renamed_cercles.items()) or "-"),
        ]
        width = max(len(label) for label, _value in rows) + 2
        lines = [t.ngettext("{name} ({format}): {n} row read; {outcome}", "{name} ({format}): {n} rows read; {outcome}",
                            self.rows).format(name=self.path.name, format=self.format, n=t.number(self.rows),
                                              outcome=outcome)]
        for label, value in rows:
            lines.append(f"  {label:<{width}}{value}")
            if label == _("places ambiguous"):
                lines.extend(f"    {name}: {'; '.join(found)}" for name, found in self.ambiguous_places.items())
        if self.dataset_claims:
            named = ", ".join(f"{name[:40]} ({n})" for name, n in self.dataset_claims.items())
            lines.append(f"  {_('dataset'):<{width}}" + _("rows that named another dataset were imported as "
                                                           "{dataset}: {named}").format(dataset=self.dataset,
                                                                                        named=named))
        if self.verification_claims:
            lines.append(f"  {_('verification'):<{width}}" + t.ngettext(
                "{n} row claimed more than 'reported': imported as reported, the claim kept in verification_note",
                "{n} rows claimed more than 'reported': imported as reported, the claim kept in verification_note",
                self.verification_claims).format(n=t.number(self.verification_claims)))
        for rec in self.problems.head(max_problems).itertuples(index=False):
            value = "" if is_missing(rec.value) else f" ({str(rec.value)[:60]})"
            said = problem_text(rec.problem, getattr(rec, "said", None), t)
            lines.append("    " + _("row {row}: {column}: {problem}").format(row=rec.row, column=rec.column,
                                                                          problem=said) + value)
        if len(self.problems) > max_problems:
            more = len(self.problems) - max_problems
            lines.append("    " + t.ngettext("... {n} more problem in the rejects file",
                                             "... {n} more problems in the rejects file", more).format(n=more))
        if self.matches is not None:
            said = self.matches.sentence(t)
            if self.dry_run:
                said = _("Would have: {sentence}").format(sentence=said)
            lines.append(said + (" " + _("(incident-map review lists them)") if self.matches.waiting else ""))
        return "\n".join(lines)
