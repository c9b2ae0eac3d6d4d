"""A briefing a briefer can read aloud (issue 19, item 14): key findings computed from the selection, the coverage
statement, who made it and how it may be handled, a one-page table of the most serious incidents and the full list as
an annex."""

from __future__ import annotations

import subprocess
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from dashboard.data.shared_columns import compact
from dashboard.data.store import load_bundled
from dashboard.export.briefing import briefing_html, briefing_pdf
from dashboard.export.request import ExportRequest
from dashboard.export.summary import MOST_SERIOUS, coverage, key_findings, most_serious
from dashboard.i18n import tr
from dashboard.query.aggregate import totals
from dashboard.query.filters import filter_incidents
from dashboard.query.scope import RECORD_STATEMENT, left_out, left_out_words
from dashboard.query.spec import FilterSpec
from dashboard.wording import describe_period
from tests.factories import incidents, row

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "briefing"
AT = datetime(2025, 11, 3, 9, 30, tzinfo=UTC)
OCT = FilterSpec(start=date(2025, 10, 1), end=date(2025, 10, 31))
WHO = {"author": "A. Researcher", "organisation": "Sahel Desk", "analysis_date": date(2025, 11, 3),
       "marking": "For internal use"}

SAMPLE = incidents(
    row(incident_id="kamona", location="Kamona", fatalities_min="21", fatalities_max="37", admin2="Niono",
        perpetrator_category="state_forces;progov_militia", verification="corroborated"),
    row(incident_id="dougabougou", location="Dougabougou", date_start="2025-10-04", fatalities_min="6",
        fatalities_max="6", admin2="Niono", perpetrator_category="state_forces;progov_militia",
        verification="reported", source_record_id="D"),
    row(incident_id="macina", location="Macina market", date_start="2025-10-20", fatalities_min="4",
        fatalities_max="", admin2="Macina", perpetrator_category="jihadist_group", perpetrators="JNIM",
        verification="confirmed", source_record_id="M"),
    row(incident_id="unknown", location="Somewhere", date_start="2025-10-25", fatalities_min="", fatalities_max="",
        admin2="Niono", perpetrator_category="unidentified", perpetrators="hommes armés", verification="reported",
        latitude="",
        longitude="", geo_precision="3", source_record_id="U"),
)


def test_key_findings_are_computed_from_the_selection_in_plain_words():
    findings = key_findings(SAMPLE, period="1–31 Oct 2025")
    assert 3 <= len(findings) <= 5
    t = totals(SAMPLE)
    assert findings[0] == (f"4 incidents, 1–31 Oct 2025: at least {t.killed_min} and up to {t.killed_max}+ people "
                           "killed; the toll is unknown for 1.")
    assert findings[1] == ("2 of them are attributed to state forces and pro-government militia: at least 27 and up "
                           "to 43 people killed.")
    assert findings[2].startswith("The deadliest: Kamona, 2 Oct 2025, 21–37 killed, attributed to state forces and "
                                  "pro-government militia")
    assert "3 of the 4 took place in Niono cercle" in findings[3]
    assert findings[4] == ("2 of the 4 are confirmed or corroborated; 2 rest on a single source or are contested; 1 "
                           "can be placed only at the level of the region.")
    fr = key_findings(SAMPLE, period="du 1er au 31 oct. 2025", lang="fr")
    assert fr[0].startswith("4 incidents, du 1er au 31 oct. 2025 : au moins 31 et jusqu'à 47+ personnes tuées")


def test_a_finding_without_its_facts_is_not_said():
    one = SAMPLE.loc[SAMPLE["incident_id"] == "unknown"]
    findings = key_findings(one, period="on 25 Oct 2025")
    assert len(findings) == 2  # scale and certainty: no perpetrator named, no toll, one cercle only
    assert findings[0] == "1 incident, on 25 Oct 2025: no toll is reported."
    assert findings[1] == ("0 of the 1 are confirmed or corroborated; 1 rests on a single source or is contested; 1 "
                           "can be placed only at the level of the region.")
    assert key_findings(SAMPLE.iloc[0:0], period="") == []


def test_a_selection_from_one_cercle_names_no_cercle_with_more_than_any_other():
    """Filtered from frames as the store holds them (the cercles a category of every cercle in the record), the
    cercles the selection does not hold do not count as cercles with fewer incidents (``shared_columns.counted``)."""
    niono = compact(SAMPLE.copy()).loc[lambda f: f["admin2"] == "Niono"]
    assert len(niono) == 3 and "Macina" in list(niono["admin2"].cat.categories)
    findings = key_findings(niono, period="Oct 2025")
    assert not any("cercle" in f for f in findings)
    assert any("took place in Niono cercle" in f for f in key_findings(compact(SAMPLE.copy()), period="Oct 2025"))


def test_the_findings_of_frames_as_the_store_holds_them_are_those_of_texts():
    """The perpetrator groups are made from each incident's categories as a tuple: on a category column, pandas maps
    the categories into an index of tuples, cut to the first one's length (here "jihadist_group" alone, so
    "state_forces;progov_militia" would have been counted as state forces alone)."""
    held = compact(SAMPLE.copy())
    assert held["perpetrator_category"].cat.categories[0] == "jihadist_group"
    assert key_findings(held, period="Oct 2025") == key_findings(SAMPLE, period="Oct 2025")


def test_the_most_serious_are_ranked_by_what_the_sources_agree_on_at_least():
    assert list(most_serious(SAMPLE)["incident_id"]) == ["kamona", "dougabougou", "macina"]  # no toll: not ranked
    bundled = load_bundled()
    top = most_serious(bundled)
    assert len(top) == MOST_SERIOUS
    lows = list(top["fatalities_min"])
    assert lows == sorted(lows, reverse=True)


def test_the_coverage_says_what_is_counted_what_is_not_and_what_the_record_is():
    bundled = load_bundled()
    counted = filter_incidents(bundled, FilterSpec())
    left = left_out(counted, bundled)
    lines = coverage(counted=len(counted), total=len(bundled), selection=FilterSpec().describe(), left_out=left)
    assert lines == [f"This briefing counts {len(counted)} of the {len(bundled)} incidents of the record: "
                     "Incidents with civilian victims in the Ségou region.", left.sentence() + ".", RECORD_STATEMENT]
    fr = coverage(counted=len(counted), total=len(bundled), selection="…", left_out=left, lang="fr")
    assert fr[1].startswith(f"+ {len(left)} incidents liés non comptés : {left.not_civilian} dont les victimes")
    assert left.sentence(left_out_words(tr("fr"))) in " ".join(fr)


def pdf_pages(pdf: bytes, tmp_path: Path) -> list[str]:
    path = tmp_path / "pack.pdf"
    path.write_bytes(pdf)
    text = subprocess.run(["pdftotext", "-enc", "UTF-8", str(path), "-"], capture_output=True, text=True,
                          check=True).stdout
    return [" ".join(page.split()) for page in text.split("\f") if page.strip()]


@pytest.fixture(scope="module")
def whole_record_pack():
    bundled = load_bundled()
    request = ExportRequest.of_filter(bundled, FilterSpec(), version="v1", generated_at=AT, **WHO)
    return request, briefing_pdf(request)


def test_the_first_page_reads_aloud(whole_record_pack, tmp_path):
    request, pdf = whole_record_pack
    first = pdf_pages(pdf, tmp_path)[0]
    assert "Executive summary" in first
    view = request.view  # the span of the counted incidents' dates, as the briefing says it
    period = describe_period(view["date_start"].min().date(), view["date_end"].max().date())
    for finding in key_findings(view, period=period):
        assert finding.split(":")[0] in first
    assert "Prepared by: A. Researcher" in first and "Organisation: Sahel Desk" in first
    assert "Date of analysis: 3 Nov 2025" in first and "Handling: For internal use" in first
    assert RECORD_STATEMENT in first and request.left_out.sentence() in first
    assert "no filter: the whole dataset" not in first  # the default is not the whole dataset


def test_the_marking_is_on_every_page(whole_record_pack, tmp_path):
    _, pdf = whole_record_pack
    pages = pdf_pages(pdf, tmp_path)
    assert len(pages) > 3
    assert all("FOR INTERNAL USE" in page for page in pages)


def test_the_most_serious_fit_on_one_page_and_the_annex_lists_all(whole_record_pack, tmp_path):
    request, pdf = whole_record_pack
    pages = pdf_pages(pdf, tmp_path)
    serious = [i for i, page in enumerate(pages) if "The most serious incidents" in page]
    assert len(serious) == 1
    page = pages[serious[0]]
    for r in most_serious(request.view).itertuples():
        assert r.location.split(" (")[0][:25] in page, r.incident_id
    annex = next(i for i, p in enumerate(pages) if f"Annex: all {len(request.view)} incidents" in p)
    assert annex == serious[0] + 1
    rest = " ".join(pages[annex:])
    for r in request.view.itertuples():
        assert r.location.split(" (")[0][:25] in rest, r.incident_id


def test_a_small_selection_has_no_separate_table_of_the_most_serious():
    bundled = load_bundled()
    request = ExportRequest.of_filter(bundled, OCT, version="v1", generated_at=AT)
    html = briefing_html(request.with_(view=request.view.head(3)))
    assert "The most serious incidents" not in html and "Executive summary" in html


def test_the_first_page_is_saved_to_look_at(whole_record_pack, tmp_path):
    bundled = load_bundled()
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    october = ExportRequest.of_filter(bundled, OCT, version="v1", generated_at=AT, **WHO)
    for name, pdf in (("first-page-oct2025-en", briefing_pdf(october)),
                      ("first-page-oct2025-fr", briefing_pdf(october.with_(lang="fr"))),
                      ("first-page-whole-record-en", whole_record_pack[1])):
        path = tmp_path / f"{name}.pdf"
        path.write_bytes(pdf)
        subprocess.run(["pdftoppm", "-r", "80", "-png", "-f", "1", "-l", "1", "-singlefile", str(path),
                        str(ARTIFACTS / name)], check=True)
        assert (ARTIFACTS / f"{name}.png").stat().st_size > 10_000
