"""``incident-map victims add`` / ``victims list``: the named victims a team records (private: never in an incident
frame, public mode or an export; :mod:`dashboard.data.victims`)."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime
from typing import Annotated

import typer

from dashboard.cli_help import H_, translator
from dashboard.cli_options import App
from dashboard.cli_store import AuthorOpt, JsonOpt, ReasonOpt, StoreOpt, _fail
from dashboard.data.engines import StoreError
from dashboard.data.engines.changes import default_author
from dashboard.data.engines.records import VICTIM_AGE_GROUPS, VICTIM_HARMS, VICTIM_SEXES
from dashboard.data.store import open_store
from dashboard.data.victims import named_victims, record_named_victims
from dashboard.i18n import N_

victims_app = App(no_args_is_help=True, help=N_("Named victims: private records of a team, never shown in public "
                                                "mode or exported."))


@victims_app.command("add")
def add(
    incident: Annotated[str, typer.Argument(help=N_("Incident id, e.g. SEG-2025-010"))],
    name: Annotated[str, typer.Option("--name", help=N_("The victim's name as the source gives it"))],
    reason: ReasonOpt,
    harm: Annotated[str, typer.Option("--harm", help=H_("What was done to them: {harms}", harms=", ".join(VICTIM_HARMS)))] = "killed",
    sex: Annotated[str | None, typer.Option("--sex", help=H_("Sex: {values}", values=", ".join(VICTIM_SEXES)))] = None,
    age: Annotated[int | None, typer.Option("--age", help=N_("Age in years, where a source gives it"))] = None,
    age_group: Annotated[str | None, typer.Option("--age-group", help=H_("Age group: {values}", values=", ".join(VICTIM_AGE_GROUPS)))] = None,
    note: Annotated[str | None, typer.Option("--note", help=N_("How the name is known (kept private)"))] = None,
    author: AuthorOpt = None,
    store: StoreOpt = None,
) -> None:
    """Record a named victim of an incident (one change set, in the history)."""
    try:
        st = open_store(store)
        if incident not in st.current([incident]):
            raise StoreError(N_("{id}: no such incident in the store"), id=incident)
        victim_id = f"V-{uuid.uuid4().hex[:12]}"
        record_named_victims(st, [{
            "victim_id": victim_id, "incident_id": incident, "name": name, "sex": sex, "age": age,
            "age_group": age_group, "harm": harm, "note": note, "recorded_by": default_author(author),
            "recorded_at": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")}], reason=reason, author=author)
    except StoreError as exc:
        raise _fail(exc) from None
    typer.echo(translator().gettext("{id}: named victim recorded as {victim} (private: not shown in public mode or "
                                    "exported)").format(id=incident, victim=victim_id))


@victims_app.command("list")
def list_victims(
    incident: Annotated[str | None, typer.Argument(help=N_("Only this incident's named victims"))] = None,
    store: StoreOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """The named victims recorded (of one incident), in the order they were recorded."""
    try:
        found = named_victims(open_store(store), incident)
    except StoreError as exc:
        raise _fail(exc) from None
    if as_json:
        typer.echo(json.dumps(found, ensure_ascii=False, indent=2))
        return
    t = translator()
    for v in found:
        age = f", {v['age']}" if v.get("age") is not None else ""
        typer.echo(f"{v['victim_id']}  {v['incident_id']}  {v['name']} ({v['harm']}{age}; " + t.gettext(
            "recorded by {who} {when}").format(who=v["recorded_by"], when=v["recorded_at"]) + ")")
    if not found:
        typer.echo(t.gettext("no named victims recorded"))


def register(app: typer.Typer) -> None:
    app.add_typer(victims_app, name="victims")
