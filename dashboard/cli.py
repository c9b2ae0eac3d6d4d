"""``incident-map``: serve the dashboard, query and summarise the store, import and export incidents."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Annotated

import pandas as pd
import typer

from dashboard.data.schema import PERPETRATOR_CATEGORIES, parse_sources
from dashboard.data.store import STORE_ENV, StoreData, StoreError, ensure_store, load_store
from dashboard.query.aggregate import by_category, by_column, totals
from dashboard.query.filters import filter_incidents
from dashboard.query.spec import FilterSpec, SpecError

app = typer.Typer(add_completion=False, no_args_is_help=True, help=__doc__)

StoreOpt = Annotated[
    Path | None,
    typer.Option("--store", help=f"GeoPackage store (default: ${STORE_ENV} or data/incidents.gpkg; "
                                 "created from the bundled data if missing)"),
]
JsonOpt = Annotated[bool, typer.Option("--json", help="Machine-readable JSON output")]
FromOpt = Annotated[str | None, typer.Option("--from", help="First day (YYYY-MM-DD); date spans overlapping count")]
ToOpt = Annotated[str | None, typer.Option("--to", help="Last day (YYYY-MM-DD), inclusive")]
CategoryOpt = Annotated[
    list[str] | None,
    typer.Option("--perpetrator-category", help=f"Repeatable; one of: {', '.join(PERPETRATOR_CATEGORIES)}"),
]
ActorOpt = Annotated[list[str] | None, typer.Option("--actor", help="Repeatable; perpetrator name contains (any case)")]
CercleOpt = Annotated[list[str] | None, typer.Option("--cercle", help="Repeatable; cercle (admin2) name")]
EventTypeOpt = Annotated[list[str] | None, typer.Option("--event-type", help="Repeatable; ACLED event type")]
DatasetOpt = Annotated[list[str] | None, typer.Option("--dataset", help="Repeatable; segou-curated, acled, ucdp, user")]
CivilianOpt = Annotated[bool, typer.Option("--civilian-only", help="Only incidents that targeted civilians")]
TextOpt = Annotated[str | None, typer.Option(
    "--text", help="Summaries, places, actors or sources contain this (case and accents ignored)")]


def _spec(start, end, categories, actors, cercles, event_types, datasets, civilian_only, text=None) -> FilterSpec:
    try:
        return FilterSpec.from_query_params(
            {
                "from": start,
                "to": end,
                "cat": categories or [],
                "actor": actors or [],
                "cercle": cercles or [],
                "type": event_types or [],
                "dataset": datasets or [],
                "civ": "1" if civilian_only else None,
                "q": text,
            }
        )
    except SpecError as exc:
        raise typer.BadParameter(str(exc)) from None


def _load(store: Path | None) -> StoreData:
    """The store's incidents, version and (when one is fresh) search index; never writes a derived file."""
    try:
        return load_store(store, write_cache=False)
    except StoreError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(2) from None


@app.command()
def stats(
    store: StoreOpt = None,
    as_json: JsonOpt = False,
    start: FromOpt = None,
    end: ToOpt = None,
    category: CategoryOpt = None,
    actor: ActorOpt = None,
    cercle: CercleOpt = None,
    event_type: EventTypeOpt = None,
    dataset: DatasetOpt = None,
    civilian_only: CivilianOpt = False,
    text: TextOpt = None,
) -> None:
    """Key figures: incidents, killed as a min–max range, by perpetrator category and cercle."""
    data = _load(store)
    incidents = data.incidents
    spec = _spec(start, end, category, actor, cercle, event_type, dataset, civilian_only, text)
    view = filter_incidents(incidents, spec, data.search)
    t = totals(view)
    cats = by_category(view)
    cercles = by_column(view, "admin2")
    if as_json:
        typer.echo(json.dumps({
            "filter": spec.describe(),
            "dataset_version": data.version,
            "incidents": t.incidents,
            "fatalities_min": t.killed_min,
            "fatalities_max": t.killed_max,
            "toll_unknown": t.unknown_toll,
            "no_upper_bound": t.open_ended,
            "by_perpetrator_category": {k: int(v) for k, v in cats["incidents"].items()},
            "by_cercle": {k: int(v) for k, v in cercles["incidents"].items()},
        }, ensure_ascii=False, indent=2))
        return
    typer.echo(spec.describe())
    typer.echo(t.sentence(total=len(incidents)))
    typer.echo("\nBy perpetrator category (an incident with several counts in each):")
    for _, r in cats.iterrows():
        typer.echo(f"  {r['label']:<26} {r['incidents']:>5} incidents  killed {r['killed_min']}–{r['killed_max']}")
    typer.echo("\nBy cercle:")
    for name, r in cercles.iterrows():
        typer.echo(f"  {name:<26} {r['incidents']:>5} incidents  killed {r['killed_min']}–{r['killed_max']}")
    typer.echo(f"\ndataset version {data.version}")


def incident_records(view: pd.DataFrame) -> list[dict]:
    """JSON-ready records of a selection (used by ``query --json``)."""
    out = []
    for r in view.itertuples(index=False):
        point = r.geometry
        out.append({
            "incident_id": r.incident_id,
            "date_start": r.date_start.date().isoformat(),
            "date_end": r.date_end.date().isoformat(),
            "date_precision": r.date_precision,
            "location": r.location,
            "admin1": _opt(r.admin1),
            "admin2": _opt(r.admin2),
            "latitude": None if point is None else point.y,
            "longitude": None if point is None else point.x,
            "geo_precision": int(r.geo_precision),
            "event_type": r.event_type,
            "perpetrators": _opt(r.perpetrators),
            "perpetrator_category": r.perpetrator_category.split(";"),
            "attribution_basis": r.attribution_basis,
            "fatalities_min": _opt(r.fatalities_min),
            "fatalities_max": _opt(r.fatalities_max),
            "civilian_targeting": _opt(r.civilian_targeting),
            "verification": r.verification,
            "dataset": r.dataset,
            "summary": _opt(r.summary),
            "sources": [_source_dict(s) for s in parse_sources(r.sources)],
        })
    return out


def _source_dict(s) -> dict:
    return {"organisation": s.organisation, "title": s.title, "url": s.url, "published": s.published}


def _opt(value):
    if value is None or value is pd.NA or (isinstance(value, float) and pd.isna(value)):
        return None
    if hasattr(value, "item"):
        return value.item()
    return value


@app.command()
def query(
    store: StoreOpt = None,
    as_json: JsonOpt = False,
    start: FromOpt = None,
    end: ToOpt = None,
    category: CategoryOpt = None,
    actor: ActorOpt = None,
    cercle: CercleOpt = None,
    event_type: EventTypeOpt = None,
    dataset: DatasetOpt = None,
    civilian_only: CivilianOpt = False,
    text: TextOpt = None,
) -> None:
    """List the incidents a filter selects, oldest first."""
    data = _load(store)
    incidents = data.incidents
    spec = _spec(start, end, category, actor, cercle, event_type, dataset, civilian_only, text)
    view = filter_incidents(incidents, spec, data.search).sort_values(["date_start", "incident_id"])
    if as_json:
        typer.echo(json.dumps(incident_records(view), ensure_ascii=False, indent=2))
        return
    typer.echo(spec.describe())
    typer.echo(totals(view).sentence(total=len(incidents)))
    for r in incident_records(view):
        toll = _toll(r["fatalities_min"], r["fatalities_max"])
        typer.echo(f"{r['incident_id']:<14} {r['date_start']}  {r['location'][:40]:<40} "
                   f"{'/'.join(r['perpetrator_category']):<30} killed {toll}")


def _toll(lo, hi) -> str:
    if lo is None and hi is None:
        return "unknown"
    if hi is None:
        return f"≥{lo}"
    if lo is None or lo == hi:
        return str(hi)
    return f"{lo}–{hi}"


@app.command()
def validate(store: StoreOpt = None) -> None:
    """Read and validate the store; exit 0 if every incident passes."""
    data = _load(store)
    typer.echo(f"{len(data.incidents)} incidents valid in {ensure_store(store)} (version {data.version})")


@app.command()
def serve(
    port: Annotated[int, typer.Option(help="Port on 127.0.0.1")] = 8501,
    store: StoreOpt = None,
    public: Annotated[bool, typer.Option("--public", help="Public mode: coarsened places, no internal notes")] = False,
) -> None:
    """Start the dashboard on http://127.0.0.1:PORT (no request leaves the machine unless you turn tiles on)."""
    store_path = ensure_store(store)
    app_path = Path(__file__).resolve().parent / "ui" / "app.py"
    env = dict(os.environ, **{STORE_ENV: str(store_path.resolve())})
    if public:
        env["INCIDENT_MAP_PUBLIC"] = "1"
    cmd = [
        sys.executable, "-m", "streamlit", "run", str(app_path),
        "--server.address", "127.0.0.1",
        "--server.port", str(port),
        "--server.headless", "true",
        "--server.enableStaticServing", "true",
        "--browser.gatherUsageStats", "false",
        "--global.developmentMode", "false",
        "--client.toolbarMode", "minimal",
    ]
    typer.echo(f"Serving {store_path} at http://127.0.0.1:{port}  (Ctrl+C to stop)")
    raise typer.Exit(subprocess.call(cmd, env=env))


@app.command("import")
def import_(
    file: Annotated[Path, typer.Argument(help="CSV, JSON, GeoJSON or GeoPackage file to import")],
    fmt: Annotated[str, typer.Option("--format", help="auto, acled, ucdp or native")] = "auto",
    store: StoreOpt = None,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Check and report; write nothing")] = False,
    strict: Annotated[bool, typer.Option("--strict", help="Import nothing if any row is rejected")] = False,
    gazetteer: Annotated[
        Path | None, typer.Option("--gazetteer", help="Gazetteer CSV for places without coordinates "
                                                      "(default: the bundled gazetteer)")
    ] = None,
    as_json: JsonOpt = False,
) -> None:
    """Import an ACLED export, a UCDP GED file or a file in the canonical layout into the store.

    Bad rows go to <store>.rejects.csv with the reason; rows already in the store are skipped.

    Exit code 0 on success, 1 if rows were rejected with --strict (nothing imported), 2 if the file cannot be read.
    """
    from dashboard.data.gazetteer import Gazetteer
    from dashboard.data.importer import FORMATS, import_file
    from dashboard.data.sources.native import UnreadableFile

    if fmt not in ("auto", *FORMATS):
        raise typer.BadParameter(f"--format must be auto, {', '.join(FORMATS)}; got {fmt!r}")
    try:
        gaz = Gazetteer.from_csv(gazetteer) if gazetteer else None
        report = import_file(file, store, fmt=fmt, dry_run=dry_run, strict=strict, gazetteer=gaz)
    except (UnreadableFile, StoreError, OSError) as exc:
        message = " ".join(str(exc).split()) if not isinstance(exc, OSError) else f"{file.name}: {exc.strerror or exc}"
        typer.echo(f"error: {message}", err=True)
        raise typer.Exit(2) from None
    if as_json:
        typer.echo(json.dumps(report.to_dict(), ensure_ascii=False, indent=2))
    else:
        typer.echo(report.summary())
    if report.blocked:
        raise typer.Exit(1)


EXPORT_FORMATS = ("csv", "geojson", "gpkg", "html", "pdf")


@app.command("export")
def export_(
    fmt: Annotated[str, typer.Option("--format", help="csv, geojson, gpkg, html (self-contained map) or pdf "
                                                      "(briefing pack)")],
    output: Annotated[Path, typer.Option("-o", "--output", help="File to write")],
    store: StoreOpt = None,
    start: FromOpt = None,
    end: ToOpt = None,
    category: CategoryOpt = None,
    actor: ActorOpt = None,
    cercle: CercleOpt = None,
    event_type: EventTypeOpt = None,
    dataset: DatasetOpt = None,
    civilian_only: CivilianOpt = False,
    text: TextOpt = None,
    title: Annotated[str | None, typer.Option("--title", help="Title of the PDF or HTML map")] = None,
    lang: Annotated[str, typer.Option("--lang", help="Language of the PDF: en or fr")] = "en",
    public: Annotated[bool, typer.Option("--public", help="Coarsened places, internal fields left out")] = False,
    spreadsheet_safe: Annotated[bool, typer.Option(
        "--spreadsheet-safe", help="CSV: put a ' before text cells that start with = + - @ (so they cannot run as "
                                   "formulas in a spreadsheet); the file then no longer re-imports exactly")] = False,
    story: Annotated[Path | None, typer.Option("--story", help="A story JSON (saved from the Story page): export "
                                                               "its incidents, in its order, instead of a filter")] = None,
) -> None:
    """Write exactly the filtered incidents (or a story's) as CSV, GeoJSON, GeoPackage, HTML map or PDF briefing.

    Exit code 0 on success, 2 if the store or the story cannot be read.
    """
    from datetime import UTC, datetime

    from dashboard.data.public import public_view
    from dashboard.data.reference import cercle_seats
    from dashboard.export import briefing, files
    from dashboard.export.story import Story, StoryError, story_frame

    if fmt not in EXPORT_FORMATS:
        raise typer.BadParameter(f"--format must be one of {', '.join(EXPORT_FORMATS)}; got {fmt!r}")
    if lang not in ("en", "fr"):
        raise typer.BadParameter(f"--lang must be en or fr; got {lang!r}")
    stored = _load(store)
    incidents, version = stored.incidents, stored.version
    if public:
        incidents = public_view(incidents, cercle_seats())  # same rows and text: the search index still applies
    spec = _spec(start, end, category, actor, cercle, event_type, dataset, civilian_only, text)
    chosen = None
    if story is not None:
        if not spec.is_empty():
            raise typer.BadParameter("--story chooses the incidents itself: leave out the filter options")
        try:
            chosen = Story.from_json(story.read_bytes(), known_ids=incidents["incident_id"])
        except (StoryError, OSError) as exc:
            typer.echo(f"error: {story.name}: {exc.strerror if isinstance(exc, OSError) else exc}", err=True)
            raise typer.Exit(2) from None
        view = story_frame(incidents, chosen)
        described = chosen.title or f"A story of {len(chosen)} incident(s)"
    else:
        view = filter_incidents(incidents, spec, stored.search)
        described = spec.describe()
    generated_at = datetime.now(UTC)
    common = {"total": len(incidents), "version": version, "generated_at": generated_at, "lang": lang,
              "title": title, "public": public}
    if fmt == "pdf" and chosen is not None:
        data = briefing.story_pdf(incidents, chosen, **common)
    elif fmt == "pdf":
        data = briefing.briefing_pdf(view, spec=spec, **common)
    elif fmt == "html":
        footer = (f"{totals(view).sentence(total=len(incidents))} · dataset version {version} · "
                  f"generated {generated_at:%Y-%m-%d %H:%M} UTC")
        data = files.to_html_bytes(view, basemap=briefing.default_basemap(), public=public,
                                   title=title or "Incidents in the Ségou region", description=described,
                                   footer=footer)
    else:
        data = files.data_file_bytes(fmt, view, public=public, spreadsheet_safe=spreadsheet_safe)
    try:
        output.write_bytes(data)
    except OSError as exc:
        typer.echo(f"error: cannot write {output}: {exc.strerror or exc}", err=True)
        raise typer.Exit(2) from None
    typer.echo(described)
    typer.echo(f"Wrote {len(view)} incident(s) to {output} ({fmt}{', public' if public else ''}; "
               f"dataset version {version})")


if __name__ == "__main__":
    app()
