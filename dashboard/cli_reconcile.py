"""``incident-map reconcile · review · link · unlink · keep-apart``: one incident, many reports.

Registered on the main app by :func:`register` (the commands share its ``--store`` option and error handling).
"""

# no "from __future__ import annotations": the commands are annotated with the main app's option types,
# which are local to register() and must be evaluated when the functions are defined

import json
from collections.abc import Callable
from pathlib import Path
from typing import Annotated

import typer

from dashboard.data import decide
from dashboard.data.reconcile.evidence import AUTO_LINK, REVIEW
from dashboard.data.reconcile.rerun import Outcome
from dashboard.data.store import load_store

__all__ = ["register"]

ReasonOpt = Annotated[str, typer.Option("--reason", help="Why (kept with the decision; required)")]
AuthorOpt = Annotated[str | None, typer.Option("--author", help="Who decides (default: your user name)")]
Report = Annotated[str, typer.Argument(help="A report id (incident-map query --reports lists them)", metavar="REPORT")]


def _said(outcome: Outcome) -> dict:
    rec = outcome.reconciliation
    return {
        "incidents": len(set(rec.group)),
        "reports": len(rec.ids),
        "linked_by_rule": len(rec.links),
        "waiting_for_review": len(rec.pending),
        "new_or_changed": [d.to_record() for d in outcome.added],
        "retracted": [d.to_record() for d in outcome.retracted],
    }


def register(app: typer.Typer, store_of: Callable[[Path | None], Path], store_opt, json_opt) -> None:
    """Add the commands to ``app``; ``store_of`` resolves ``--store`` as every other command does."""

    def done(outcome: Outcome, as_json: bool, what: str) -> None:
        said = _said(outcome)
        if as_json:
            typer.echo(json.dumps({"done": what, **said}, ensure_ascii=False, indent=2))
            return
        typer.echo(f"{what}: {said['reports']} reports in {said['incidents']} incidents; "
                   f"{said['linked_by_rule']} pair(s) linked by the rule, {said['waiting_for_review']} waiting for "
                   "review (incident-map review)")
        for d in outcome.added:
            typer.echo(f"  {d.verdict:<8} {d.a}  {d.b}  ({d.score}) {d.evidence}")
        for d in outcome.retracted:
            typer.echo(f"  retracted {d.verdict} {d.a}  {d.b}")

    @app.command(help=f"Match reports across datasets: link every pair scoring at least {AUTO_LINK} points (unless "
                      f"a person or a dataset keeps them apart) and list the pairs from {REVIEW} points that wait for "
                      "review.")
    def reconcile(store: store_opt = None, as_json: json_opt = False) -> None:
        outcome = decide.reconcile_store(store_of(store))
        done(outcome, as_json, "reconciled")
        if not as_json:
            _print_queue(store_of(store), limit=20)

    @app.command()
    def review(store: store_opt = None, as_json: json_opt = False) -> None:
        """The pairs of reports waiting for a person, best first, with their evidence (decide with link or
        keep-apart)."""
        if as_json:
            data = load_store(store_of(store), write_cache=False)
            queue = decide.review_queue(data.report_level, data.decisions)
            typer.echo(json.dumps(queue.to_dict("records"), ensure_ascii=False, indent=2, default=str))
            return
        _print_queue(store_of(store), limit=None)

    @app.command()
    def link(a: Report, b: Report, reason: ReasonOpt, author: AuthorOpt = None, store: store_opt = None,
             as_json: json_opt = False) -> None:
        """Say that two reports describe the same event: their incidents become one."""
        done(decide.link(store_of(store), a, b, reason=reason, author=author), as_json, f"linked {a} and {b}")

    @app.command("keep-apart")
    def keep_apart(a: Report, b: Report, reason: ReasonOpt, author: AuthorOpt = None, store: store_opt = None,
                   as_json: json_opt = False) -> None:
        """Say that two reports describe different events: the pair is never proposed or linked again."""
        done(decide.keep_apart(store_of(store), a, b, reason=reason, author=author), as_json,
             f"kept {a} and {b} apart")

    @app.command()
    def unlink(report: Report, reason: ReasonOpt, author: AuthorOpt = None, store: store_opt = None,
               as_json: json_opt = False) -> None:
        """Take a report out of its incident (kept apart from the incident's other reports)."""
        done(decide.unlink(store_of(store), report, reason=reason, author=author), as_json, f"unlinked {report}")


def _print_queue(store: Path, limit: int | None) -> None:
    data = load_store(store, write_cache=False)
    queue = decide.review_queue(data.report_level, data.decisions)
    if queue.empty:
        typer.echo("Nothing waits for review.")
        return
    typer.echo(f"{len(queue)} pair(s) wait for review (decide: incident-map link A B --reason ... or "
               "incident-map keep-apart A B --reason ...):")
    for r in queue.head(limit).itertuples(index=False) if limit else queue.itertuples(index=False):
        typer.echo(f"  {r.score:>3}  {r.a}  {r.b}\n       {r.evidence}\n       {r.a}: {r.report_a}\n"
                   f"       {r.b}: {r.report_b}")
    if limit and len(queue) > limit:
        typer.echo(f"  ... {len(queue) - limit} more (incident-map review)")
