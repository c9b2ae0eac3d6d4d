"""The French summaries of the bundled curated incidents (issue 15): one for every incident, written beside the English
one (``summary_lang`` en), none for the UCDP layer; a cheap guard that no toll, date or distance written in digits
was dropped or altered; and the script that rewrites the bundled file keeps them."""

from __future__ import annotations

import importlib.util
import re
import sys
from pathlib import Path

import pandas as pd
import pytest

from dashboard.bundled import path as bundled_path
from dashboard.data.readers import read_csv_text
from dashboard.data.store import load_bundled

ROOT = Path(__file__).resolve().parents[2]
_THOUSANDS = re.compile(r"(?<=\d)[ ,.\u00a0\u202f](?=\d{3}(?!\d))")  # 1,000 · 1 000 · 1 000 (narrow) · 1.000


def numbers(text: str) -> set[int]:
    """The numbers written in digits, thousand separators removed ("1 000 000" = "1,000,000"), leading zeros too
    ("02:00" has 2 and 0)."""
    return {int(n) for n in re.findall(r"\d+", _THOUSANDS.sub("", text))}


def test_numbers_reads_thousand_separators_of_both_languages():
    assert numbers("1,000,000 francs on 2 March 2022 at 02:00") == {1_000_000, 2, 2022, 0}
    assert numbers("1 000 000 francs le 2 mars 2022 à 2 h 00") == {1_000_000, 2, 2022, 0}
    assert numbers("1\u202f000 tués, 12 à 15") == {1000, 12, 15}
    assert numbers("aged 12 to 18, 35 to 37") == {12, 18, 35, 37}


@pytest.fixture(scope="module")
def curated() -> pd.DataFrame:
    frame = read_csv_text(bundled_path("incidents.csv"))
    return frame.loc[frame["dataset"] == "segou-curated"].set_index("incident_id")


def test_every_curated_incident_has_a_french_summary_beside_its_english_one(curated):
    assert len(curated) == 81
    assert curated["summary"].str.strip().ne("").all() and curated["summary_fr"].str.strip().ne("").all()
    assert set(curated["summary_lang"]) == {"en"}
    assert not (curated["summary_fr"] == curated["summary"]).any()


@pytest.mark.parametrize("ident", sorted(read_csv_text(bundled_path("incidents.csv"))["incident_id"]))
def test_every_number_of_the_english_summary_is_in_the_french_one(curated, ident):
    english, french = curated.loc[ident, "summary"], curated.loc[ident, "summary_fr"]
    assert numbers(english) <= numbers(french), (english, french)


def test_the_ucdp_layer_gets_none_and_the_loaded_frame_carries_them():
    frame = load_bundled().set_index("incident_id")
    ucdp = frame["dataset"] == "ucdp-ged-21.1"
    assert ucdp.any() and frame.loc[ucdp, "summary_fr"].isna().all()
    assert frame.loc[~ucdp, "summary_fr"].notna().all() and (frame.loc[~ucdp, "summary_lang"] == "en").all()
    assert frame.loc["SEG-2025-008", "summary_fr"].startswith("Selon des témoins interrogés par Human Rights Watch")


def test_rewriting_the_bundled_file_with_the_regeocode_script_keeps_everything(monkeypatch):
    from dashboard.data.geocoder import Geocoder

    spec = importlib.util.spec_from_file_location("regeocode_bundled", ROOT / "scripts" / "regeocode_bundled.py")
    script = importlib.util.module_from_spec(spec)
    monkeypatch.setitem(sys.modules, spec.name, script)  # its dataclasses look their module up there
    spec.loader.exec_module(script)
    text = script.CSV.read_text(encoding="utf-8")
    assert "summary_fr" in text.splitlines()[0]
    assert script.regeocode(text, Geocoder.default()) == text
