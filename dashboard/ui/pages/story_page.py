"""Story mode: present chosen incidents one step at a time, for a meeting or a projector.

The story starts as the filtered incidents, oldest first, up to :data:`~dashboard.export.story.DEFAULT_STEPS` of
them: above that, the most serious (highest known toll), and the page says how many it leaves out; pick and order
incidents yourself (the editor offers the whole record when it is small, else the
:data:`~dashboard.export.story.PICK_OPTIONS` most serious of the selection, and the story's own), or load a story
JSON. What the page sends does not grow with the record (it never finished loading at 20,000 incidents before).
Each step shows the map zoomed on its incident (``st_folium``'s ``center``/``zoom`` move the view without
re-mounting the map; the ring around the current incident is a dynamic layer) and its card, large. The step is in
the URL (``?step=N``) so a step can be cited and reloaded.
"""

from __future__ import annotations

import html
from datetime import UTC, datetime

import pandas as pd
import streamlit as st

from dashboard.export.exporters import LANGUAGE_NAMES, ExportRequest, exporter
from dashboard.export.story import (
    DEFAULT_STEPS,
    MAX_NOTE,
    MAX_TITLE,
    PICK_OPTIONS,
    Story,
    StoryError,
    default_story_ids,
    highlight_layer,
    most_serious_first,
    step_point,
    story_frame,
)
from dashboard.i18n import languages
from dashboard.labels import place
from dashboard.ui import cache, common, foliummap
from dashboard.ui import lang as ui_lang
from dashboard.ui.context import PageContext
from dashboard.ui.lang import _, ngettext
from dashboard.ui.state import ViewState
from dashboard.viz.cards import incident_card_html
from dashboard.viz.maps import SEGOU_CENTER, SEGOU_ZOOM, build_incident_map
from dashboard.wording import toll_text, toll_words

STEP_PARAM = "step"
STEP_KEY = "story_step"
IDS_KEY = "story_ids"
TITLE_KEY = "story_title"
CUSTOM_KEY = "story_custom"  # the user chose the incidents: stop following the filter
EDITING_KEY = "story_editing"  # the user has used the editor: keep it open
LOADED_KEY = "story_loaded_file"
UPLOAD_KEY = "story_upload"
MAP_KEY = "story_map"
STEP_ZOOM = 10
CARD_ZOOM = 1.45  # readable from the back of a room


def note_key(incident_id: str) -> str:
    return f"story_note_{incident_id}"


def _label(incidents: pd.DataFrame) -> dict[str, str]:
    return {
        r["incident_id"]: f"{r['date_start']:%Y-%m-%d} · {place(str(r['location']), ui_lang.current())[:60]} · "
                          + _("killed {toll}").format(toll=toll_text(r["fatalities_min"], r["fatalities_max"],
                                                                     words=toll_words(ui_lang.current())))
                          + f" ({r['incident_id']})"
        for r in incidents.to_dict("records")
    }


def _step_from_url() -> int | None:
    raw = st.query_params.get(STEP_PARAM)
    try:
        return int(raw) if raw is not None else None
    except ValueError:
        return None


def _go(step: int) -> None:
    st.session_state[STEP_KEY] = step


def _mark_custom() -> None:
    st.session_state[CUSTOM_KEY] = True
    st.session_state[EDITING_KEY] = True


def _mark_editing() -> None:
    st.session_state[EDITING_KEY] = True


def _follow_filter(ids: list[str]) -> None:
    st.session_state[CUSTOM_KEY] = False
    st.session_state[EDITING_KEY] = True
    st.session_state[IDS_KEY] = ids
    st.session_state[STEP_KEY] = 1


def _load(upload, known: pd.Series) -> None:
    """Apply an uploaded story once (a rerun must not undo the user's later edits)."""
    if upload is None or st.session_state.get(LOADED_KEY) == upload.file_id:
        return
    st.session_state[LOADED_KEY] = upload.file_id
    st.session_state[EDITING_KEY] = True
    try:
        story = Story.from_json(upload.getvalue(), known_ids=known)
    except StoryError as exc:
        st.error(_("Could not load {name}: {error}").format(name=common.md_escape(upload.name),
                                                            error=common.md_escape(str(exc))))
        return
    st.session_state[IDS_KEY] = list(story.incident_ids)
    st.session_state[TITLE_KEY] = story.title
    for step in story.steps:
        st.session_state[note_key(step.incident_id)] = step.note
    st.session_state[CUSTOM_KEY] = True
    st.session_state[STEP_KEY] = 1
    st.success(ngettext("Loaded a story of {n} step.", "Loaded a story of {n} steps.", len(story)).format(
        n=len(story)))


def _publish(ctx: PageContext, step: int | None) -> None:
    """The filter and the step in the URL (only when it changed, to avoid extra reruns)."""
    params: dict[str, str | list[str]] = {**ctx.spec.to_query_params(), **ViewState().to_query_params()}
    if step is not None:
        params[STEP_PARAM] = str(step)
    current = {k: st.query_params.get_all(k) for k in st.query_params}
    wanted = {k: (v if isinstance(v, list) else [v]) for k, v in params.items()}
    if current != wanted:
        st.query_params.from_dict(params)


def _ranked(ctx: PageContext) -> pd.DataFrame:
    """The :data:`PICK_OPTIONS` most serious incidents of the selection, most serious first: ranked once per
    filter and dataset version for every session (a second at a million incidents), not on every step."""
    return cache.shared(cache.view_key("story-ranked", ctx.data, ctx.spec, PICK_OPTIONS),
                        lambda: most_serious_first(ctx.view, PICK_OPTIONS))


def _choices(ctx: PageContext, ids: list[str]) -> tuple[pd.DataFrame, dict[str, str]]:
    """The incidents the editor offers, oldest first, and their labels: the whole record when it holds at most
    :data:`PICK_OPTIONS`, else the most serious of the selection; the story's own incidents always."""
    small = len(ctx.all) <= PICK_OPTIONS
    pool = cache.shared(cache.view_key("story-pool", ctx.data, ctx.spec, small), lambda: (
        ctx.all if small else _ranked(ctx)).sort_values(["date_start", "incident_id"]))
    labels = cache.shared(cache.view_key("story-labels", ctx.data, ctx.spec, small, ui_lang.current().lang),
                          lambda: _label(pool))
    offered = set(labels)
    extra = [i for i in ids if i not in offered]
    if extra:  # a loaded story's or a picked incident outside the selection
        more = ctx.all.loc[ctx.all["incident_id"].isin(extra)]
        pool, labels = pd.concat([pool, more]).sort_values(["date_start", "incident_id"]), {**labels, **_label(more)}
    return pool, labels


def _editor(ctx: PageContext, filtered_ids: list[str]) -> Story:
    """Build, load or save the story; returns it."""
    # open while the story is empty or once the user has used it: an ``expanded`` that turned False after the first
    # pick closed the editor under the user's hands
    expanded = bool(st.session_state.get(EDITING_KEY)) or not st.session_state.get(IDS_KEY)
    with st.expander(_("Build, load or save the story"), expanded=expanded, icon=":material/edit_note:"):
        _load(st.file_uploader(_("Load a story (JSON)"), type=["json"], key=UPLOAD_KEY, max_upload_size=1),
              ctx.all["incident_id"])
        choices, labels = _choices(ctx, list(st.session_state.get(IDS_KEY) or []))
        if len(ctx.all) > PICK_OPTIONS and len(ctx.selection) > PICK_OPTIONS:
            st.caption(_("The list offers the {k} most serious of the {n} incidents of the selection (highest known "
                         "toll first): narrow the filters to pick among the others.").format(
                k=ui_lang.current().number(PICK_OPTIONS), n=ui_lang.current().number(len(ctx.selection))))
        st.text_input(_("Story title"), key=TITLE_KEY, max_chars=MAX_TITLE, on_change=_mark_editing)
        ids = st.multiselect(_("Incidents, in the order they are presented"), list(choices["incident_id"]), key=IDS_KEY,
                             format_func=lambda i: labels.get(i, i), on_change=_mark_custom,
                             help=_("The story starts as the filtered incidents, oldest first (at most {k}: above "
                                    "that, the most serious). Add, remove or re-pick incidents: they are presented "
                                    "in the order chosen here.").format(k=DEFAULT_STEPS))
        st.button(_("Use the filtered incidents (oldest first)"), on_click=_follow_filter, args=(filtered_ids,),
                  key="story_follow_filter")
        notes = []
        for n, ident in enumerate(ids, start=1):
            notes.append(st.text_input(common.md_escape(_("Note for step {n} ({id})").format(n=n, id=ident)),
                                       key=note_key(ident), max_chars=MAX_NOTE, on_change=_mark_editing))
        story = Story.of(st.session_state.get(TITLE_KEY) or "", ids, notes)
        st.download_button(_("Save story (JSON)"), data=story.to_json(), file_name="story.json",
                           mime="application/json", key="story_save", on_click="ignore", icon=":material/save:",
                           disabled=not ids)
    return story


def render(ctx: PageContext) -> None:
    st.title(_("Story mode"))
    if ctx.data.public:
        st.warning(_("**Public view** — places are coarsened to the cercle seat or a 0.5° grid."),
                   icon=":material/shield:")
    common.record_statement()
    filtered_ids, _left = default_story_ids(_ranked(ctx), DEFAULT_STEPS)  # the ranking's first are the same
    left = len(ctx.selection) - len(filtered_ids)
    following = not st.session_state.get(CUSTOM_KEY)
    if following and st.session_state.get(IDS_KEY) != filtered_ids:
        st.session_state[IDS_KEY] = filtered_ids  # follow the filter until the user picks incidents
    if following and left:
        t = ui_lang.current()
        st.info(ngettext("This story presents the {k} most serious of the {n} incidents of the selection (highest "
                         "known toll first), oldest first; {left} incident is left out. Narrow the filters or pick "
                         "the incidents to present others.",
                         "This story presents the {k} most serious of the {n} incidents of the selection (highest "
                         "known toll first), oldest first; {left} incidents are left out. Narrow the filters or pick "
                         "the incidents to present others.", left).format(
            k=t.number(len(filtered_ids)), n=t.number(len(ctx.selection)), left=t.number(left)),
            icon=":material/filter_list:")
    story = _editor(ctx, filtered_ids)
    if not len(story):
        st.info(_("The story is empty: pick incidents above, load a story file, or widen the filters."),
                icon=":material/slideshow:")
        _publish(ctx, None)
        return
    n = len(story)
    wanted = st.session_state.get(STEP_KEY) or _step_from_url() or 1
    step = max(1, min(n, wanted))
    st.session_state[STEP_KEY] = step
    frame = story_frame(ctx.all, story)
    current = story.steps[step - 1]
    row = frame.loc[frame["incident_id"] == current.incident_id].iloc[0].to_dict()

    if story.title:
        st.subheader(common.md_escape(story.title))
    c1, c2, c3 = st.columns([1, 6, 1], vertical_alignment="center")
    c1.button(_("◀ Prev"), on_click=_go, args=(step - 1,), disabled=step <= 1, key="story_prev", width="stretch")
    c2.markdown("<div style='text-align:center;font-size:1.3rem'><b>"
                + _("Step {step} of {n}").format(step=step, n=n) + "</b></div>", unsafe_allow_html=True)
    c3.button(_("Next ▶"), on_click=_go, args=(step + 1,), disabled=step >= n, key="story_next", width="stretch")
    if current.note:
        st.html(f'<div class="story-note" style="font-size:1.6rem;line-height:1.3;margin:.3rem 0 .6rem">'
                f"{_html_text(current.note)}</div>")

    left, right = st.columns([3, 2])
    with left:
        point = step_point(frame, current.incident_id)
        view_key = ("story", ui_lang.current().lang, ctx.data.version, ctx.data.public, story.incident_ids, ctx.settings.max_markers,
                    ctx.settings.max_marker_bytes)  # the map shows the story's incidents; the step is dynamic
        rendered = cache.map_payload(view_key, lambda: build_incident_map(
            frame, basemap=cache.basemap(), public=ctx.data.public, max_markers=ctx.settings.max_markers,
            max_marker_bytes=ctx.settings.max_marker_bytes, t=ui_lang.current()))
        foliummap.show(rendered, key=MAP_KEY, height=640, center=point or SEGOU_CENTER,
                       zoom=STEP_ZOOM if point else SEGOU_ZOOM,
                       feature_group=highlight_layer(frame, current.incident_id))
        if point is None:
            st.caption(_("This incident's place is known only to the region (or not located): it is not drawn on "
                         "the map, which shows the whole region."))
    with right:
        card = incident_card_html(row, public=ctx.data.public, width=int(560 / CARD_ZOOM),
                                  reports=ctx.data.reports_of(frame).get(current.incident_id), t=ui_lang.current())
        st.html(f'<div class="story-card" style="zoom:{CARD_ZOOM}">{card}</div>')

    st.divider()
    limit = ctx.settings.limits.briefing_incidents
    spent = common.pdf_budget_spent(ctx)
    if n > limit:
        st.caption(_("A story PDF presents at most {limit} steps; this story has {n}: split it to export it.").format(
            limit=limit, n=n))
    *cols, _rest = st.columns([1] * len(languages()) + [2])
    for col, lang in zip(cols, languages(), strict=True):
        label = _("Story as PDF · {language}").format(language=LANGUAGE_NAMES[lang])
        col.download_button(label, data=common.budgeted(ctx, _story_pdf(ctx, story, lang)),
                            file_name=f"story_{ctx.data.version}_{lang}.pdf", mime=exporter("pdf").mime,
                            key=f"story_pdf_{lang}", on_click="ignore", icon=":material/picture_as_pdf:",
                            width="stretch", disabled=spent or n > limit)
    st.caption(_("Cite this step: add ?{param}={step} to the page address (it is there now). "
                 "Dataset version {version}.").format(param=STEP_PARAM, step=step, version=ctx.data.version))
    _publish(ctx, step)


def _html_text(text: str) -> str:
    """Untrusted note text as HTML: escaped, line breaks kept."""
    return "<br>".join(html.escape(line) for line in text.splitlines())


def _story_pdf(ctx: PageContext, story: Story, lang: str):
    def build() -> bytes:
        request = ExportRequest.of_story(ctx.all, story, version=ctx.data.version, generated_at=datetime.now(UTC),
                                         lang=lang, public=ctx.data.public, basemap=cache.basemap(),
                                         max_listed=ctx.settings.limits.briefing_incidents,
                                         report_level=ctx.data.reports, declared=ctx.data.licences)
        return exporter("pdf").build(request)  # after the licences (docs/licences.md)
    return build
