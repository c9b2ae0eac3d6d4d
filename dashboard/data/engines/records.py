"""Record types a store holds, and the one flat form every engine reads, writes, hashes and records in history.

A *record type* is a small declaration: its table, its key, its fields (in order, with their kind), whether it
has a point, and how a batch of candidate records is checked. The engines handle every declared type the same
way (insert / update / delete in a change set, a version per record, a history row per changed field), so a new
type is one Alembic migration (its table, on both engines) plus one :class:`RecordType` added to
:data:`RECORD_TYPES` (issue 16's source captures arrived that way).

* ``incident``: each row is a *report* of one dataset (``dataset`` + ``source_record_id``), with the canonical
  columns of :mod:`dashboard.data.schema` and a WGS84 point.
* ``licence`` (migration 0005, issue 16): the licence declared at import for a report of a user file (its
  attribution line, whether its rows may be redistributed, who declared it and when); not part of the version.
* ``workflow`` (migration 0006_workflow, issue 14): a report's status in the review workflow (draft, in review,
  published, withdrawn) and the comment or reason that goes with it. A report with no workflow record is
  published (every record stored before the workflow existed was public); imports and the forms write ``draft``.
* ``capture`` and ``custody`` (migration 0007_captures, issue 16): a preserved copy of a report's source (its
  SHA-256, size, media type, URLs, who captured it, when and how; the bytes live content-addressed outside the
  database, :mod:`dashboard.data.captures`) and the custody log of the captures (collected, attached, transferred,
  exported); not part of the version.
* ``response`` (migration 0008_grading, issue 16): a dated statement by the accused party about an incident
  (denial, admission, announced inquiry) with the URL that reports it (:mod:`dashboard.data.responses`); part of
  the version, since it changes the incident's grade.
* ``decision`` (migration 0003, issue 12): a reconciliation decision about two reports (linked, kept apart, or
  pending review), with who decided, when, why, and the rule's score and evidence
  (:class:`dashboard.data.reconcile.decisions.Decision`). Linking, keeping apart and unlinking are change sets of
  decision records, so the history says who grouped which reports, when and why.

The dataset version covers what every view counts: the incidents' content and the *linked* pairs of decisions
(each type's ``hash_rows``); a pending or kept-apart decision changes no count, so it leaves the version alone.

The flat form of a record is a dict of plain values: text, whole numbers, booleans, ``"YYYY-MM-DD"`` dates,
``latitude``/``longitude`` floats, ``None`` for unknown. History stores these values as JSON.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Literal

import numpy as np
import pandas as pd

from dashboard.data.harms import COUNT_COLUMNS, HARM_COLUMNS, HARM_TYPES
from dashboard.data.schema import FLAT_COLUMNS
from dashboard.data.validate import SAID_COLUMN
from dashboard.errors import Problem
from dashboard.i18n import N_

Kind = Literal["text", "int", "bool", "date", "float"]


@dataclass(frozen=True)
class Checked:
    """Candidate records split into valid flat records (by key) and problems (row, column, problem)."""

    records: dict[str, dict]
    problems: pd.DataFrame


@dataclass(frozen=True)
class RecordType:
    name: str  # "incident": what the CLI and history call it
    table: str  # the table (a GeoPackage layer / PostGIS table)
    key: str  # the field that identifies a record
    fields: tuple[tuple[str, Kind], ...]  # flat fields in order (``latitude``/``longitude`` = the point)
    point: bool  # latitude/longitude are stored as a POINT geometry (SRID 4326) in column ``geom``
    check: Callable[[list[dict]], Checked]  # validation of candidate flat records (the import's rules)
    natural_key: tuple[str, ...] = ()  # another identity: a record whose natural key is stored is a duplicate
    # fields computed from others, refreshed when an edit changes what they come from: (record, changed) -> record
    derive: Callable[[dict, Mapping[str, object]], dict] | None = None
    # each record's part of the dataset version (64-bit hashes, 0 for none); None: the type is not part of it
    hash_rows: Callable[[Sequence[dict]], np.ndarray] | None = None

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(name for name, _ in self.fields)

    @property
    def columns(self) -> tuple[str, ...]:
        """Stored columns other than the geometry (the point fields live in ``geom``)."""
        return tuple(n for n in self.names if not (self.point and n in ("latitude", "longitude")))


_INT = {"geo_precision", "fatalities_min", "fatalities_max", "fatalities_best", *COUNT_COLUMNS}
_DATE = {"date_start", "date_end"}


def _kind(name: str) -> Kind:
    if name in _INT:
        return "int"
    if name in _DATE:
        return "date"
    if name == "civilian_targeting":
        return "bool"
    if name in ("latitude", "longitude"):
        return "float"
    return "text"


def _check_incidents(records: list[dict]) -> Checked:
    """The import's validation (pandera model, import rules for today) on flat records."""
    from dashboard.data.validate import validate_flat  # the store layer imports this module

    flat = pd.DataFrame.from_records(records, columns=list(FLAT_COLUMNS))
    flat.index = pd.RangeIndex(1, len(flat) + 1, name="row")
    result = validate_flat(flat, source_name="change", today=date.today())
    valid = frame_records(result.valid)
    return Checked(records={r["incident_id"]: r for r in valid}, problems=result.rejects)


_PLACE_FIELDS = {"latitude", "longitude", "geo_precision", "admin1", "admin2", "admin3"}


def _derive_units(record: dict, changed: Mapping[str, object]) -> dict:
    """An edit of the point, the geo precision or the reported names recomputes the incident's cercle and commune
    (and, when the precision changed, ``located_to`` from it), unless the edit sets those fields itself: they are
    computed from the others (:mod:`dashboard.data.units`), never left saying what the old place said."""
    from dashboard.data.schema import UNIT_COLUMNS
    from dashboard.data.units import assign_units

    derived = {*UNIT_COLUMNS, "located_to"}
    if not (_PLACE_FIELDS & set(changed)) or derived & set(changed):
        return record
    out = {**record, **dict.fromkeys(UNIT_COLUMNS)}
    if "geo_precision" in changed:
        out["located_to"] = None
    frame = assign_units(pd.DataFrame([out]))
    row = frame.iloc[0]
    return {**out, **{c: (None if pd.isna(row[c]) else row[c]) for c in derived}}


INCIDENT = RecordType(
    name="incident",
    table="incidents",
    key="incident_id",
    fields=tuple((name, _kind(name)) for name in FLAT_COLUMNS),
    point=True,
    check=_check_incidents,
    natural_key=("dataset", "source_record_id"),
    derive=_derive_units,
    hash_rows=lambda records: records_hash(records),
)

DECISION_VERDICTS = ("linked", "apart", "pending")
_REQUIRED = N_("is required")


def _one_of(values: Sequence[str]) -> Problem:
    return Problem(N_("must be one of {values}"), values=", ".join(values))


def _problems(found: list[tuple]) -> pd.DataFrame:
    """(row, column, problem, value) → the problems table: each problem's English text (``problem``), and the
    :class:`Problem` behind it where it has fields (``said``, as validation's rejects carry it)."""
    rows = [(row, column, p.message if isinstance(p, Problem) else p, value, p if isinstance(p, Problem) else None)
            for row, column, p, value in found]
    return pd.DataFrame(rows, columns=["row", "column", "problem", "value", SAID_COLUMN])


def _check_decisions(records: list[dict]) -> Checked:
    """A decision names two different reports (``a`` < ``b``), a known verdict, an author, a time and a reason."""
    good, problems = {}, []
    for row, r in enumerate(records, start=1):
        issues = [(c, _REQUIRED) for c in ("decision_id", "a", "b", "verdict", "author", "at", "reason")
                  if not (isinstance(r.get(c), str) and r[c].strip())]
        if not issues and r["verdict"] not in DECISION_VERDICTS:
            issues.append(("verdict", _one_of(DECISION_VERDICTS)))
        if not issues and not r["a"] < r["b"]:
            issues.append(("b", N_("must name another report, after a")))
        problems.extend((row, c, p, r.get(c)) for c, p in issues)
        if not issues:
            good[r["decision_id"]] = r
    return Checked(records=good, problems=_problems(problems))


def decision_hashes(records: Sequence[dict]) -> np.ndarray:
    """A decision's part of the dataset version: a hash of its pair when it links them, 0 otherwise."""
    if not len(records):
        return np.zeros(0, dtype=np.uint64)
    linked = np.array([r.get("verdict") == "linked" for r in records], dtype=bool)
    texts = pd.Series([f"linked\x00{r.get('a')}\x00{r.get('b')}" for r in records], dtype=object)
    hashes = pd.util.hash_pandas_object(texts, index=False, categorize=False).to_numpy(np.uint64)
    return np.where(linked, hashes, np.uint64(0))


DECISION = RecordType(
    name="decision",
    table="decisions",
    key="decision_id",
    fields=(("decision_id", "text"), ("a", "text"), ("b", "text"), ("verdict", "text"), ("author", "text"),
            ("at", "text"), ("reason", "text"), ("score", "int"), ("evidence", "text")),
    point=False,
    check=_check_decisions,
    hash_rows=decision_hashes,
)

def _check_licences(records: list[dict]) -> Checked:
    """A declared licence names a report, a licence, whether rows may be redistributed, who declared it and when."""
    good, problems = {}, []
    for row, r in enumerate(records, start=1):
        issues = [(c, _REQUIRED) for c in ("report_id", "licence", "declared_by", "declared_at")
                  if not (isinstance(r.get(c), str) and r[c].strip())]
        if not isinstance(r.get("redistribute"), bool):
            issues.append(("redistribute", N_("must be true or false")))
        problems.extend((row, c, p, r.get(c)) for c, p in issues)
        if not issues:
            good[r["report_id"]] = r
    return Checked(records=good, problems=_problems(problems))


LICENCE = RecordType(  # migration 0005: the licence declared at import for a report of a user file
    name="licence",
    table="licences",
    key="report_id",
    fields=(("report_id", "text"), ("licence", "text"), ("attribution", "text"), ("redistribute", "bool"),
            ("declared_by", "text"), ("declared_at", "text")),
    point=False,
    check=_check_licences,
    hash_rows=None,  # read with every load (like the decisions); an import that declares one changes the version
)

CAPTURE_METHODS = ("fetched", "attached")
CUSTODY_ACTIONS = ("collected", "attached", "transferred", "exported")
_SHA256 = frozenset("0123456789abcdef")
_MEDIA_TYPE = re.compile(r"[a-z0-9][a-z0-9!#$&^_.+-]{0,62}/[a-z0-9][a-z0-9!#$&^_.+-]{0,126}")


def _check_captures(records: list[dict]) -> Checked:
    """A capture names a report, the source URL it preserves, the SHA-256 (64 lower-case hex digits) and size of
    its bytes, a media type, who captured it, when and how (fetched or attached)."""
    good, problems = {}, []
    for row, r in enumerate(records, start=1):
        issues = [(c, _REQUIRED) for c in ("capture_id", "report_id", "sha256", "media_type", "captured_by",
                                               "captured_at", "method")
                  if not (isinstance(r.get(c), str) and r[c].strip())]
        if not issues and (len(r["sha256"]) != 64 or not set(r["sha256"]) <= _SHA256):
            issues.append(("sha256", N_("must be 64 lower-case hexadecimal digits")))
        if not issues and not _MEDIA_TYPE.fullmatch(r["media_type"]):
            issues.append(("media_type", N_("must be a media type such as text/html")))
        if not issues and r["method"] not in CAPTURE_METHODS:
            issues.append(("method", _one_of(CAPTURE_METHODS)))
        if not isinstance(r.get("size"), int) or r["size"] < 0:
            issues.append(("size", N_("must be a whole number of bytes")))
        problems.extend((row, c, p, r.get(c)) for c, p in issues)
        if not issues:
            good[r["capture_id"]] = r
    return Checked(records=good, problems=_problems(problems))


CAPTURE = RecordType(  # migration 0007_captures: a preserved copy of a report's source (the bytes are outside)
    name="capture",
    table="captures",
    key="capture_id",
    fields=(("capture_id", "text"), ("report_id", "text"), ("source_url", "text"), ("sha256", "text"),
            ("size", "int"), ("media_type", "text"), ("url", "text"), ("archive_url", "text"),
            ("captured_by", "text"), ("captured_at", "text"), ("method", "text")),
    point=False,
    check=_check_captures,
    hash_rows=None,  # a capture changes no count; the store's revision still moves, so every reader sees it
)


def _check_custody(records: list[dict]) -> Checked:
    """A custody event names a capture, a known action, who and when."""
    good, problems = {}, []
    for row, r in enumerate(records, start=1):
        issues = [(c, _REQUIRED) for c in ("event_id", "capture_id", "action", "actor", "at")
                  if not (isinstance(r.get(c), str) and r[c].strip())]
        if not issues and r["action"] not in CUSTODY_ACTIONS:
            issues.append(("action", _one_of(CUSTODY_ACTIONS)))
        problems.extend((row, c, p, r.get(c)) for c, p in issues)
        if not issues:
            good[r["event_id"]] = r
    return Checked(records=good, problems=_problems(problems))


CUSTODY = RecordType(  # migration 0007_captures: the custody log of the captures (collected, exported, ...)
    name="custody",
    table="custody",
    key="event_id",
    fields=(("event_id", "text"), ("capture_id", "text"), ("action", "text"), ("actor", "text"), ("at", "text"),
            ("detail", "text")),
    point=False,
    check=_check_custody,
    hash_rows=None,
)


RESPONSE_KINDS = ("denial", "admission", "inquiry")
_PARTIAL_DAY = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")


def _partial_day(text: str) -> bool:
    """YYYY, YYYY-MM or YYYY-MM-DD naming a real month or day."""
    if not _PARTIAL_DAY.match(text):
        return False
    try:
        date.fromisoformat((text + "-01-01")[:10] if len(text) < 10 else text)
    except ValueError:
        return False
    return True


def _check_responses(records: list[dict]) -> Checked:
    """A response names an incident, a date (YYYY, YYYY-MM or YYYY-MM-DD), who spoke, a known kind, an http(s) URL
    that reports it, who recorded it and when."""
    from dashboard.data.schema import is_http_url

    good, problems = {}, []
    for row, r in enumerate(records, start=1):
        issues = [(c, _REQUIRED) for c in ("response_id", "incident_id", "date", "party", "kind", "url",
                                               "recorded_by", "recorded_at")
                  if not (isinstance(r.get(c), str) and r[c].strip())]
        given = {c for c in ("date", "kind", "url") if isinstance(r.get(c), str) and r[c].strip()}
        if "kind" in given and r["kind"] not in RESPONSE_KINDS:
            issues.append(("kind", _one_of(RESPONSE_KINDS)))
        if "date" in given and not _partial_day(r["date"]):
            issues.append(("date", N_("must be YYYY, YYYY-MM or YYYY-MM-DD")))
        if "url" in given and not is_http_url(r["url"]):
            issues.append(("url", N_("must start with http:// or https://")))
        problems.extend((row, c, p, r.get(c)) for c, p in issues)
        if not issues:
            good[r["response_id"]] = r
    return Checked(records=good, problems=_problems(problems))


def response_hashes(records: Sequence[dict]) -> np.ndarray:
    """A response's part of the dataset version (it changes the incident's grade): a hash of all its fields."""
    if not len(records):
        return np.zeros(0, dtype=np.uint64)
    texts = pd.Series(["response\x00" + to_json({n: r.get(n) for n, _ in RESPONSE.fields}) for r in records],
                      dtype=object)
    return pd.util.hash_pandas_object(texts, index=False, categorize=False).to_numpy(np.uint64)


RESPONSE = RecordType(  # migration 0008_grading: what the accused party said about an incident
    name="response",
    table="responses",
    key="response_id",
    fields=(("response_id", "text"), ("incident_id", "text"), ("date", "text"), ("party", "text"), ("kind", "text"),
            ("url", "text"), ("note", "text"), ("recorded_by", "text"), ("recorded_at", "text")),
    point=False,
    check=_check_responses,
    hash_rows=response_hashes,
)


WORKFLOW_STATUSES = ("draft", "in_review", "published", "withdrawn")


def _check_workflow(records: list[dict]) -> Checked:
    """A workflow record names a report and one of :data:`WORKFLOW_STATUSES` (``note``: the comment or reason)."""
    good, problems = {}, []
    for row, r in enumerate(records, start=1):
        issues = [] if isinstance(r.get("incident_id"), str) and r["incident_id"].strip() else [
            ("incident_id", _REQUIRED)]
        if r.get("status") not in WORKFLOW_STATUSES:
            issues.append(("status", _one_of(WORKFLOW_STATUSES)))
        problems.extend((row, c, p, r.get(c)) for c, p in issues)
        if not issues:
            good[r["incident_id"]] = r
    return Checked(records=good, problems=_problems(problems))


def workflow_hashes(records: Sequence[dict]) -> np.ndarray:
    """A status's part of the dataset version: 0 when published (as a record with no workflow row, so stores from
    before migration 0006 keep their version), a hash of (report, status) otherwise: publishing or withdrawing
    changes what the public view holds, so it is a new version."""
    if not len(records):
        return np.zeros(0, dtype=np.uint64)
    published = np.array([r.get("status") == "published" for r in records], dtype=bool)
    texts = pd.Series([f"status\x00{r.get('incident_id')}\x00{r.get('status')}" for r in records], dtype=object)
    hashes = pd.util.hash_pandas_object(texts, index=False, categorize=False).to_numpy(np.uint64)
    return np.where(published, np.uint64(0), hashes)


WORKFLOW = RecordType(  # migration 0006_workflow (issue 14): where a report stands in the review workflow
    name="workflow",
    table="workflow",
    key="incident_id",
    fields=(("incident_id", "text"), ("status", "text"), ("note", "text")),
    point=False,
    check=_check_workflow,
    hash_rows=workflow_hashes,
)


VICTIM_SEXES = ("man", "woman", "unknown")
VICTIM_AGE_GROUPS = ("adult", "child", "unknown")
VICTIM_HARMS = ("killed", *HARM_TYPES)


def _check_named_victims(records: list[dict]) -> Checked:
    """A named victim has an id, the incident it belongs to, a name, what was done to them (``killed`` or a harm
    type), who recorded it and when; sex and age group, when given, from the vocabularies; an age is a whole
    number."""
    good, problems = {}, []
    for row, r in enumerate(records, start=1):
        issues = [(c, _REQUIRED) for c in ("victim_id", "incident_id", "name", "harm", "recorded_by",
                                               "recorded_at") if not (isinstance(r.get(c), str) and r[c].strip())]
        for field, allowed in (("sex", VICTIM_SEXES), ("age_group", VICTIM_AGE_GROUPS), ("harm", VICTIM_HARMS)):
            if r.get(field) is not None and r.get(field) not in allowed:
                issues.append((field, _one_of(allowed)))
        age = r.get("age")
        if age is not None and (not isinstance(age, int) or isinstance(age, bool) or age < 0):
            issues.append(("age", N_("must be a whole number of years")))
        problems.extend((row, c, p, r.get(c)) for c, p in issues)
        if not issues:
            good[r["victim_id"]] = r
    return Checked(records=good, problems=_problems(problems))


# migration 0009_harms: victims a team names. PRIVATE: a record type of its own, never joined to the incident frame,
# so no public view, public export or briefing can carry a name (tests/data/test_named_victims.py).
NAMED_VICTIM = RecordType(
    name="named_victim",
    table="named_victims",
    key="victim_id",
    fields=(("victim_id", "text"), ("incident_id", "text"), ("name", "text"), ("sex", "text"), ("age", "int"),
            ("age_group", "text"), ("harm", "text"), ("note", "text"), ("recorded_by", "text"),
            ("recorded_at", "text")),
    point=False,
    check=_check_named_victims,
    hash_rows=None,  # private: not part of the dataset version a public citation names
)

RECORD_TYPES: dict[str, RecordType] = {INCIDENT.name: INCIDENT, DECISION.name: DECISION, LICENCE.name: LICENCE,
                                       WORKFLOW.name: WORKFLOW, CAPTURE.name: CAPTURE, CUSTODY.name: CUSTODY,
                                       RESPONSE.name: RESPONSE, NAMED_VICTIM.name: NAMED_VICTIM}


def record_type(name: str) -> RecordType:
    try:
        return RECORD_TYPES[name]
    except KeyError:
        raise ValueError(f"unknown record type {name!r}; known: {', '.join(RECORD_TYPES)}") from None


# ---- canonical frame <-> flat records ----------------------------------------------------------------------
def frame_columns(incidents: pd.DataFrame) -> dict[str, list]:
    """The canonical (validated) incident frame as flat columns of plain Python values (vectorised)."""
    out: dict[str, list] = {}
    geom = incidents.geometry
    has_point = (geom.notna() & ~geom.is_empty).to_numpy()
    xs = np.where(has_point, geom.x.to_numpy(dtype="float64", na_value=np.nan), np.nan)
    ys = np.where(has_point, geom.y.to_numpy(dtype="float64", na_value=np.nan), np.nan)
    for name, kind in INCIDENT.fields:
        if name == "latitude":
            out[name] = [None if not p else float(v) for p, v in zip(has_point, ys, strict=True)]
            continue
        if name == "longitude":
            out[name] = [None if not p else float(v) for p, v in zip(has_point, xs, strict=True)]
            continue
        s = incidents[name]
        if kind == "date":
            values = s.dt.strftime("%Y-%m-%d").astype(object)
        elif kind == "int":
            values = s.astype("Int64").astype(object)
        elif kind == "bool":
            values = s.astype("boolean").astype(object)
        else:
            values = s.astype(object)
        out[name] = [None if v is None or v is pd.NA or (isinstance(v, float) and v != v) else
                     (int(v) if kind == "int" else bool(v) if kind == "bool" else v) for v in values]
    return out


def frame_records(incidents: pd.DataFrame) -> list[dict]:
    cols = frame_columns(incidents)
    names = list(cols)
    return [dict(zip(names, values, strict=True)) for values in zip(*cols.values(), strict=True)]


# ---- content hash: the dataset version ------------------------------------------------------------------
_NULL = "\x00"


def _text_frame(columns: dict[str, Sequence]) -> pd.DataFrame:
    """One text per value, the same whether a value came from a frame or from a record."""
    out = {}
    for name, kind in INCIDENT.fields:
        values = columns[name]
        if kind == "float":
            out[name] = [_NULL if v is None else repr(float(v)) for v in values]
        elif kind == "bool":
            out[name] = [_NULL if v is None else ("1" if v else "0") for v in values]
        else:
            out[name] = [_NULL if v is None else str(v) for v in values]
    return pd.DataFrame(out, dtype=object)


# Fields added after stores existed (migrations 0004, 0008_grading, 0009_harms): a record whose values of these
# are all unknown hashes as it did before they existed, so upgrading a store leaves its dataset version, and every
# citation of it, unchanged.
HASHED_WHEN_GIVEN = ("summary_fr", "summary_lang", "grade_override", "grade_override_reason", *HARM_COLUMNS)


def _hash(frame: pd.DataFrame) -> np.ndarray:
    return pd.util.hash_pandas_object(frame, index=False, categorize=False).to_numpy(np.uint64)


def row_hashes(columns: dict[str, Sequence]) -> np.ndarray:
    """A 64-bit hash of each flat incident (columns of plain values as :func:`frame_columns` returns); the
    :data:`HASHED_WHEN_GIVEN` fields count only in the records that give one of them."""
    if not len(columns[INCIDENT.key]):
        return np.zeros(0, dtype=np.uint64)
    text = _text_frame(columns)
    late = list(HASHED_WHEN_GIVEN)
    out = _hash(text.drop(columns=late)).copy()
    given = text[late].ne(_NULL).any(axis=1).to_numpy()
    if given.any():
        out[given] = _hash(text.loc[given])
    return out


def combine(total: int, added: np.ndarray, removed: np.ndarray) -> int:
    """The multiset hash: the sum of the row hashes modulo 2**64. Order-free and updated per change (add a row's
    hash on insert, subtract it on delete), so a store keeps its dataset version without rereading anything."""
    with np.errstate(over="ignore"):
        plus = int(np.sum(added, dtype=np.uint64)) if len(added) else 0
        minus = int(np.sum(removed, dtype=np.uint64)) if len(removed) else 0
    return (total + plus - minus) % (1 << 64)


def version_text(total: int) -> str:
    """The dataset version as shown and cited: 12 hex digits of the content hash."""
    return f"{total:016x}"[:12]


def records_hash(records: Sequence[dict]) -> np.ndarray:
    columns = {name: [r.get(name) for r in records] for name in INCIDENT.names}
    return row_hashes(columns)


def dataset_hash(incidents: pd.DataFrame) -> int:
    return combine(0, row_hashes(frame_columns(incidents)), np.zeros(0, dtype=np.uint64))


# ---- history values ----------------------------------------------------------------------------------------
def to_json(value: object) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def from_json(text: str | None) -> object:
    return None if text is None else json.loads(text)

