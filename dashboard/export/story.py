"""Stories for presentations: a title and an ordered list of incidents, each step with an optional note.

A story is saved as a small JSON file (:meth:`Story.to_json`) and loaded with :func:`Story.from_json`, which
checks everything and raises :class:`StoryError` with a sentence a user can act on (which id is unknown, which
field is wrong). Pure: no Streamlit, no files; the page and the CLI read and write the text.

Also here, for the story page: :func:`default_story_ids` (the bounded default story of a selection),
:func:`story_frame` (the story's incidents in order) and :func:`highlight_layer` (a folium layer circling the current incident, sent to ``st_folium`` as a dynamic
feature group so that stepping does not re-mount the map).
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import partial
from typing import Any

import folium
import geopandas as gpd
import numpy as np
import pandas as pd
from babel.numbers import format_decimal

from dashboard.data.sniff import JsonTooDeep, loads_bounded
from dashboard.errors import StoryError
from dashboard.i18n import N_, Count
from dashboard.viz.maps import plottable

FORMAT = "segou-incident-map/story"
VERSION = 1
MAX_TITLE = 200
MAX_NOTE = 2000
MAX_STEPS = 500
MAX_BYTES = 2 * 2**20  # 500 steps with notes of 2,000 characters fit several times over
MAX_DEPTH = 8  # {"steps": [{"incident_id": ...}]} nests 3 levels
DEFAULT_STEPS = 50  # the default story: at most this many incidents of the selection, the most serious
PICK_OPTIONS = 1000  # incidents the story editor offers to pick from (the most serious of the selection)


def _megabytes(size: int, t) -> str:
    """A size in MB with one decimal, written as the message's language writes decimals ("2.5", "2,5"): a field of a
    :class:`StoryError`, given as ``partial(_megabytes, size)`` so that the error still pickles."""
    return format_decimal(round(size / 2**20, 1), format="0.0", locale=t.lang)


@dataclass(frozen=True, slots=True)
class StoryStep:
    incident_id: str
    note: str = ""

    def __post_init__(self) -> None:
        if not isinstance(self.incident_id, str) or not self.incident_id.strip():
            raise StoryError(N_("every step needs an incident_id (text)"))
        if not isinstance(self.note, str):
            raise StoryError(N_("the note of step {step} must be text"), step=repr(self.incident_id))
        if len(self.note) > MAX_NOTE:
            raise StoryError(N_("the note of step {step} is longer than {limit} characters"), step=repr(self.incident_id),
                             limit=Count(MAX_NOTE))
        object.__setattr__(self, "incident_id", self.incident_id.strip())
        object.__setattr__(self, "note", self.note.strip())


@dataclass(frozen=True, slots=True)
class Story:
    title: str
    steps: tuple[StoryStep, ...] = field(default_factory=tuple)

    def __post_init__(self) -> None:
        if not isinstance(self.title, str):
            raise StoryError(N_("the story title must be text"))
        title = self.title.strip()
        if len(title) > MAX_TITLE:
            raise StoryError(N_("the story title is longer than {limit} characters"), limit=Count(MAX_TITLE))
        steps = tuple(self.steps)
        if len(steps) > MAX_STEPS:
            raise StoryError(N_("a story has at most {limit} steps, this one has {n}"), limit=Count(MAX_STEPS),
                             n=Count(len(steps)))
        seen: set[str] = set()
        for n, step in enumerate(steps, start=1):
            if not isinstance(step, StoryStep):
                raise StoryError(N_("step {n} is not a story step"), n=n)
            if step.incident_id in seen:
                raise StoryError(N_("incident {id} appears twice (step {n}); each incident is one step"),
                                 id=repr(step.incident_id), n=n)
            seen.add(step.incident_id)
        object.__setattr__(self, "title", title)
        object.__setattr__(self, "steps", steps)

    @classmethod
    def of(cls, title: str, incident_ids: Iterable[str], notes: Iterable[str] | None = None) -> Story:
        ids = list(incident_ids)
        texts = list(notes) if notes is not None else []
        texts += [""] * (len(ids) - len(texts))
        return cls(title=title, steps=tuple(StoryStep(i, n or "") for i, n in zip(ids, texts, strict=False)))

    @property
    def incident_ids(self) -> tuple[str, ...]:
        return tuple(s.incident_id for s in self.steps)

    @property
    def notes(self) -> tuple[str, ...]:
        return tuple(s.note for s in self.steps)

    def __len__(self) -> int:
        return len(self.steps)

    def check_ids(self, known: Iterable[str]) -> None:
        """Raise :class:`StoryError` naming the ids of this story that are not in ``known``."""
        known_set = set(known)
        missing = [i for i in self.incident_ids if i not in known_set]
        if missing:
            if len(missing) > 10:
                raise StoryError(N_("{n} incident id(s) of the story are not in this dataset: {ids} and {more} more"),
                                 n=Count(len(missing)), ids=", ".join(missing[:10]), more=Count(len(missing) - 10))
            raise StoryError(N_("{n} incident id(s) of the story are not in this dataset: {ids}"),
                             n=Count(len(missing)), ids=", ".join(missing))

    def to_dict(self) -> dict[str, Any]:
        return {
            "format": FORMAT,
            "version": VERSION,
            "title": self.title,
            "steps": [{"incident_id": s.incident_id, **({"note": s.note} if s.note else {})} for s in self.steps],
        }

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), ensure_ascii=False, indent=2) + "\n"

    @classmethod
    def from_json(cls, text: str | bytes, known_ids: Iterable[str] | None = None) -> Story:
        """Parse a story file; with ``known_ids``, every incident must be among them."""
        raw = text.encode("utf-8") if isinstance(text, str) else text
        if len(raw) > MAX_BYTES:
            raise StoryError(N_("the story file is {size} MB, more than a story of {steps} steps needs ({limit} MB at "
                                "most)"), size=partial(_megabytes, len(raw)), steps=Count(MAX_STEPS), limit=Count(MAX_BYTES // 2**20))
        try:
            doc = loads_bounded(raw, MAX_DEPTH)
        except UnicodeDecodeError:
            raise StoryError(N_("the story file is not UTF-8 text")) from None
        except JsonTooDeep as exc:
            raise StoryError(N_("the story file nests {depth} levels deep; a story needs {limit} at most"),
                             depth=Count(exc.depth), limit=Count(MAX_DEPTH)) from None
        except json.JSONDecodeError as exc:
            raise StoryError(N_("the story file is not valid JSON (line {line}: {why})"), line=Count(exc.lineno),
                             why=exc.msg) from None
        if not isinstance(doc, dict):
            raise StoryError(N_('a story file is a JSON object {shape}'), shape='{"title": ..., "steps": [...]}')
        if doc.get("format", FORMAT) != FORMAT:
            raise StoryError(N_("not a story file (format {format}, expected {expected})"), format=repr(doc.get("format")),
                             expected=repr(FORMAT))
        if doc.get("version", VERSION) != VERSION:
            raise StoryError(N_("story file version {version} is not supported (expected {expected})"),
                             version=repr(doc.get("version")), expected=VERSION)
        unknown = set(doc) - {"format", "version", "title", "steps"}
        if unknown:
            raise StoryError(N_("unknown field(s) in the story file: {fields}"), fields=", ".join(sorted(unknown)))
        steps = doc.get("steps")
        if not isinstance(steps, list) or not steps:
            raise StoryError(N_('the story has no steps: "steps" must be a non-empty list'))
        parsed = []
        for n, item in enumerate(steps, start=1):
            if isinstance(item, str):
                item = {"incident_id": item}
            if not isinstance(item, dict):
                raise StoryError(N_("step {n} must be an object {shape}"), n=n, shape='{"incident_id": ..., "note": ...}')
            extra = set(item) - {"incident_id", "note"}
            if extra:
                raise StoryError(N_("step {n} has unknown field(s): {fields}"), n=n, fields=", ".join(sorted(extra)))
            if not isinstance(item.get("incident_id"), str) or not item["incident_id"].strip():
                raise StoryError(N_("step {n} has no incident_id"), n=n)
            note = item.get("note") or ""
            if not isinstance(note, str):
                raise StoryError(N_("the note of step {step} must be text"), step=n)
            parsed.append(StoryStep(item["incident_id"], note))
        title = doc.get("title", "")
        if not isinstance(title, str):
            raise StoryError(N_("the story title must be text"))
        story = cls(title=title, steps=tuple(parsed))
        if known_ids is not None:
            story.check_ids(known_ids)
        return story


def most_serious_first(incidents: pd.DataFrame, k: int) -> pd.DataFrame:
    """The ``k`` most serious of ``incidents`` in the order the PDF briefing ranks them (highest known toll: the
    lower bound, then the upper bound, unknown last; then oldest first, then by id). All of them when ``k`` is not
    smaller. Ranks with one ``numpy.lexsort`` of the numeric keys and sorts only the top ``k``'s ties by id, so a
    selection of a million incidents costs a fraction of a second (a full ``sort_values`` on four keys, one of them
    text, costs several)."""
    if len(incidents) <= k:
        picked = incidents
    else:
        lo = incidents["fatalities_min"].to_numpy(dtype=float, na_value=np.nan)
        hi = incidents["fatalities_max"].to_numpy(dtype=float, na_value=np.nan)
        day = incidents["date_start"].to_numpy(dtype="datetime64[ns]").astype(np.int64)
        # descending tolls, unknown last: negate, and an unknown one (NaN) becomes +inf
        order = np.lexsort((day, np.nan_to_num(-hi, nan=np.inf), np.nan_to_num(-lo, nan=np.inf)))
        cut = order[:k]
        last = (lo[cut[-1]], hi[cut[-1]], day[cut[-1]])  # the boundary's key: ties there are settled by id
        same = order[k:][(np.isclose(lo[order[k:]], last[0], equal_nan=True)
                          & np.isclose(hi[order[k:]], last[1], equal_nan=True) & (day[order[k:]] == last[2]))]
        picked = incidents.iloc[np.concatenate([cut, same])] if len(same) else incidents.iloc[cut]
    ranked = picked.assign(_lo=picked["fatalities_min"], _hi=picked["fatalities_max"]).sort_values(
        ["_lo", "_hi", "date_start", "incident_id"], ascending=[False, False, True, True], na_position="last",
        kind="stable")
    return ranked.head(k).drop(columns=["_lo", "_hi"])


def default_story_ids(incidents: pd.DataFrame, limit: int = DEFAULT_STEPS) -> tuple[list[str], int]:
    """The default story of a selection: its ``limit`` most serious incidents (:func:`most_serious_first`),
    presented oldest first, and how many of the selection it leaves out (0 when it holds them all)."""
    chosen = most_serious_first(incidents, limit).sort_values(["date_start", "incident_id"], kind="stable")
    return [str(i) for i in chosen["incident_id"]], len(incidents) - len(chosen)


def story_frame(incidents: gpd.GeoDataFrame, story: Story) -> gpd.GeoDataFrame:
    """The story's incidents, in the story's order (raises :class:`StoryError` for unknown ids)."""
    position = {ident: n for n, ident in enumerate(story.incident_ids)}
    chosen = incidents.loc[incidents["incident_id"].isin(position)]
    if len(chosen) < len(position):  # name the unknown ids (without a set of every id of a large record)
        story.check_ids(chosen["incident_id"])
    order = chosen["incident_id"].map(position).sort_values(kind="stable").index
    return chosen.loc[order]


def step_point(incidents: gpd.GeoDataFrame, incident_id: str) -> tuple[float, float] | None:
    """(lat, lon) of an incident the map draws (a point finer than the region), else ``None``."""
    drawn = plottable(incidents.loc[incidents["incident_id"] == incident_id])
    if drawn.empty:
        return None
    point = drawn.geometry.iloc[0]
    return float(point.y), float(point.x)


def highlight_layer(incidents: gpd.GeoDataFrame, incident_id: str) -> folium.FeatureGroup:
    """A layer with a bold ring around the current step's incident (empty when it has no point)."""
    group = folium.FeatureGroup(name="Current step", control=False)
    point = step_point(incidents, incident_id)
    if point is not None:
        folium.CircleMarker(point, radius=22, color="#111111", weight=4, fill=False, opacity=0.9,
                            interactive=False, class_name="story-current").add_to(group)
        folium.CircleMarker(point, radius=27, color="#FFD400", weight=3, fill=False, opacity=0.9,
                            interactive=False, class_name="story-current-halo").add_to(group)
    return group
