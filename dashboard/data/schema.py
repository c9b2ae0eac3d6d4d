"""The canonical incident frame: one pandera model, its vocabularies, and the sources codec.

Every adapter (ACLED, UCDP, native files) produces a frame with exactly these columns; nothing downstream
reads anything else. Multi-valued fields are stored as text so that the frame survives CSV, GeoPackage and
Parquet unchanged:

* ``perpetrators`` and ``perpetrator_category`` are ``"; "`` / ``";"``-separated lists;
* ``sources`` is a JSON array of ``{"organisation", "title", "url", "published"}`` objects, each with an optional
  ``"type"`` (:data:`SOURCE_TYPES`) when its file states it; otherwise the type comes from the organisation
  (:mod:`dashboard.data.source_types`).

Unknown stays unknown: fatalities are nullable integers and are never filled with 0.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass

import pandas as pd
import pandera.pandas as pa
from pandera.typing import Series

from dashboard.data import harms as _harms
from dashboard.data.missing import is_blank
from dashboard.errors import Problem, SourceError
from dashboard.i18n import N_

DATE_PRECISIONS = ("day", "week", "month", "year")
GEO_PRECISIONS = (1, 2, 3)
# The smallest unit an incident's location is known to (the map draws a place as a point, a commune or a cercle as
# its outline, and lists region-level incidents); it must agree with geo_precision (see LOCATED_TO_PRECISIONS).
LOCATED_TO = ("place", "commune", "cercle", "region")
LOCATED_TO_PRECISIONS = {"place": (1, 2), "commune": (2,), "cercle": (2,), "region": (3,)}
DEFAULT_LOCATED_TO = {1: "place", 2: "place", 3: "region"}  # when a source says only how precise the place is
# The pre-2023 units an incident is known to lie in (names and P-codes from the COD-AB polygons); the reported
# names stay in admin2/admin3.
UNIT_COLUMNS = ("cercle", "cercle_pcode", "commune", "commune_pcode")
GEO_PRECISION_LABELS = {
    1: "exact place",
    2: "near a named place (approximate)",
    3: "region only",
}
PERPETRATOR_CATEGORIES = (
    "state_forces",
    "foreign_forces",
    "progov_militia",
    "jihadist_group",
    "communal_militia",
    "other_armed_group",
    "unidentified",
)
PERPETRATOR_LABELS = {
    "state_forces": "State forces",
    "foreign_forces": "Foreign forces",
    "progov_militia": "Pro-government militia",
    "jihadist_group": "Jihadist armed group",
    "communal_militia": "Communal militia",
    "other_armed_group": "Other armed group",
    "unidentified": "Unidentified",
}
ATTRIBUTION_BASES = ("witness", "survivor", "claimed", "official", "source_attributed", "unknown")
VERIFICATION_STATUSES = ("confirmed", "corroborated", "reported", "contested")
# Civilian-harm grades on Airwars' scale (dashboard/data/grading.py, docs/grading.md), strongest first; separate from
# the verification status. ``grade_override`` (migration 0008_grading) is a person's grade, with its reason.
GRADES = ("confirmed", "fair", "weak", "contested", "discounted")
# What kind of source a source is (dashboard/bundled/source_types.csv classifies the bundled organisations).
SOURCE_TYPES = ("ngo_investigation", "un", "media", "official_statement", "local_witness", "dataset", "compilation",
                "unknown")
DATASETS = ("segou-curated", "ucdp-ged-21.1", "acled", "ucdp", "user")
EVENT_TYPES = (
    "Violence against civilians",
    "Battles",
    "Explosions/Remote violence",
    "Strategic developments",
    "Riots",
    "Protests",
)
# ACLED's sub-event types of each event type (ACLED codebook); the curated dataset uses only these pairs.
SUB_EVENT_TYPES = {
    "Battles": ("Armed clash", "Government regains territory", "Non-state actor overtakes territory"),
    "Explosions/Remote violence": ("Chemical weapon", "Air/drone strike", "Suicide bomb",
                                   "Shelling/artillery/missile attack", "Remote explosive/landmine/IED", "Grenade"),
    "Violence against civilians": ("Sexual violence", "Attack", "Abduction/forced disappearance"),
    "Strategic developments": ("Agreement", "Arrests", "Change to group/activity", "Disrupted weapons use",
                               "Headquarters or base established", "Looting/property destruction",
                               "Non-violent transfer of territory", "Other"),
    "Riots": ("Violent demonstration", "Mob violence"),
    "Protests": ("Peaceful protest", "Protest with intervention", "Excessive force against protesters"),
}

# Column order of the canonical frame (geometry comes last in the GeoDataFrame; flat files carry
# latitude/longitude in its place).
COLUMNS = (
    "incident_id",
    "event_group",
    "date_start",
    "date_end",
    "date_precision",
    "location",
    "admin1",
    "admin2",
    "admin3",
    *UNIT_COLUMNS,
    "geo_precision",
    "located_to",
    "geocoded_from",
    "event_type",
    "sub_event_type",
    "civilian_targeting",
    "perpetrators",
    "perpetrator_category",
    "attribution_basis",
    "victims",
    "fatalities_min",
    "fatalities_max",
    "fatalities_best",
    "injured",
    "abducted",
    *_harms.HARM_COLUMNS,
    "summary",
    "summary_fr",
    "summary_lang",
    "sources",
    "verification",
    "verification_note",
    "inclusion_note",
    "dataset",
    "source_record_id",
    "grade_override",
    "grade_override_reason",
)
_AFTER_UNITS = COLUMNS.index("commune_pcode") + 1
FLAT_COLUMNS = (*COLUMNS[:_AFTER_UNITS], "latitude", "longitude", *COLUMNS[_AFTER_UNITS:])
REQUIRED_COLUMNS = (
    "incident_id",
    "date_start",
    "date_precision",
    "location",
    "geo_precision",
    "event_type",
    "perpetrator_category",
    "sources",
    "verification",
    "dataset",
)
TEXT_COLUMNS = (
    "event_group",
    "location",
    "admin1",
    "admin2",
    "admin3",
    *UNIT_COLUMNS,
    "located_to",
    "geocoded_from",
    "event_type",
    "sub_event_type",
    "perpetrators",
    "victims",
    "injured",
    "abducted",
    "harms",
    "cause_of_death",
    "summary",
    "summary_fr",
    "summary_lang",
    "verification_note",
    "inclusion_note",
    "source_record_id",
    "grade_override",
    "grade_override_reason",
)
# Not a canonical column: where a file's feature has a geometry that is not a point, the readers put its type here
# ("Polygon") and validation rejects the row (an incident's place is a point, or nothing and geo_precision 3).
GEOMETRY_COLUMN = "_geometry"
# ``summary_lang``: the language ``summary`` is written in, an ISO 639-1 code (two lower-case letters: "en", "fr"),
# empty when not known (never guessed from the text); ``summary_fr``: a French summary written beside ``summary``.
LANGUAGE_CODE = re.compile(r"^[a-z]{2}$")
LANGUAGE_CHECK = N_("an ISO 639-1 language code, two lower-case letters (en, fr), or empty when not known")
# Fields that may identify witnesses or describe how a source knows; dropped in public mode.
INTERNAL_COLUMNS = ("verification_note", "geocoded_from", "source_record_id")

_PARTIAL_DATE = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")
_HTTP_URL = re.compile(r"^https?://[^\s<>\"']+$", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class Source:
    organisation: str
    title: str | None = None
    url: str | None = None
    published: str | None = None
    type: str | None = None  # one of SOURCE_TYPES when the file states it; else derived from the organisation

    def __post_init__(self) -> None:
        if not isinstance(self.organisation, str) or not self.organisation.strip():
            raise SourceError(N_("every source needs an organisation"))
        if self.url is not None and not is_http_url(self.url):
            raise SourceError(N_("source URL must start with http:// or https://, got {url}"), url=repr(self.url))
        if self.published is not None and not _PARTIAL_DATE.match(self.published):
            raise SourceError(N_("source date must be YYYY, YYYY-MM or YYYY-MM-DD, got {date}"), date=repr(self.published))
        if self.type is not None and self.type not in SOURCE_TYPES:
            raise SourceError(N_("source type must be one of {types}, got {type}"), types=", ".join(SOURCE_TYPES),
                              type=repr(self.type))


def is_http_url(value: object) -> bool:
    """True only for absolute http(s) URLs: the only links the app ever makes clickable."""
    return isinstance(value, str) and bool(_HTTP_URL.match(value.strip()))


def parse_sources(cell: object) -> list[Source]:
    """Decode a ``sources`` cell; raises :class:`SourceError` with a readable reason."""
    if not isinstance(cell, str) or not cell.strip():
        raise SourceError(N_("at least one source is required"))
    try:
        raw = json.loads(cell)
    except json.JSONDecodeError as exc:
        raise SourceError(N_("sources is not valid JSON ({why})"), why=exc.msg) from None
    if not isinstance(raw, list) or not raw:
        raise SourceError(N_("sources must be a non-empty JSON list"))
    out = []
    for item in raw:
        if not isinstance(item, dict):
            raise SourceError(N_("each source must be an object with an organisation"))
        unknown = set(item) - {"organisation", "title", "url", "published", "type"}
        if unknown:
            raise SourceError(N_("unknown source field(s): {fields}"), fields=", ".join(sorted(unknown)))
        out.append(
            Source(
                organisation=item.get("organisation"),
                title=_given(item.get("title")),
                url=_given(item.get("url")),
                published=_given(item.get("published")),
                type=_given(item.get("type")),
            )
        )
    return out


def first_link(cell: str) -> tuple[str | None, int]:
    """The first http(s) URL among a stored ``sources`` cell's sources (``None`` when none has one) and how many
    sources it lists: :func:`parse_sources`'s answer for a cell the import has validated, read without checking
    every field again (the Table page reads one cell per incident: 191,710 at a million incidents, 4.7 s with
    :func:`parse_sources` under the profiler, 0.9 s this way)."""
    items = json.loads(cell)
    return next((u for u in (item.get("url") for item in items) if is_http_url(u)), None), len(items)


def dump_sources(sources: Iterable[Source]) -> str:
    items = [{k: v for k, v in asdict(s).items() if v is not None} for s in sources]
    if not items:
        raise SourceError(N_("at least one source is required"))
    return json.dumps(items, ensure_ascii=False)


def _given(value: object) -> object:
    return None if is_blank(value) else value


def split_codes(cell: object) -> list[str]:
    """``"state_forces;progov_militia"`` → ``["state_forces", "progov_militia"]``."""
    if not isinstance(cell, str):
        return []
    return [c.strip() for c in cell.split(";") if c.strip()]


def join_codes(codes: Sequence[str]) -> str:
    return ";".join(dict.fromkeys(codes))


def _sources_ok(cell: object) -> bool:
    try:
        parse_sources(cell)
    except SourceError:
        return False
    return True


def _codes_ok(cell: object) -> bool:
    codes = split_codes(cell)
    return bool(codes) and all(c in PERPETRATOR_CATEGORIES for c in codes)


# A check's message is a plain string (pandera's ``error=``); one that quotes values is kept here as the Problem
# behind it, so that validation says it in the reader's language (dashboard.data.validate.problem_text).
CHECK_PROBLEMS: dict[str, Problem] = {p.message: p for p in (_harms.HARMS_PROBLEM, _harms.CAUSE_PROBLEM)}


def _check_message(problem: Problem) -> str:
    CHECK_PROBLEMS[problem.message] = problem
    return problem.message


def _one_of(values: Iterable[object]) -> dict:
    """An ``isin`` check that says what is allowed."""
    values = tuple(values)
    return {"allowed_values": values, "error": _check_message(Problem(N_("not one of the allowed values: {values}"),
                                                                      values=", ".join(map(str, values))))}


# Row-level checks: their message, and the column a user should look at.
DATE_ORDER = N_("date_end on or after date_start")
TOLL_ORDER = N_("fatalities_max at least fatalities_min")
LOCATED_ORDER = N_("located_to agrees with geo_precision (place: 1 or 2; commune or cercle: 2; region: 3)")
BEST_IN_RANGE = N_("fatalities_best within min..max")
OVERRIDE_REASON = N_("grade_override_reason given with grade_override")
ROW_CHECK_COLUMNS = {DATE_ORDER: "date_end", TOLL_ORDER: "fatalities_max", BEST_IN_RANGE: "fatalities_best",
                     LOCATED_ORDER: "located_to", OVERRIDE_REASON: "grade_override_reason",
                     _harms.PAIR_ORDER: "harms", _harms.BREAKDOWN_IN_TOLL: "fatalities_max",
                     _harms.COUNTED_IS_LISTED: "harms"}
SOURCES_CHECK = N_("JSON list of sources with organisation and http(s) URLs")
CATEGORIES_CHECK = _check_message(Problem(N_("known perpetrator category codes, ;-separated ({codes})"),
                                          codes=", ".join(PERPETRATOR_CATEGORIES)))


class IncidentModel(pa.DataFrameModel):
    """Attributes of one incident (the geometry is checked in :func:`dashboard.data.validate`). Every check carries
    the message a user reads in the rejects file (``error=``)."""

    incident_id: Series[str] = pa.Field(unique=True, str_length={
        "min_value": 1, "max_value": 200, "error": N_("between 1 and 200 characters")})
    event_group: Series[str] = pa.Field(nullable=True)
    date_start: Series[pd.Timestamp]
    date_end: Series[pd.Timestamp]
    date_precision: Series[str] = pa.Field(isin=_one_of(DATE_PRECISIONS))
    location: Series[str] = pa.Field(str_length={"min_value": 1, "error": N_("required value is empty")})
    admin1: Series[str] = pa.Field(nullable=True)
    admin2: Series[str] = pa.Field(nullable=True)
    admin3: Series[str] = pa.Field(nullable=True)
    cercle: Series[str] = pa.Field(nullable=True)
    cercle_pcode: Series[str] = pa.Field(nullable=True)
    commune: Series[str] = pa.Field(nullable=True)
    commune_pcode: Series[str] = pa.Field(nullable=True)
    geo_precision: Series[pd.Int8Dtype] = pa.Field(isin=_one_of(GEO_PRECISIONS))
    located_to: Series[str] = pa.Field(nullable=True, isin=_one_of(LOCATED_TO))  # filled from geo_precision
    geocoded_from: Series[str] = pa.Field(nullable=True)
    event_type: Series[str] = pa.Field(isin=_one_of(EVENT_TYPES))
    sub_event_type: Series[str] = pa.Field(nullable=True)
    civilian_targeting: Series[pd.BooleanDtype] = pa.Field(nullable=True)
    perpetrators: Series[str] = pa.Field(nullable=True)
    perpetrator_category: Series[str] = pa.Field()
    attribution_basis: Series[str] = pa.Field(isin=_one_of(ATTRIBUTION_BASES))
    victims: Series[str] = pa.Field(nullable=True)
    fatalities_min: Series[pd.Int64Dtype] = pa.Field(nullable=True, ge=0)
    fatalities_max: Series[pd.Int64Dtype] = pa.Field(nullable=True, ge=0)
    fatalities_best: Series[pd.Int64Dtype] = pa.Field(nullable=True, ge=0)
    injured: Series[str] = pa.Field(nullable=True)
    abducted: Series[str] = pa.Field(nullable=True)
    # victims and harms (dashboard.data.harms): min–max counts, empty = unknown
    killed_men_min: Series[pd.Int64Dtype] = pa.Field(nullable=True, ge=0)
    killed_men_max: Series[pd.Int64Dtype] = pa.Field(nullable=True, ge=0)
    killed_women_min: Series[pd.Int64Dtype] = pa.Field(nullable=True, ge=0)
    killed_women_max: Series[pd.Int64Dtype] = pa.Field(nullable=True, ge=0)
    killed_sex_unknown_min: Series[pd.Int64Dtype] = pa.Field(nullable=True, ge=0)
    killed_sex_unknown_max: Series[pd.Int64Dtype] = pa.Field(nullable=True, ge=0)
    killed_adults_min: Series[pd.Int64Dtype] = pa.Field(nullable=True, ge=0)
    killed_adults_max: Series[pd.Int64Dtype] = pa.Field(nullable=True, ge=0)
    killed_children_min: Series[pd.Int64Dtype] = pa.Field(nullable=True, ge=0)
    killed_children_max: Series[pd.Int64Dtype] = pa.Field(nullable=True, ge=0)
    killed_age_unknown_min: Series[pd.Int64Dtype] = pa.Field(nullable=True, ge=0)
    killed_age_unknown_max: Series[pd.Int64Dtype] = pa.Field(nullable=True, ge=0)
    injured_min: Series[pd.Int64Dtype] = pa.Field(nullable=True, ge=0)
    injured_max: Series[pd.Int64Dtype] = pa.Field(nullable=True, ge=0)
    abducted_min: Series[pd.Int64Dtype] = pa.Field(nullable=True, ge=0)
    abducted_max: Series[pd.Int64Dtype] = pa.Field(nullable=True, ge=0)
    detained_min: Series[pd.Int64Dtype] = pa.Field(nullable=True, ge=0)
    detained_max: Series[pd.Int64Dtype] = pa.Field(nullable=True, ge=0)
    sexual_violence_min: Series[pd.Int64Dtype] = pa.Field(nullable=True, ge=0)
    sexual_violence_max: Series[pd.Int64Dtype] = pa.Field(nullable=True, ge=0)
    buildings_burned_min: Series[pd.Int64Dtype] = pa.Field(nullable=True, ge=0)
    buildings_burned_max: Series[pd.Int64Dtype] = pa.Field(nullable=True, ge=0)
    livestock_taken_min: Series[pd.Int64Dtype] = pa.Field(nullable=True, ge=0)
    livestock_taken_max: Series[pd.Int64Dtype] = pa.Field(nullable=True, ge=0)
    displaced_min: Series[pd.Int64Dtype] = pa.Field(nullable=True, ge=0)
    displaced_max: Series[pd.Int64Dtype] = pa.Field(nullable=True, ge=0)
    harms: Series[str] = pa.Field(nullable=True)
    cause_of_death: Series[str] = pa.Field(nullable=True)
    summary: Series[str] = pa.Field(nullable=True)
    summary_fr: Series[str] = pa.Field(nullable=True)
    summary_lang: Series[str] = pa.Field(nullable=True, str_matches={"pattern": LANGUAGE_CODE.pattern,
                                                                     "error": LANGUAGE_CHECK})
    sources: Series[str] = pa.Field()
    verification: Series[str] = pa.Field(isin=_one_of(VERIFICATION_STATUSES))
    verification_note: Series[str] = pa.Field(nullable=True)
    inclusion_note: Series[str] = pa.Field(nullable=True)
    dataset: Series[str] = pa.Field(isin=_one_of(DATASETS))
    source_record_id: Series[str] = pa.Field(nullable=True)
    grade_override: Series[str] = pa.Field(nullable=True, isin=_one_of(GRADES))
    grade_override_reason: Series[str] = pa.Field(nullable=True)

    class Config:
        coerce = True
        strict = "filter"
        ordered = False

    @pa.check("perpetrator_category", error=CATEGORIES_CHECK, element_wise=True)
    def _categories(cls, cell: object) -> bool:
        return _codes_ok(cell)

    @pa.check("sources", error=SOURCES_CHECK, element_wise=True)
    def _sources(cls, cell: object) -> bool:
        return _sources_ok(cell)

    @pa.check("harms", error=_harms.HARMS_CHECK, element_wise=True)
    def _harm_codes(cls, cell: object) -> bool:
        return _harms.codes_ok(cell, _harms.HARM_TYPES)

    @pa.check("cause_of_death", error=_harms.CAUSE_CHECK, element_wise=True)
    def _causes(cls, cell: object) -> bool:
        return _harms.codes_ok(cell, _harms.CAUSES_OF_DEATH)

    @pa.dataframe_check(error=_harms.PAIR_ORDER)
    def _harm_order(cls, df: pd.DataFrame) -> Series[bool]:
        return _harms.pair_order(df)

    @pa.dataframe_check(error=_harms.BREAKDOWN_IN_TOLL)
    def _breakdown_in_toll(cls, df: pd.DataFrame) -> Series[bool]:
        return _harms.breakdown_in_toll(df)

    @pa.dataframe_check(error=_harms.COUNTED_IS_LISTED)
    def _counted_is_listed(cls, df: pd.DataFrame) -> Series[bool]:
        return _harms.counted_is_listed(df)

    @pa.dataframe_check(error=DATE_ORDER)
    def _date_order(cls, df: pd.DataFrame) -> Series[bool]:
        return df["date_end"].isna() | df["date_start"].isna() | (df["date_end"] >= df["date_start"])

    @pa.dataframe_check(error=TOLL_ORDER)
    def _toll_order(cls, df: pd.DataFrame) -> Series[bool]:
        lo, hi = df["fatalities_min"], df["fatalities_max"]
        return (lo.isna() | hi.isna() | (hi >= lo)).astype(bool)

    @pa.dataframe_check(error=LOCATED_ORDER)
    def _located_order(cls, df: pd.DataFrame) -> Series[bool]:
        ok = pd.Series(True, index=df.index)
        for unit, precisions in LOCATED_TO_PRECISIONS.items():
            ok &= ~df["located_to"].eq(unit).fillna(False) | df["geo_precision"].isin(precisions).fillna(False)
        return ok.astype(bool)

    @pa.dataframe_check(error=OVERRIDE_REASON)
    def _override_reason(cls, df: pd.DataFrame) -> Series[bool]:
        given = df["grade_override"].notna()
        reason = df["grade_override_reason"].fillna("").astype(str).str.strip().ne("")
        return (~given | reason).astype(bool)

    @pa.dataframe_check(error=BEST_IN_RANGE)
    def _best_in_range(cls, df: pd.DataFrame) -> Series[bool]:
        best, lo, hi = df["fatalities_best"], df["fatalities_min"], df["fatalities_max"]
        ok = best.isna() | ((lo.isna() | (best >= lo)) & (hi.isna() | (best <= hi)))
        return ok.astype(bool)
