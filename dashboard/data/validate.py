r"""Split a flat frame of candidate incidents into valid canonical rows and rejects with reasons.

Validation is lazy: every problem of every row is collected (pandera ``lazy=True``), so one bad row never
hides another and never stops the good rows from loading. The frame's index is the row number in the
source file, so each reject can be traced back to the line a user has to fix.

Import rules (``today`` given), which protect the app rather than describe incidents (README, "Security and
data protection"):

* an ``incident_id`` holds no `` ` ``, ``\``, ``{``, ``}``, ``$``, ``·``, control or invisible (format)
  characters: ids travel in URLs and in map tooltips, where a click is mapped back through them, and those
  characters cannot pass through a tooltip unchanged (see :func:`dashboard.viz.cards.tooltip_text`);
* a text cell holds at most :data:`MAX_TEXT_CHARS` characters (a card is not a document store) and no
  control characters other than tab and line breaks (the GeoPackage would silently cut the text at a NUL);
* dates are plausible: ``date_start`` from :data:`EARLIEST_DATE` to one day after ``today``; ``date_end`` from
  :data:`EARLIEST_DATE` to the later of one day after ``today`` and the end of ``date_start``'s year (an incident
  dated only to this year ends on 31 December); a date with a time zone ("2025-10-02T10:00+01:00") is rejected
  rather than shifted to another day.

Always (a store read too): a row whose geometry is not a point (the readers name it in ``_geometry``) is rejected:
an incident's place is a point, or no geometry with ``geo_precision`` 3 when only the region is known.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date
from functools import cache

import geopandas as gpd
import numpy as np
import pandas as pd
import pandera.pandas as pa

from dashboard.data import harms
from dashboard.data.harms import COUNT_COLUMNS
from dashboard.data.missing import is_missing
from dashboard.data.schema import (
    CHECK_PROBLEMS,
    COLUMNS,
    GEOMETRY_COLUMN,
    REQUIRED_COLUMNS,
    ROW_CHECK_COLUMNS,
    SOURCES_CHECK,
    TEXT_COLUMNS,
    IncidentModel,
    parse_sources,
)
from dashboard.data.units import assign_units
from dashboard.errors import LayoutError, Problem, SourceError, UserError
from dashboard.i18n import N_, Count, Phrase, Translator, tr

CRS = "EPSG:4326"
REJECT_COLUMNS = ("row", "incident_id", "column", "problem", "value")
# Beside them in the rejects table, not written out: the problem as a :class:`Problem` (its template and fields), so
# that a report, a form or the rejects file says it in the reader's language (:func:`problem_text`); empty for a
# problem whose English text is itself the msgid.
SAID_COLUMN = "said"
MAX_TEXT_CHARS = 10_000  # the default of Limits.cell_chars (dashboard/settings.py)
FUTURE_SLACK = pd.Timedelta(days=1)  # time zones: "tomorrow" somewhere is today here
EARLIEST_DATE = pd.Timestamp("1960-01-01")  # no incident of this record is older; an earlier date is a typo
_STORABLE = (pd.Timestamp("1678-01-01"), pd.Timestamp("2261-12-31"))  # dates a datetime64[ns] column can hold
_ZONED = re.compile(r"(?i)\d:\d{2}(?::\d{2}(?:[.,]\d+)?)?\s*(?:z|utc|gmt|[+-]\d{1,2}(?::?\d{2})?)$")
_DATE_COLUMNS = ("date_start", "date_end")
_ID_FORBIDDEN = re.compile(r"[`\\{}$\u00b7\x00-\x1f\x7f]")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


@dataclass(frozen=True)
class ValidationResult:
    valid: gpd.GeoDataFrame
    rejects: pd.DataFrame  # one line per problem: row, incident_id, column, problem, value (and said)
    rows: tuple = ()  # the source row number of each valid row, in order (``valid`` is indexed from 0)

    @property
    def rejected_rows(self) -> list:
        return sorted(set(self.rejects["row"]))


def empty_incidents() -> gpd.GeoDataFrame:
    frame = pd.DataFrame({c: pd.Series(dtype="object") for c in COLUMNS})
    return _to_geo(IncidentModel.validate(frame), np.array([]), np.array([]))


def validate_flat(frame: pd.DataFrame, *, source_name: str = "input", today: date | None = None,
                  max_text_chars: int = MAX_TEXT_CHARS) -> ValidationResult:
    """Validate a frame with the canonical columns plus ``latitude``/``longitude``.

    Imports pass ``today`` (the import day; pure code has no clock), which turns on the import rules: plausible
    dates, and the limits that protect the app (incident id characters, text cells of at most ``max_text_chars``,
    no control characters). A store is read without them, so that one written before a limit existed stays
    readable.

    Raises :class:`LayoutError` when a required column is missing altogether (nothing can be imported);
    otherwise returns the valid rows as a GeoDataFrame and every problem as a rejects table.

    Rows that carry none of the unit columns (a store written before they existed, a frame made in code) get them
    computed, and a blank ``located_to`` is what ``geo_precision`` says (:func:`dashboard.data.units.assign_units`).
    """
    missing = [c for c in REQUIRED_COLUMNS if c not in frame.columns]
    if missing:
        raise LayoutError(N_("{name}: missing required column(s) {columns}; expected the canonical incident columns "
                             "(see docs/schema.md)"), name=source_name, columns=", ".join(missing))
    problems: list[dict] = []
    _zoned_dates(frame, problems)
    df = _normalise(assign_units(frame, only_missing=True))
    _geometries(df, problems)
    lat, lon = _coordinates(df, problems)
    given_end = df["date_end"].notna()
    _fill_date_end(df)
    _duplicates(df, problems)
    _date_range(df, problems, today, given_end)
    if today is not None:
        _limits(df, problems, today, max_text_chars)
    coerced = None
    try:
        coerced = IncidentModel.validate(df[list(COLUMNS)], lazy=True)
    except pa.errors.SchemaErrors as err:
        problems.extend(_failures(err.failure_cases, df))
    _source_reasons(df, problems)
    problems = _said_once(_harm_reasons(df, problems))
    bad = {p["row"] for p in problems}
    if not bad and coerced is not None:
        checked = coerced  # every row passed: the checked, coerced frame is already there (half the time)
    else:
        keep = ~df.index.isin(list(bad))
        checked = IncidentModel.validate(df.loc[keep, list(COLUMNS)])
    rejects = pd.DataFrame(problems, columns=[*REJECT_COLUMNS, SAID_COLUMN])
    rejects = rejects.drop_duplicates(["row", "column", "problem"]).sort_values(["row", "column"], kind="stable")
    return ValidationResult(
        valid=_to_geo(checked, lat.loc[checked.index].to_numpy(), lon.loc[checked.index].to_numpy()),
        rejects=rejects.reset_index(drop=True),
        rows=tuple(checked.index),
    )


def _normalise(frame: pd.DataFrame) -> pd.DataFrame:
    df = frame.copy()
    for col in (*COLUMNS, "latitude", "longitude"):
        if col not in df.columns:
            df[col] = pd.NA
    for col in (*TEXT_COLUMNS, "incident_id", "date_precision", "perpetrator_category", "attribution_basis",
                "verification", "dataset", "sources"):
        df[col] = _clean_text(df[col])
    df["attribution_basis"] = df["attribution_basis"].fillna("unknown")
    df["summary_lang"] = df["summary_lang"].str.lower()  # "EN" is the code "en"; anything else is reported
    df["civilian_targeting"] = _booleans(df["civilian_targeting"])
    for col in ("date_start", "date_end"):
        df[col] = _dates(df[col])
    for col in ("geo_precision", "fatalities_min", "fatalities_max", "fatalities_best", *COUNT_COLUMNS):
        df[col] = _whole_numbers(df[col])
    return df


def _dates(series: pd.Series) -> pd.Series:
    """Parse ISO-like dates; an unreadable value (a date with a time zone included) stays as text so that
    validation reports it."""
    text = _clean_text(series)
    naive = text.mask(text.str.contains(_ZONED, na=False))
    try:
        parsed = pd.to_datetime(naive, errors="coerce", format="mixed")
        if getattr(parsed.dt, "tz", None) is not None:
            raise ValueError("dates with a time zone")
    except (ValueError, TypeError, OverflowError):  # a zone the pattern missed, or mixed zones: one by one
        parsed = pd.to_datetime(pd.Series([_naive_date(v) for v in naive], index=text.index, dtype=object),
                                errors="coerce")
    parsed = parsed.dt.normalize()
    unreadable = text.notna() & parsed.isna()
    if unreadable.any():
        return parsed.astype(object).where(~unreadable, text)
    return parsed


def _naive_date(value: object) -> pd.Timestamp | None:
    """One date without a time zone, else ``None`` (unreadable)."""
    if is_missing(value):
        return None
    try:
        stamp = pd.Timestamp(str(value))
    except (ValueError, TypeError, OverflowError):
        return None
    return None if stamp is pd.NaT or stamp.tzinfo is not None else stamp


def _zoned_dates(frame: pd.DataFrame, problems: list[dict]) -> None:
    """A date with a time zone is rejected, not moved: "2025-10-02T23:30-05:00" is 3 October in UTC."""
    for col in _DATE_COLUMNS:
        if col not in frame.columns:
            continue
        text = _clean_text(frame[col])
        for row in frame.index[text.str.contains(_ZONED, na=False).to_numpy(dtype=bool)]:
            problems.append(_problem(frame, row, col, N_("has a time zone; give the incident's local date as "
                                                         "YYYY-MM-DD (a time zone can move it to another day)"),
                                     text[row]))


def _geometries(df: pd.DataFrame, problems: list[dict]) -> None:
    if GEOMETRY_COLUMN not in df.columns:
        return
    kinds = df[GEOMETRY_COLUMN]
    for row in df.index[kinds.notna().to_numpy(dtype=bool)]:
        problems.append(_problem(df, row, "geometry", Problem(N_(
            "a {kind}, not a point: an incident's place is a point, or no geometry with geo_precision 3 when only "
            "the region is known"), kind=kinds[row]), kinds[row]))


def _date_range(df: pd.DataFrame, problems: list[dict], today: date | None, given_end: pd.Series) -> None:
    """Dates before the earliest accepted (imports: 1960; always: what the store can hold); a given ``date_end``
    after the later of the import day + 1 day and the end of ``date_start``'s year. ``date_start`` in the future is
    said by :func:`_limits`."""
    earliest, latest = (EARLIEST_DATE, None) if today is not None else _STORABLE
    start = df["date_start"].map(lambda v: v if isinstance(v, pd.Timestamp) else None)
    for col in _DATE_COLUMNS:
        stamps = start if col == "date_start" else df[col].map(lambda v: v if isinstance(v, pd.Timestamp) else None)
        for row, stamp in stamps.dropna().items():
            if col == "date_end" and not given_end[row]:
                continue  # derived from date_start, which is checked itself
            day = _day(stamp)
            if stamp < earliest:
                problems.append(_problem(df, row, col, Problem(N_(
                    "{day} is before {earliest}, the earliest date accepted; check the year"), day=day,
                    earliest=_day(earliest)), day))
            elif latest is not None and stamp > latest:
                problems.append(_problem(df, row, col, Problem(N_(
                    "{day} is after {latest}, the latest date accepted; check the year"), day=day,
                    latest=_day(latest)), day))
            elif col == "date_end" and today is not None:
                bound = pd.Timestamp(today) + FUTURE_SLACK
                if not is_missing(start[row]) and start[row] >= earliest:  # an earlier start is refused itself
                    bound = max(bound, pd.Timestamp(start[row].year, 12, 31))  # (a year before 1 has no 31 Dec)
                if stamp > bound:
                    problems.append(_problem(df, row, col, Problem(N_(
                        "{day} is in the future (after the import day {today} + 1 day and the end of the start "
                        "year)"), day=day, today=f"{today:%Y-%m-%d}"), day))


def _day(stamp: pd.Timestamp) -> str:
    """``0001-01-01`` (``strftime`` drops the leading zeros of years before 1000)."""
    return f"{stamp.year:04d}-{stamp.month:02d}-{stamp.day:02d}"


def _said_once(problems: list[dict]) -> list[dict]:
    """Drop what a more precise problem of the same cell already says: "cannot be read as a date" beside "has a
    time zone" or "is before 1960-01-01"; an end date that cannot be derived from an unusable start date."""
    dates = {(p["row"], p["column"]) for p in problems
             if p["column"] in _DATE_COLUMNS and not p["problem"].startswith(("cannot be read", "required value"))}
    unusable_start = {p["row"] for p in problems if p["column"] == "date_start"}
    return [p for p in problems
            if not ((p["row"], p["column"]) in dates and p["problem"].startswith("cannot be read"))
            and not (p["column"] == "date_end" and p["row"] in unusable_start
                     and p["problem"] == "required value is empty")]


def _whole_numbers(series: pd.Series) -> pd.Series:
    """Whole numbers (``"12"``, ``"12.0"``); blanks become missing, anything else stays for validation."""
    text = _clean_text(series)
    numbers = pd.to_numeric(text, errors="coerce")
    whole = numbers.notna() & (numbers == numbers.round())
    if (text.notna() & ~whole).any():
        return text.astype(object).where(~whole, numbers)
    return numbers.astype("Int64")


def _clean_text(series: pd.Series) -> pd.Series:
    out = series.astype("string").str.strip()
    return out.mask(out == "", pd.NA)


def _booleans(series: pd.Series) -> pd.Series:
    mapping = {"true": True, "1": True, "yes": True, "false": False, "0": False, "no": False}
    text = series.astype("string").str.strip().str.lower()
    return text.map(mapping, na_action="ignore").astype("boolean")


_PERIOD = {"day": "D", "week": "W", "month": "M", "year": "Y"}


def _fill_date_end(df: pd.DataFrame) -> None:
    """A missing ``date_end`` is the end of the period ``date_start`` is precise to (not a guess)."""
    start = df["date_start"]
    if start.dtype == object:  # some start dates are unreadable: leave those rows to validation
        start = pd.to_datetime(start.where(start.map(lambda v: isinstance(v, pd.Timestamp))), errors="coerce")
    missing = df["date_end"].isna() & start.notna() & df["date_precision"].isin(list(_PERIOD))
    for precision, freq in _PERIOD.items():
        sel = missing & (df["date_precision"] == precision)
        if sel.any():
            if precision == "day":
                df.loc[sel, "date_end"] = start[sel]
            elif precision == "week":
                df.loc[sel, "date_end"] = start[sel] + pd.Timedelta(days=6)
            else:
                periods = start[sel].dt.to_period(freq)
                df.loc[sel, "date_end"] = periods.dt.end_time.dt.normalize()


def _duplicates(df: pd.DataFrame, problems: list[dict]) -> None:
    """The first row with an incident_id wins; later rows with the same id are rejected, naming the first."""
    ids = df["incident_id"]
    dup = ids.notna() & ids.duplicated(keep="first")
    if dup.any():
        first = {v: r for r, v in ids[ids.notna() & ~dup].items()}
        for r in df.index[dup.to_numpy(dtype=bool)]:
            problems.append(_problem(df, r, "incident_id", Problem(N_("duplicate incident_id (first at row {row})"),
                                                                   row=first[ids[r]]), ids[r]))


def _limits(df: pd.DataFrame, problems: list[dict], today: date, max_text_chars: int) -> None:
    """Incident ids safe in tooltips, bounded text cells without control characters, no future dates."""
    for row, ident in df["incident_id"].dropna().items():
        bad = [ch for ch in ident if _ID_FORBIDDEN.match(ch) or unicodedata.category(ch) == "Cf"]
        if bad:
            shown = ", ".join(f"U+{ord(ch):04X}" if not ch.isprintable() else repr(ch) for ch in dict.fromkeys(bad))
            problems.append(_problem(df, row, "incident_id", Problem(N_(
                "may not contain ` \\ {{ }} $ · or control/invisible characters (found {found})"), found=shown),
                ident))
    for col in (*TEXT_COLUMNS, "sources"):
        for row, cell in df[col].dropna().items():
            found = _CONTROL.search(cell)
            if found:
                problems.append(_problem(df, row, col, Problem(N_(
                    "contains the control character {char} at position {position}; remove it"),
                    char=f"U+{ord(found.group()):04X}", position=found.start()), cell))
        lengths = df[col].str.len()
        for row in df.index[(lengths > max_text_chars).fillna(False).to_numpy(dtype=bool)]:
            problems.append(_problem(df, row, col, Problem(N_(
                "text of {n} characters is longer than the limit of {limit}; shorten it (link the full text as a "
                "source)"), n=Count(lengths[row]), limit=Count(max_text_chars)), df.at[row, col]))
    start = df["date_start"]
    latest = pd.Timestamp(today) + FUTURE_SLACK
    future = start.map(lambda v: isinstance(v, pd.Timestamp) and v > latest)
    for row in df.index[future.to_numpy(dtype=bool)]:
        problems.append(_problem(df, row, "date_start", Problem(N_(
            "{day} is in the future (after the import day {today} + 1 day)"), day=f"{start[row]:%Y-%m-%d}",
            today=f"{today:%Y-%m-%d}"), f"{start[row]:%Y-%m-%d}"))


def _harm_reasons(df: pd.DataFrame, problems: list[dict]) -> list[dict]:
    """A failed harm row check names the cells behind it (``killed_women_max``, ``harms``)."""
    out = []
    for p in problems:
        if p["problem"] in (harms.PAIR_ORDER, harms.COUNTED_IS_LISTED) and p["row"] in df.index:
            found = harms.row_reasons(df.loc[p["row"]], p["problem"])
            if found:
                out.extend(_problem(df, p["row"], column, problem, value) for column, problem, value in found)
                continue
        out.append(p)
    return out


def _source_reasons(df: pd.DataFrame, problems: list[dict]) -> None:
    """Say what is wrong with a sources cell ("...: source URL must start with http:// or https://...")."""
    for p in problems:
        if p["column"] == "sources" and p["problem"] == SOURCES_CHECK:
            try:
                parse_sources(df.at[p["row"], "sources"])
            except SourceError as exc:
                said = Problem(N_("{check}: {reason}"), check=Phrase(SOURCES_CHECK), reason=exc)
                p["problem"], p[SAID_COLUMN] = said.message, said


def _coordinates(df: pd.DataFrame, problems: list[dict]) -> tuple[pd.Series, pd.Series]:
    lat = pd.to_numeric(df["latitude"], errors="coerce")
    lon = pd.to_numeric(df["longitude"], errors="coerce")
    raw_lat, raw_lon = df["latitude"].astype("string"), df["longitude"].astype("string")
    checks = (
        ("latitude", lat.isna() & raw_lat.str.strip().fillna("").ne(""), N_("not a number")),
        ("longitude", lon.isna() & raw_lon.str.strip().fillna("").ne(""), N_("not a number")),
        ("latitude", (lat < -90) | (lat > 90), N_("outside -90..90")),
        ("longitude", (lon < -180) | (lon > 180), N_("outside -180..180")),
        ("latitude", lat.isna() != lon.isna(), N_("latitude and longitude must both be given or both empty")),
        ("latitude", (lat == 0) & (lon == 0), N_("(0, 0) is a placeholder, not a place")),
    )
    for column, mask, problem in checks:
        for row in df.index[mask.fillna(False).to_numpy(dtype=bool)]:
            problems.append(_problem(df, row, column, problem, df.at[row, column]))
    return lat, lon


def _failures(cases: pd.DataFrame, df: pd.DataFrame) -> list[dict]:
    """One problem per failing cell. A check's message is its own (``error=`` in the model); pandera's built-in
    failures (a value that cannot be converted, a missing required value) are said here."""
    out = []
    for case in cases.itertuples(index=False):
        row = case.index
        check = str(case.check)
        if (is_missing(row) or check.startswith("dtype(") or check == "field_uniqueness"):
            continue  # column-level summaries repeat what the per-row failures already say
        if check in ROW_CHECK_COLUMNS:
            column = ROW_CHECK_COLUMNS[check]
            out.append(_problem(df, row, column, check, df.at[row, column]))
            continue
        column = case.column if isinstance(case.column, str) else "(row)"
        if check.startswith("coerce_dtype"):
            check = _read_as(column)
        elif check == "not_nullable":
            check = N_("required value is empty")
        out.append(_problem(df, row, column, check, case.failure_case))
    return out


@cache
def _read_as(column: str) -> str:
    """The problem of a value that cannot be converted to the column's type (from the model's dtype), marked for
    translation (a report, a form and the rejects file say it in the reader's language: :func:`problem_text`)."""
    dtype = str(IncidentModel.to_schema().columns[column].dtype).lower()
    if "datetime" in dtype:
        return N_("cannot be read as a date (YYYY-MM-DD)")
    if dtype.startswith("int"):
        return N_("cannot be read as a whole number")
    if dtype == "boolean":
        return N_("cannot be read as true or false")
    return Problem(N_("cannot be read as {dtype}"), dtype=dtype)


def _problem(df: pd.DataFrame, row, column: str, problem: str | Problem, value) -> dict:
    """One problem: ``problem`` is English text marked for translation, or a :class:`Problem` with fields."""
    ident = df.at[row, "incident_id"] if row in df.index else None
    said = problem if isinstance(problem, UserError) else CHECK_PROBLEMS.get(problem)
    return {
        "row": row,
        "incident_id": None if is_missing(ident) else str(ident),
        "column": column,
        "problem": problem.message if isinstance(problem, UserError) else problem,
        "value": None if is_missing(value) else str(value)[:200],
        SAID_COLUMN: said,
    }


def problem_text(problem: str, said: object = None, t: Translator | None = None) -> str:
    """A row's problem (the ``problem`` and ``said`` of a rejects line) in ``t``'s language (English without): its
    :class:`Problem` when it has one, else its English text, which is then its own msgid (a check's message, "not
    a number"...). Text that is neither, such as an older rejects file's, stays as it is."""
    if t is None:
        return problem
    if isinstance(said, UserError):
        return said.text(t)
    return t.gettext(problem) if isinstance(problem, str) else problem


def rejects_table(rejects: pd.DataFrame) -> str:
    """The rejects as a plain-text table (the detail of an error), without the :class:`Problem` column."""
    return rejects.reindex(columns=list(REJECT_COLUMNS)).to_string(index=False)


def problems_said(problems: pd.DataFrame, t: Translator | None = None, *, form: str = N_("{column}: {problem}"),
                  valued: str | None = None) -> str:
    """A problems table (``row``, ``column``, ``problem``, ``value``, ``said``) as items in ``t``'s language, each
    said by ``form`` (a msgid with ``{row}``, ``{column}``, ``{problem}``), or by ``valued`` (one that also quotes
    ``{value}``) for a problem with a value. A field of a :class:`~dashboard.errors.UserError` as
    ``functools.partial(problems_said, problems)``, said in the message's language."""
    t = t or tr()
    items = []
    for p in problems.itertuples(index=False):
        value = getattr(p, "value", None)
        template = valued if valued and not is_missing(value) else form
        items.append(t.gettext(template).format(
            row=getattr(p, "row", ""), column=p.column, value=str(value)[:80],
            problem=problem_text(p.problem, getattr(p, SAID_COLUMN, None), t)))
    return t.pgettext("between the problems of a list", "; ").join(items)


def _to_geo(frame: pd.DataFrame, lat: np.ndarray, lon: np.ndarray) -> gpd.GeoDataFrame:
    frame = frame[list(COLUMNS)].reset_index(drop=True)
    has_point = ~(pd.isna(lat) | pd.isna(lon))
    geometry = gpd.points_from_xy(np.where(has_point, lon, 0.0), np.where(has_point, lat, 0.0), crs=CRS)
    geometry[~has_point] = None
    return gpd.GeoDataFrame(frame, geometry=geometry, crs=CRS)
