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

from dashboard.cli_help import H_, translator
from dashboard.data import decide
from dashboard.data.reconcile.evidence import AUTO_LINK, REVIEW
from dashboard.data.reconcile.rerun import Outcome
from dashboard.data.store import load_store
from dashboard.i18n import N_

__all__ = ["register"]

ReasonOpt = Annotated[str, typer.Option("--reason", help=N_("Why (kept with the decision; required)"))]
AuthorOpt = Annotated[str | None, typer.Option("--author", help=N_("Who decides (default: your user name)"))]
Report = Annotated[str, typer.Argument(help=N_("A report id (incident-map query --reports lists them)"),
                                       metavar="REPORT")]


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

    def done(outcome: Outcome, as_json: bool, what: str, **fields: str) -> None:
        """``what``: the English sentence of what was done (marked), with ``fields``; JSON keeps the English."""
        said = _said(outcome)
        if as_json:
            typer.echo(json.dumps({"done": what.format(**fields), **said}, ensure_ascii=False, indent=2))
            return
        t = translator()
        typer.echo(t.gettext("{done}: {reports} reports in {incidents} incidents; {linked} pair(s) linked by the "
                             "rule, {waiting} waiting for review (incident-map review)").format(
            done=t.gettext(what).format(**fields), reports=said["reports"], incidents=said["incidents"],
            linked=said["linked_by_rule"], waiting=said["waiting_for_review"]))
        for d in outcome.added:
            typer.echo(f"  {d.verdict:<8} {d.a}  {d.b}  ({d.score}) {d.evidence}")
        for d in outcome.retracted:
            typer.echo("  " + t.gettext("retracted {verdict} {a}  {b}").format(verdict=d.verdict, a=d.a, b=d.b))

    @app.command(help=H_("Match reports across datasets: link every pair scoring at least {auto} points (unless a "
                         "person or a dataset keeps them apart) and list the pairs from {review} points that wait for "
                         "review.", auto=AUTO_LINK, review=REVIEW))
    def reconcile(store: store_opt = None, as_json: json_opt = False) -> None:
        outcome = decide.reconcile_store(store_of(store))
        done(outcome, as_json, N_("reconciled"))
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
        done(decide.link(store_of(store), a, b, reason=reason, author=author), as_json, N_("linked {a} and {b}"),
             a=a, b=b)

    @app.command("keep-apart")
    def keep_apart(a: Report, b: Report, reason: ReasonOpt, author: AuthorOpt = None, store: store_opt = None,
                   as_json: json_opt = False) -> None:
        """Say that two reports describe different events: the pair is never proposed or linked again."""
        done(decide.keep_apart(store_of(store), a, b, reason=reason, author=author), as_json,
             N_("kept {a} and {b} apart"), a=a, b=b)

    @app.command()
    def unlink(report: Report, reason: ReasonOpt, author: AuthorOpt = None, store: store_opt = None,
               as_json: json_opt = False) -> None:
        """Take a report out of its incident (kept apart from the incident's other reports)."""
        done(decide.unlink(store_of(store), report, reason=reason, author=author), as_json, N_("unlinked {report}"),
             report=report)


def _print_queue(store: Path, limit: int | None) -> None:
    data = load_store(store, write_cache=False)
    queue = decide.review_queue(data.report_level, data.decisions)
    t = translator()
    if queue.empty:
        typer.echo(t.gettext("Nothing waits for review."))
        return
    typer.echo(t.gettext("{n} pair(s) wait for review (decide: incident-map link A B --reason ... or "
                         "incident-map keep-apart A B --reason ...):").format(n=len(queue)))
    for r in queue.head(limit).itertuples(index=False) if limit else queue.itertuples(index=False):
        typer.echo(f"  {r.score:>3}  {r.a}  {r.b}\n       {r.evidence}\n       {r.a}: {r.report_a}\n"
                   f"       {r.b}: {r.report_b}")
    if limit and len(queue) > limit:
        typer.echo("  " + t.gettext("... {n} more (incident-map review)").format(n=len(queue) - limit))
