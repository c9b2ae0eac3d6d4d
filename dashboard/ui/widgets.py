"""Sidebar filter widgets → FilterSpec, one widget per registered filter (:data:`dashboard.query.registry.FILTERS`).

:func:`capture_downloads` offers the selected incident's preserved source copies.

Widget state lives under ``f_<filter name>`` (:func:`key`); the URL seeds it once. Each filter's ``kind`` decides its
widget and ``sidebar`` where it goes: the top of the sidebar, the "More filters" expander (drawn only once opened:
:data:`MORE_OPEN_KEY`), or the bottom. A multiselect lists at most :data:`~dashboard.query.registry.OPTIONS_SHOWN`
values (:func:`offered`; past it a text box narrows the list).
"""

from __future__ import annotations

from collections.abc import Sequence
from itertools import islice
from pathlib import Path
from typing import Any

import streamlit as st

from dashboard.data.captures import Capture, CaptureError, read_blob
from dashboard.query import registry
from dashboard.query.registry import DATE_RANGE, FILTERS, Filter
from dashboard.query.spec import FilterSpec
from dashboard.ui.lang import _, current, ngettext

MORE_OPEN_KEY = "more_filters_open"  # "More filters" draws its widgets only once opened (Streamlit's lazy expander):
# closed, its dozen multiselects were still drawn on every page, about 0.1 s of a new session (docs/benchmarks.md);
# their values stay in the session state meanwhile (Streamlit drops a widget's state when the widget is not drawn in
# a run, unless the key is set again: the documented way to keep it)
DATE_BOUNDS = DATE_RANGE  # what a link or an option may name too: a URL's date outside it is refused with a sentence


def key(f: Filter) -> str:
    return f"f_{f.name}"


def narrow_key(f: Filter) -> str:
    """The text that narrows a long option list (:func:`offered`)."""
    return f"f_{f.name}_narrow"


def choices(f: Filter, options: dict[str, list]) -> list | None:
    """What the widget offers: the filter's fixed choices, else the data's values (None: free input)."""
    if f.choices:
        return list(f.choices)
    return options.get(f.field) if f.options else None


def offered(values: list, selected: Sequence, narrow: str, shown, limit: int) -> list:
    """What a multiselect lists of ``values``: all of them up to ``limit``; past it the selected ones (a link may name
    any value the data holds: it stays selected and shown) and the first ``limit`` whose label contains ``narrow``
    (any case), in the data's order. Streamlit's multiselect filters its list only in the browser, after receiving
    all of it: a list that grows with the record would be sent whole on every run."""
    if len(values) <= limit:
        return values
    needle = narrow.strip().casefold()
    matches = (v for v in values if needle in str(shown(v)).casefold())
    picked = set(selected)
    first = list(islice((v for v in matches if v not in picked), limit))
    chosen = picked | set(first)
    return [v for v in values if v in chosen]


def to_widget(f: Filter, value: Any) -> Any:
    """A spec value as the widget holds it."""
    if f.kind == "set":
        return sorted(value)
    if f.kind == "count":
        return 0 if value is None else value
    return value


def from_widget(f: Filter, value: Any) -> Any:
    """What a widget holds as a spec value."""
    if f.kind == "set":
        return frozenset(value or ())
    if f.kind == "count":
        return int(value or 0) or None
    if f.kind == "text":
        return value or ""
    if f.kind == "flag":
        return bool(value)
    if f.kind == "choice":
        return value or f.empty
    return value or None


def seed_from(spec: FilterSpec, options: dict[str, list] | None = None) -> list[str]:
    """Put a spec (from the URL) into the widgets' state, before the widgets exist; returns dropped values (those a
    link names that the data's choices lack)."""
    dropped: list[str] = []
    for f in FILTERS:
        value = getattr(spec, f.field)
        allowed = choices(f, options or {}) if f.kind == "set" and f.options else None
        if allowed is not None:
            dropped += sorted(str(v) for v in value if v not in allowed)
            value = frozenset(v for v in value if v in allowed)
        st.session_state[key(f)] = to_widget(f, value)
    return dropped


def reset_filters() -> None:
    seed_from(FilterSpec())
    for f in FILTERS:
        st.session_state.pop(narrow_key(f), None)


def _draw(f: Filter, where, options: dict[str, list]) -> Any:
    label, helped = _(f.label), _(f.help)  # the registry's English, in the session's language
    t = current()
    shown = (lambda value: f.choice_label(value, t)) if f.choice_label else str
    if f.kind == "date":
        lo, hi = DATE_BOUNDS
        return where.date_input(label, key=key(f), min_value=lo, max_value=hi, format="YYYY-MM-DD", help=helped)
    if f.kind == "set":
        values, limit = choices(f, options) or [], registry.OPTIONS_SHOWN
        narrow = ""
        if len(values) > limit:
            narrow = where.text_input(_("Find in the list of {label}").format(label=label), key=narrow_key(f),
                                      placeholder=_("Type a few letters"))
            where.caption(ngettext("{n} value; the list shows the selected ones and the first {limit} that "
                                   "contain the text above.",
                                   "{n} values; the list shows the selected ones and the first {limit} that "
                                   "contain the text above.", len(values)).format(
                n=t.number(len(values)), limit=t.number(limit)))
        listed = offered(values, st.session_state.get(key(f)) or (), narrow or "", shown, limit)
        return where.multiselect(label, listed, key=key(f), help=helped, format_func=shown,
                                 placeholder=_("Choose options"))
    if f.kind == "count":
        return where.number_input(label, min_value=0, step=1, key=key(f), help=helped)
    if f.kind == "choice":
        return where.radio(label, f.choices, key=key(f), help=helped, format_func=shown)
    if f.kind == "text":
        return where.text_input(label, key=key(f), help=helped)
    return where.checkbox(label, key=key(f), help=helped)


def filters(options: dict[str, list]) -> FilterSpec:
    """Draw the filters in the sidebar and return what they select."""
    sb = st.sidebar
    sb.header(_("Filters"))
    values: dict[str, Any] = {}
    for group in ("top", "more", "bottom"):
        chosen = [f for f in FILTERS if f.sidebar == group]
        if group == "more":
            box = sb.expander(_("More filters"), key=MORE_OPEN_KEY, on_change="rerun")
            for f in chosen:
                if key(f) in st.session_state:  # kept while the box is closed (its widgets are not drawn then)
                    st.session_state[key(f)] = st.session_state[key(f)]
                if box.open:
                    with box:
                        values[f.field] = from_widget(f, _draw(f, st, options))
                else:
                    values[f.field] = from_widget(f, st.session_state.get(key(f)))
        else:
            for f in chosen:
                values[f.field] = from_widget(f, _draw(f, sb, options))
    if values["start"] and values["end"] and values["end"] < values["start"]:
        sb.warning(_("'To' is before 'From': the end date is ignored."))
        values["end"] = None
    sb.button(_("Clear all filters"), on_click=reset_filters, width="stretch")
    return FilterSpec(**values)


def capture_downloads(captures: Sequence[Capture], root: Path | None) -> None:
    """A download button per preserved copy of the selected incident's sources that this server holds (the file is
    read and checked against its SHA-256); a caption for those it does not hold."""
    if not captures:
        return
    missing = 0
    for c in captures:
        try:
            data = read_blob(root, c, current())
        except CaptureError as exc:
            st.error(str(exc))
            continue
        if data is None:
            missing += 1
            continue
        st.download_button(_("Local copy: {media_type}, sha256 {sha256}…").format(media_type=c.media_type,
                                                                                  sha256=c.sha256[:12]),
                           data=data, file_name=c.file_name, mime=c.media_type, key=f"capture-{c.capture_id}",
                           on_click="ignore")
    if missing:
        st.caption(ngettext("{n} preserved copy is not on this server (its captures folder does not hold it).",
                            "{n} preserved copies are not on this server (its captures folder does not hold them).",
                            missing).format(n=missing))
