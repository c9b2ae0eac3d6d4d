"""The briefing pack: one PDF of exactly the incidents given (already filtered), in English or French.

Pure: one :class:`~dashboard.export.request.ExportRequest` comes in (the incidents, the filter or the story that chose
them, title, language, public, dataset version, generation time); PDF bytes come out. A story's pack presents its
incidents in the story's order, each with its note and a map of its own. The HTML
(``templates/briefing.html.j2``) is rendered by jinja2 with autoescape on, since every incident field is untrusted
text, and turned into a PDF by weasyprint with a URL fetcher that only accepts ``data:`` URIs (nothing is fetched
from the network). The map is drawn by :mod:`dashboard.export.staticmap` (matplotlib, no tiles) and the timeline
by :mod:`dashboard.export.charts` (the dashboard's chart rendered with ``vl_convert``).

Public mode: the caller passes the already-coarsened frame (:func:`dashboard.data.public.public_view`); the pack
then says so and shows none of the internal fields (it never shows them anyway: notes on how a source knows,
record ids, geocoding provenance).
"""

from __future__ import annotations

import base64
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import geopandas as gpd
import pandas as pd
from jinja2 import Environment, FileSystemLoader, StrictUndefined

from dashboard import labels
from dashboard.attribution import short_credits
from dashboard.data.missing import text_or_none
from dashboard.data.schema import split_codes
from dashboard.errors import BriefingError
from dashboard.export import summary
from dashboard.export.charts import timeline_svg
from dashboard.export.request import ExportRequest
from dashboard.export.sourcerefs import SourceRef, number_sources
from dashboard.export.staticmap import incident_map_svg
from dashboard.export.words import briefing_words, summary_words
from dashboard.i18n import N_, Count, check_lang, tr
from dashboard.query.aggregate import by_category, by_column, totals
from dashboard.query.spec import FilterSpec
from dashboard.viz.cards import summary_note, summary_text
from dashboard.viz.maps import APPROX_RING_M, Basemap, plottable, unplotted
from dashboard.viz.palette import CATEGORY_COLOURS, text_colour_on
from dashboard.wording import TollWords, describe_period, toll_text, toll_words, when_text

__all__ = ["BriefingError", "SourceRef", "briefing_html", "briefing_pdf", "default_basemap", "number_sources",
           "timeline_svg"]

TEMPLATES = Path(__file__).parent / "templates"
_ENV = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=True, undefined=StrictUndefined,
                   trim_blocks=True, lstrip_blocks=True)
RING_KM = round(APPROX_RING_M / 1000)  # the ring drawn around approximate places, as the web map draws it
MAX_STEP_MAPS = 60


def default_basemap() -> Basemap:
    """The bundled outlines (Ségou region, Mali's regions) and cercle seats."""
    return Basemap.bundled()


def _data_uri(svg: str) -> str:
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode("utf-8")).decode("ascii")


# ---- context -------------------------------------------------------------------------------------------------
def _generated(at: datetime) -> str:
    if at.tzinfo is not None:
        return at.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")
    return at.strftime("%Y-%m-%d %H:%M")


def _period(spec: FilterSpec | None, incidents: pd.DataFrame, lang: str) -> str:
    """The filter's period; without one, the span of the incidents' dates (said as such)."""
    w = briefing_words(lang)
    if spec is not None and (spec.start or spec.end):
        return describe_period(spec.start, spec.end, tr(lang).dates())
    if incidents.empty:
        return ""
    first = tr(lang).day(incidents["date_start"].min().date())
    last = tr(lang).day(incidents["date_end"].max().date())
    return w["story_dates" if spec is None else "all_dates"].format(first=first, last=last)


def _incident(row: Mapping[str, Any], number: int, cited: Sequence[int], lang: str) -> dict:
    t = tr(lang)
    categories = split_codes(row["perpetrator_category"])
    return {
        "number": number,
        "id": row["incident_id"],
        "when": when_text(row, t.dates()),
        "location": labels.place(row["location"], t),
        "admin": ", ".join(x for x in (text_or_none(row.get("admin3")), text_or_none(row.get("admin2"))) if x),
        "categories": [(labels.category(c, t), CATEGORY_COLOURS.get(c, "#6B6B6B"),
                        text_colour_on(CATEGORY_COLOURS.get(c, "#6B6B6B"))) for c in categories],
        "perpetrators": text_or_none(row.get("perpetrators")),
        "basis": labels.basis(row.get("attribution_basis"), t),
        "victims": text_or_none(row.get("victims")),
        "toll": toll_text(row["fatalities_min"], row["fatalities_max"], words=toll_words(t)),
        "summary": summary_text(row, t),
        "summary_note": summary_note(row, t),
        "inclusion_note": text_or_none(row.get("inclusion_note")),
        "verification": labels.verification(row["verification"], t),
        "precision": labels.precision(row["geo_precision"], t),
        "sources": list(cited),
        "note": "",
    }


def _figures(incidents: pd.DataFrame, lang: str) -> dict:
    w = briefing_words(lang)
    tw = toll_words(tr(lang))
    t = totals(incidents)
    cats = by_category(incidents) if len(incidents) else pd.DataFrame(columns=["incidents", "killed_min",
                                                                               "killed_max"])
    cercles = by_column(incidents, "cercle", missing=w["not_stated"]) if len(incidents) else cats
    return {
        "totals": t,
        "killed": toll_text(t.killed_min, t.killed_max, open_ended=bool(t.open_ended),
                            words=TollWords(exact=w["killed_exact"], range=w["killed_range"], group=tw.group),
                            thousands=True),
        "killed_range": toll_text(t.killed_min, t.killed_max, open_ended=bool(t.open_ended), words=tw),
        "of_whom": summary.of_whom(incidents, tr(lang)).lstrip(", "),
        "by_category": [
            {"label": labels.category(code, lang), "colour": CATEGORY_COLOURS.get(code, "#6B6B6B"),
             "incidents": int(r["incidents"]), "killed": toll_text(r["killed_min"], r["killed_max"], words=tw)}
            for code, r in cats.iterrows()
        ],
        "by_cercle": [
            {"label": str(name), "incidents": int(r["incidents"]),
             "killed": toll_text(r["killed_min"], r["killed_max"], words=tw)}
            for name, r in cercles.iterrows()
        ],
    }


def _methods(incidents: pd.DataFrame, lang: str, public: bool) -> list[str]:
    w = briefing_words(lang)
    t = totals(incidents)
    drawn = plottable(incidents)
    verification = incidents["verification"].value_counts()
    lines = [
        w["m_precision"].format(exact=int((drawn["geo_precision"] == 1).sum()),
                                approx=int((drawn["geo_precision"] == 2).sum()),
                                region=len(incidents) - len(drawn)),
        w["m_reported"].format(**{k: int(verification.get(k, 0))
                                  for k in ("confirmed", "corroborated", "reported", "contested")}),
        w["m_alleged"],
        w["m_ranges"],
        w["m_unknown"].format(unknown=t.unknown_toll, open=t.open_ended),
    ]
    if "n_reports" in incidents.columns:
        merged = incidents["n_reports"].to_numpy() > 1
        lines.append(w["m_reports"].format(merged=int(merged.sum()),
                                           reports=int(incidents["n_reports"].to_numpy()[merged].sum()),
                                           disputed=int(incidents["toll_disputed"].to_numpy().sum())))
    imprecise = int((incidents["date_precision"] != "day").sum())
    if imprecise:
        lines.append(w["m_dates"].format(imprecise=imprecise))
    lines.append(w["m_summaries"])
    if public:
        lines.append(w["m_public"])
    return lines


def _context(request: ExportRequest) -> dict:
    request = request.licensed()  # rows whose licence forbids redistribution: counted, not listed
    lang = check_lang(request.lang)
    t = tr(lang)
    w = briefing_words(lang)
    story = request.story
    kind = "story" if story is not None else "briefing"
    incidents = request.view if story is not None else request.view.sort_values(["date_start", "incident_id"],
                                                                                kind="stable")
    listed = _listed(incidents, request.max_listed, story is not None)
    if story is not None:
        selection = t.ngettext("A story of {n} incident, in the order they are presented",
                               "A story of {n} incidents, in the order they are presented",
                               len(incidents)).format(n=len(incidents))
    else:
        whole = request.spec == FilterSpec(scope="all")  # every incident, no other filter
        selection = request.spec.describe(t.words()) + (w["no_filter"] if whole else "")
    basemap = request.basemap if request.basemap is not None else default_basemap()
    refs, cited = number_sources(listed)
    rows = [_incident(r, n, cited[r["incident_id"]], lang)
            for n, r in enumerate(listed.to_dict("records"), start=1)]
    numbers = {item["id"]: str(item["number"]) for item in rows}
    map_svg = None
    timeline = None
    if len(incidents):
        map_svg = _data_uri(incident_map_svg(  # the listed incidents: one marker each is what a map can show
            listed, basemap, labels=numbers,
            legend_labels={code: labels.category(code, t) for code in CATEGORY_COLOURS},
            legend_words=(labels.precision(1, t), w["legend_approx"].format(ring=RING_KM),
                          w["legend_second"]),
            attribution=w["map_credit"],
        ))
        timeline = _data_uri(timeline_svg(incidents, lang))
    step_maps: dict[str, str] = {}
    if story is not None:
        for r in plottable(incidents).head(MAX_STEP_MAPS).itertuples(index=False):
            step_maps[r.incident_id] = _step_map(incidents, basemap, numbers, r)
        notes = {step.incident_id: step.note for step in story.steps}  # by id: the licences may leave a step out
        for item in rows:
            item["note"] = notes.get(item["id"], "")
    not_drawn = [{"number": numbers[r["incident_id"]], "when": when_text(r, t.dates()), "location": labels.place(r["location"], t)}
                 for r in unplotted(listed).to_dict("records")]
    by_id = {item["id"]: item for item in rows}
    serious = [by_id[i] for i in summary.most_serious(listed)["incident_id"]] if kind == "briefing" else []
    return {
        "lang": lang,
        "w": w,
        "kind": kind,
        "kind_label": w["kind_story"] if kind == "story" else w["kind_briefing"],
        "title": request.title or (story.title if story is not None else None) or w["default_title"],
        "selection": selection,
        "period": _period(request.spec, incidents, lang),
        "public": request.public,
        "map_note": f"{w['map_ref_story' if kind == 'story' else 'map_ref_briefing']} "
                    f"{w['map_note'].format(ring=RING_KM)}",
        "figures": _figures(incidents, lang),
        "total": request.total,
        "incidents": rows,
        "selected": len(incidents),
        "listed_note": (w["listed_note"].format(listed=len(listed), n=len(incidents))
                        if len(listed) < len(incidents) else ""),
        "not_drawn": not_drawn,
        "not_drawn_count": len(unplotted(incidents)),
        "sources": refs,
        "licence": [*request.licence_notes(), *request.attribution()],  # shown alone when nothing is listed
        "methods": [*request.licence_notes(), *(_methods(incidents, lang, request.public) if len(incidents) else []),
                    *request.attribution()],
        "map_svg": map_svg,
        "timeline_svg": timeline,
        "step_maps": step_maps,
        "footer": w["footer"].format(version=request.version, generated=_generated(request.generated_at)),
        "credits": short_credits(t),
        "sw": summary_words(lang),
        "findings": summary.key_findings(incidents, period=_findings_period(request.spec, incidents, lang), lang=lang),
        "grades": summary.grade_counts(incidents, lang),
        "coverage": summary.coverage(counted=len(incidents), total=request.total, selection=selection,
                                     left_out=request.left_out, lang=lang),
        "prepared": _prepared(request, lang),
        "marking": request.marking,
        "serious": serious if len(serious) < len(rows) else [],  # a table of all of them is the annex itself
    }


def _listed(incidents: pd.DataFrame, limit: int | None, story: bool) -> pd.DataFrame:
    """The incidents the pack lists one by one: all of them up to ``limit``; above it, the most serious (highest
    known toll: lower bound, then upper bound, unknown last; then oldest first), in the pack's order. A story above
    the limit is refused (its order is the point of it)."""
    if limit is None or len(incidents) <= limit:
        return incidents
    if story:
        raise BriefingError(N_("a story PDF presents at most {limit} steps and this story has {n}; split the story"),
                            limit=Count(limit), n=Count(len(incidents)))
    order = incidents.assign(_lo=incidents["fatalities_min"], _hi=incidents["fatalities_max"]).sort_values(
        ["_lo", "_hi", "date_start", "incident_id"], ascending=[False, False, True, True], na_position="last",
        kind="stable")
    chosen = set(order.index[:limit])
    return incidents.loc[[i for i in incidents.index if i in chosen]]


def _findings_period(spec: FilterSpec | None, incidents: pd.DataFrame, lang: str) -> str:
    """The filter's period; without one, the span of the incidents' dates ("8 Sep 2012 – 3 Mar 2026")."""
    if spec is not None and (spec.start or spec.end):
        return describe_period(spec.start, spec.end, tr(lang).dates())
    if incidents.empty:
        return ""
    return describe_period(incidents["date_start"].min().date(), incidents["date_end"].max().date(), tr(lang).dates())


def _prepared(request: ExportRequest, lang: str) -> list[tuple[str, str]]:
    """(label, value) of the author, organisation, date of analysis and handling marking that were given."""
    sw = summary_words(lang)
    given = [(sw["prepared_by"], request.author), (sw["organisation"], request.organisation),
             (sw["analysis_date"], tr(lang).day(request.analysis_date) if request.analysis_date else None),
             (sw["marking"], request.marking)]
    return [(label, value) for label, value in given if value]


def _step_map(incidents: gpd.GeoDataFrame, basemap: Basemap, numbers: Mapping[str, str], r) -> str:
    return _data_uri(incident_map_svg(
        incidents, basemap, labels=numbers, highlight=r.incident_id, focus=(r.geometry.y, r.geometry.x),
        focus_km=45, size=(3.0, 2.6), show_legend=False,
        attribution="Natural Earth · GeoNames",
    ))


def _pdf(document: str) -> bytes:
    import weasyprint  # imported here: it loads pango/harfbuzz, which only PDF output needs
    from weasyprint.urls import URLFetcher

    # Only data: URIs (the embedded map and chart); nothing is ever fetched from a network or a file.
    fetcher = URLFetcher(allowed_protocols={"data"}, fail_on_errors=True)
    try:
        return weasyprint.HTML(string=document, url_fetcher=fetcher, base_url=None).write_pdf()
    except Exception as exc:
        raise BriefingError(N_("could not render the PDF ({why})"), why=f"{type(exc).__name__}: {exc}") from exc


# ---- public API ----------------------------------------------------------------------------------------------
def briefing_html(request: ExportRequest) -> str:
    """The pack as an HTML document (what :func:`briefing_pdf` prints)."""
    return _ENV.get_template("briefing.html.j2").render(**_context(request))


def briefing_pdf(request: ExportRequest) -> bytes:
    """The briefing pack of the request's incidents as PDF bytes: of a filter's selection, oldest first; of a story,
    in the story's order with its notes and one map per step (the story's title when the request has none)."""
    return _pdf(briefing_html(request))
