"""Victims and harms of the bundled incidents: every value traced to the words of its row, the sample listed in
dashboard/bundled/README.md checked value by value, and the coding script reproducing the file."""

import csv
import importlib.util
import sys
from pathlib import Path

import pandas as pd
import pytest

from dashboard.data.harms import HARM_COLUMNS, harm_columns, killed_columns, violation_kind
from dashboard.data.store import BUNDLED_CSV

ROOT = Path(__file__).resolve().parents[2]
REFERENCE = ROOT / "tests" / "fixtures" / "reference"
BUNDLED_TEXT = ("victims", "injured", "abducted", "summary", "verification_note")
REFERENCE_TEXT = ("victim_group", "summary", "injured", "abducted_or_missing", "verification_note")


def _script():
    spec = importlib.util.spec_from_file_location("code_harms_bundled", ROOT / "scripts" / "code_harms_bundled.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def script():
    return _script()


@pytest.fixture(scope="module")
def rows() -> dict[str, dict]:
    with Path(BUNDLED_CSV).open(encoding="utf-8") as fh:
        return {r["incident_id"]: r for r in csv.DictReader(fh)}


@pytest.fixture(scope="module")
def texts(rows) -> dict[str, str]:
    """Each incident's own words: its bundled text fields and its reference row's."""
    out = {k: " ".join(r[c] for c in BUNDLED_TEXT) for k, r in rows.items()}
    for name in ("segou_incidents.csv", "segou_incidents_additions.csv"):
        with (REFERENCE / name).open(encoding="utf-8") as fh:
            for r in csv.DictReader(fh):
                out[r["incident_id"]] += " " + " ".join(r[c] for c in REFERENCE_TEXT)
    return {k: " ".join(v.split()).lower() for k, v in out.items()}


def test_every_coded_value_comes_with_words_that_stand_in_its_row(script, texts):
    assert len(script.CODINGS) >= 50
    for incident, coding in script.CODINGS.items():
        for quote in coding.quotes():
            for piece in quote.split(" … "):
                assert " ".join(piece.split()).lower() in texts[incident], (incident, piece)


def test_the_coding_script_reproduces_the_bundled_file():
    text = Path(BUNDLED_CSV).read_text(encoding="utf-8")
    assert _script().code_harms(text) == text


def test_incidents_without_a_coding_leave_every_harm_field_unknown(script, rows):
    for incident, row in rows.items():
        if incident not in script.CODINGS:
            assert all(row[c] == "" for c in HARM_COLUMNS), incident
    assert all(row[c] != "0" for row in rows.values() for c in HARM_COLUMNS)  # unknown is never 0


def _pair(row: dict, columns: tuple[str, str]) -> tuple[int | None, int | None]:
    return tuple(int(row[c]) if row[c] else None for c in columns)


# The sample listed in dashboard/bundled/README.md ("Victims and harms: a sample checked against the text").
SAMPLE = {
    "SEG-2025-010": {killed_columns("men"): (9, 9), killed_columns("women"): (1, 1),
                     killed_columns("children"): (None, None), harm_columns("livestock_taken"): (100, 100)},
    "SEG-2025-008": {killed_columns("men"): (21, None), killed_columns("women"): (None, None),
                     harm_columns("buildings_burned"): (10, None)},
    "SEG-2024-003": {killed_columns("children"): (2, None), killed_columns("women"): (3, None),
                     killed_columns("men"): (None, None)},
    "SEG-2021-003": {killed_columns("children"): (1, None), killed_columns("adults"): (1, None),
                     killed_columns("men"): (2, None)},
    "SEG-2022-002": {killed_columns("men"): (33, 33), harm_columns("detained"): (33, 33)},
    "SEG-2024-002": {harm_columns("injured"): (2, 2), harm_columns("abducted"): (2, 2)},
    "SEG-2019-001": {harm_columns("injured"): (6, 11), harm_columns("abducted"): (31, 31),
                     harm_columns("livestock_taken"): (None, None)},
}
SAMPLE_TEXT = {"SEG-2025-010": ("harms", "livestock_taken"), "SEG-2019-001": ("harms", "injured;abducted;"
                                                                              "buildings_burned;livestock_taken"),
               "SEG-2021-003": ("cause_of_death", "sharp_object"), "SEG-2025-008": ("cause_of_death", "firearm")}


@pytest.mark.parametrize("incident", sorted(SAMPLE))
def test_the_sample_checked_against_the_sources(rows, incident):
    row = rows[incident]
    for columns, expected in SAMPLE[incident].items():
        assert _pair(row, columns) == expected, (incident, columns)
    if incident in SAMPLE_TEXT:
        column, value = SAMPLE_TEXT[incident]
        assert row[column] == value


def test_violation_or_abuse_of_the_october_2025_incidents(rows):
    """Balle and Kamona (army with Dozo) are violations; the killing of Haïdara (JNIM alleged) is an abuse."""
    kinds = {k: violation_kind(rows[k]["perpetrator_category"]) for k in ("SEG-2025-010", "SEG-2025-008",
                                                                          "SEG-2025-013", "SEG-2025-015")}
    assert kinds == {"SEG-2025-010": "violation", "SEG-2025-008": "violation", "SEG-2025-013": "abuse",
                     "SEG-2025-015": "unknown"}


def test_the_bundled_harms_pass_the_schema():
    from dashboard.data.store import load_bundled

    frame = load_bundled()
    curated = frame.loc[frame["dataset"] == "segou-curated"]
    assert len(curated) == 81
    balle = curated.set_index("incident_id").loc["SEG-2025-010"]
    assert (balle["killed_women_min"], balle["killed_women_max"]) == (1, 1)
    assert pd.isna(balle["killed_children_min"])
