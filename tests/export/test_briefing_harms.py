"""The October 2025 briefing says how many of the killed were women where the sources say so (Balle: nine men and
one woman, HRW), in English and in French, in the key figures and in the first finding; a selection whose sources
give no breakdown says nothing about women or children."""

from __future__ import annotations

import subprocess
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from dashboard.data.store import load_bundled
from dashboard.export.briefing import briefing_pdf
from dashboard.export.request import ExportRequest
from dashboard.export.summary import key_findings, of_whom
from dashboard.i18n import tr
from dashboard.query.filters import filter_incidents
from dashboard.query.spec import FilterSpec

OCT_2025 = FilterSpec(start=date(2025, 10, 1), end=date(2025, 10, 31))
AT = datetime(2026, 1, 15, 9, 30, tzinfo=UTC)


@pytest.fixture(scope="module")
def october():
    return filter_incidents(load_bundled(), OCT_2025)


def _text(pdf: bytes, tmp_path: Path) -> str:
    path = tmp_path / "pack.pdf"
    path.write_bytes(pdf)
    out = subprocess.run(["pdftotext", "-enc", "UTF-8", str(path), "-"], capture_output=True, text=True, check=True)
    return " ".join(out.stdout.split())


def test_the_women_among_the_killed_come_from_the_sources(october):
    women = october.set_index("incident_id")["killed_women_min"].dropna()
    assert women.to_dict() == {"SEG-2025-010": 1}  # Balle, "nine men and one woman"
    assert of_whom(october, tr("en")) == ", of whom at least 1 woman"
    assert of_whom(october, tr("fr")) == ", dont au moins 1 femme"


@pytest.mark.parametrize(("lang", "period", "sentence"), [
    ("en", "1–31 Oct 2025",
     "7 incidents, 1–31 Oct 2025: at least 68 and up to 86 people killed, of whom at least 1 woman."),
    ("fr", "1er–31 oct. 2025",
     "7 incidents, 1er–31 oct. 2025 : au moins 68 et jusqu'à 86 personnes tuées, dont au moins 1 femme."),
])
def test_the_october_2025_finding_says_how_many_of_the_killed_were_women(october, lang, period, sentence):
    assert key_findings(october, period=period, lang=lang)[0] == sentence


@pytest.mark.parametrize(("lang", "words"), [("en", "of whom at least 1 woman"), ("fr", "dont au moins 1 femme")])
def test_the_october_2025_pack_says_it_in_its_key_figures(october, tmp_path, lang, words):
    pdf = briefing_pdf(ExportRequest(view=october, selection=OCT_2025, total=81, version="abc123def456",
                                     generated_at=AT, lang=lang))
    text = _text(pdf, tmp_path)
    assert text.count(words) >= 2  # the key figure's note and the first finding


def test_a_selection_without_a_breakdown_says_nothing_of_women_or_children(october):
    kamona = october.loc[october["incident_id"] == "SEG-2025-008"]
    assert of_whom(kamona, tr("en")) == ""
    assert "of whom" not in key_findings(kamona, period="Oct 2025")[0]


def test_children_are_counted_with_women():
    nov_2023_jan_2024 = filter_incidents(load_bundled(), FilterSpec(start=date(2023, 11, 1), end=date(2024, 1, 31)))
    # SEG-2023-008 ("women, children ... among them": at least 1 each) and Kalala (3 women, 2 children at least)
    assert of_whom(nov_2023_jan_2024, tr("en")) == ", of whom at least 4 women and at least 3 children"
