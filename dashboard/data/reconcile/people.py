"""What a person decides about reports: link two (the same event), keep two apart, take one out of its incident.

Each returns the new list of decisions (pure: the caller stores it, then :func:`~dashboard.data.reconcile.rerun.rerun`
recomputes the rule's decisions around it). A decision replaces any earlier one about the same pair, whoever made
it; the store's history keeps the earlier one. Every decision needs a reason.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from dashboard.data.reconcile.decisions import Decision, pair
from dashboard.errors import ReconcileError
from dashboard.i18n import N_

__all__ = ["keep_apart", "link", "unlink"]


def _check(reason: str, author: str, known: Iterable[str], *ids: str) -> None:
    if not isinstance(reason, str) or not reason.strip():
        raise ReconcileError(N_("every decision needs a reason (--reason TEXT): say why"))
    if not isinstance(author, str) or not author.strip() or author.strip() == "auto":
        raise ReconcileError(N_("a decision needs its author's name (--author NAME); 'auto' is the rule's"))
    known = set(known)
    unknown = [i for i in ids if i not in known]
    if unknown:
        raise ReconcileError(N_("no report {id} in this store (incident-map query --reports lists them)"),
                             id=repr(unknown[0]))
    if len(ids) == 2 and ids[0] == ids[1]:
        raise ReconcileError(N_("a report cannot be linked to or kept apart from itself"))


def _replace(decisions: Iterable[Decision], new: Sequence[Decision]) -> list[Decision]:
    pairs = {(d.a, d.b) for d in new}
    return [d for d in decisions if (d.a, d.b) not in pairs] + list(new)


def link(decisions: Iterable[Decision], x: str, y: str, *, author: str, at: str, reason: str,
         known: Iterable[str], score: int | None = None, evidence: str = "") -> list[Decision]:
    """``x`` and ``y`` report the same event (their incidents become one)."""
    _check(reason, author, known, x, y)
    a, b = pair(x, y)
    return _replace(decisions, [Decision(a, b, "linked", author.strip(), at, reason.strip(), score, evidence)])


def keep_apart(decisions: Iterable[Decision], x: str, y: str, *, author: str, at: str, reason: str,
               known: Iterable[str], score: int | None = None, evidence: str = "") -> list[Decision]:
    """``x`` and ``y`` report different events: never proposed again, never joined by the rule."""
    _check(reason, author, known, x, y)
    a, b = pair(x, y)
    return _replace(decisions, [Decision(a, b, "apart", author.strip(), at, reason.strip(), score, evidence)])


def unlink(decisions: Iterable[Decision], report: str, incident: Sequence[str], *, author: str, at: str,
           reason: str, known: Iterable[str]) -> list[Decision]:
    """Take ``report`` out of its incident (``incident``: the ids of every report in it): kept apart from each of
    the others (which stay together as far as the links among them hold). The score and evidence the rule gave a
    pair are kept with the person's decision about it."""
    decisions = list(decisions)
    _check(reason, author, known, report)
    others = [r for r in incident if r != report]
    if not others:
        raise ReconcileError(N_("{id} is the only report of its incident: there is nothing to unlink"), id=report)
    said = {(d.a, d.b): (d.score, d.evidence) for d in decisions if not d.by_user}
    new = [Decision(*pair(report, o), "apart", author.strip(), at, reason.strip(),
                    *said.get(pair(report, o), (None, ""))) for o in others]
    return _replace(decisions, new)
