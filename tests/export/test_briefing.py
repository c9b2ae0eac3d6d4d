"""The briefing pack: the PDF's text says the facts of exactly the incidents given (in English and in French, the
same numbers), incident text is escaped, only http(s) sources are links, public mode shows no internal notes, and
the pages are saved as PNG under test-artifacts/briefing/ to be looked at."""

from __future__ import annotations

import re
import subprocess
from datetime import UTC, date, datetime
from html import unescape
from pathlib import Path

import pytest

from dashboard.data.public import public_view
from dashboard.data.reference import cercle_seats
from dashboard.data.schema import parse_sources
from dashboard.data.store import dataset_version, load_bundled
from dashboard.export.briefing import (
    briefing_html,
    briefing_pdf,
    number_sources,
    timeline_svg,
)
from dashboard.export.request import ExportRequest
from dashboard.export.story import Story
from dashboard.i18n import tr
from dashboard.query.aggregate import totals
from dashboard.query.filters import filter_incidents
from dashboard.query.spec import FilterSpec
from dashboard.wording import describe_period, toll_text, toll_words
from tests.factories import incidents, row

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "briefing"
AT = datetime(2026, 11, 27, 9, 30, tzinfo=UTC)
OCT_2025 = FilterSpec(start=date(2025, 10, 1), end=date(2025, 10, 31))


@pytest.fixture(scope="module")
def bundled():
    return load_bundled()


@pytest.fixture(scope="module")
def october(bundled):
    return filter_incidents(bundled, OCT_2025)


def pdf_text(pdf: bytes, tmp_path: Path, name: str = "pack.pdf", *, raw: bool = False) -> str:
    """The PDF's text; ``raw`` keeps a hyphen at the end of a line (the default mode drops it, which would cut
    "segou-bamako" in a wrapped URL to "segoubamako")."""
    path = tmp_path / name
    path.write_bytes(pdf)
    return subprocess.run(["pdftotext", "-enc", "UTF-8", *(["-raw"] if raw else []), str(path), "-"],
                          capture_output=True, text=True, check=True).stdout


def squash(text: str) -> str:
    """Text without any whitespace: URLs and sentences survive the PDF's line wrapping."""
    return "".join(text.split())


def has(text: str, words: str) -> bool:
    """``words`` in the text (line breaks as spaces), as written or in small capitals (CSS uppercases headings)."""
    text = " ".join(text.split())
    return words in text or words.upper() in text


def request(view, spec, total=81, version="abc123def456", **kw) -> ExportRequest:
    return ExportRequest(view=view, selection=spec, total=total, version=version, generated_at=AT, **kw)


def story_request(incidents, story, version="v") -> ExportRequest:
    return ExportRequest.of_story(incidents, story, version=version, generated_at=AT)


def pack(view, spec, total=81, **kw) -> bytes:
    return briefing_pdf(request(view, spec, total, **kw))


def save_pages(pdf: bytes, name: str) -> list[Path]:
    """Write the PDF and its pages as PNG (70 dpi) into test-artifacts/briefing/ for a human to look at."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    for old in ARTIFACTS.glob(f"{name}-*.png"):
        old.unlink()
    path = ARTIFACTS / f"{name}.pdf"
    path.write_bytes(pdf)
    subprocess.run(["pdftoppm", "-png", "-r", "70", str(path), str(ARTIFACTS / name)], check=True)
    return sorted(ARTIFACTS.glob(f"{name}-*.png"))


def test_the_english_pack_states_the_facts_of_the_selection(october, tmp_path):
    pdf = pack(october, OCT_2025)
    assert pdf.startswith(b"%PDF-")
    text = pdf_text(pdf, tmp_path)
    flat = squash(pdf_text(pdf, tmp_path, raw=True))
    t = totals(october)
    assert (t.incidents, t.killed_min, t.killed_max) == (7, 68, 86)
    assert OCT_2025.describe() in text  # the filter sentence
    for words in ("Kamona", "Balle", "Dougabougou", "Markala", "Key figures", "Methods and caveats", "Sources"):
        assert has(text, words), words
    assert "68–86" in text and "at least 68, up to 86" in text
    assert "21–37" in text  # Kamona's own toll, as a range
    assert "of 81 in the dataset" in text
    for cell in october["sources"]:
        for source in parse_sources(cell):
            if source.url:
                assert squash(source.url) in flat, source.url
    assert "dataset version abc123def456" in text and "2026-11-27 09:30 UTC" in text
    assert "Balle (Ballé), about 55 km from Kamona" in text
    # region-level (the Ségou axis, the Ségou-Bamako road): listed under the map, not drawn
    assert re.search(r"Not drawn on the map:\s*#3 Ségou axis .*· #4 Ségou-Bamako road", " ".join(text.split()))
    assert "reported" in text and "Perpetrators are alleged" in text and "Unknown is not zero" in text


def test_the_french_pack_has_french_labels_and_the_same_numbers(october, tmp_path):
    text = pdf_text(pack(october, OCT_2025, lang="fr"), tmp_path)
    assert "NOTE D'INFORMATION" in text  # the kind of document, in small capitals
    for words in ("Chiffres clés", "Tués", "Méthode et mises en garde", "Auteurs présumés",
                  "sur 81 dans le jeu de données", "au moins 68, jusqu'à 86", "Incidents ayant fait des victimes civiles dans la région de Ségou, 1er–31 oct. 2025",
                  "Forces étatiques", "Milice progouvernementale", "2 oct. 2025", "selon des témoins",
                  "Inconnu n'est pas zéro"):
        assert has(text, words), words
    assert "68–86" in text and "21–37" in text and "Kamona" in text  # same facts
    assert not has(text, "Key figures") and not has(text, "Methods and caveats")


def test_the_french_sentence_comes_from_the_one_describer():
    spec = FilterSpec(start=date(2025, 9, 3), end=date(2025, 10, 1), perpetrator_categories={"state_forces",
                      "progov_militia"}, actors={"Dozo"}, admin2={"Niono"}, min_fatalities=5,
                      verification={"confirmed"}, geo_precisions={1}, datasets={"acled"}, min_sources=2,
                      text="Kamona",
                      scope="civilian", event_types={"Violence against civilians"},
                      actor_groups={"Dozo militias"})
    fr = tr("fr").words()
    assert spec.describe(fr) == (
        "Incidents de type Violence contre des civils (Violence against civilians) ayant fait des victimes civiles, "
        "dans la région ou en dehors, attribués aux milices progouvernementales ou aux forces étatiques, dont les "
        "auteurs présumés comprennent : milices dozo, dont un auteur est nommé comme « Dozo », dans le cercle de "
        "Niono, 3 sept. – 1er oct. 2025 ; au moins 5 tués ; vérification confirmé ; localisation lieu exact ; "
        "rapportés dans acled ; d'au moins 2 sources indépendantes ; mentionnant « Kamona »")
    assert spec.describe() == spec.describe(tr("en").words())  # English is the default words
    assert FilterSpec().describe(fr) == "Incidents ayant fait des victimes civiles dans la région de Ségou"
    assert FilterSpec(scope="all").describe(fr) == "Incidents de tout le registre, incidents liés compris"
    assert FilterSpec(perpetrator_categories={"state_forces"}, start=date(2025, 10, 1), end=date(2025, 10, 31),
                      admin2={"Niono", "Macina"}).describe(fr) == (
        "Incidents ayant fait des victimes civiles dans la région de Ségou, attribués aux forces étatiques, dans les "
        "cercles de Macina ou Niono, 1er–31 oct. 2025")
    dates = tr("fr").dates()
    assert describe_period(date(2025, 10, 2), date(2025, 10, 2), dates) == "le 2 oct. 2025"
    assert describe_period(date(2024, 1, 1), None, dates) == "à partir du 1er janv. 2024"
    assert describe_period(None, date(2022, 3, 5), dates) == "jusqu'au 5 mars 2022"
    assert describe_period(date(2024, 12, 1), date(2025, 2, 1), dates) == "du 1er déc. 2024 au 1er févr. 2025"


@pytest.mark.parametrize(("lo", "hi"), [(21, 37), (6, 6), (6, None), (None, 4), (None, None), (0, 0)])
def test_tolls_say_the_same_numbers_in_both_languages(lo, hi):
    en, fr = toll_text(lo, hi, words=toll_words(tr("en"))), toll_text(lo, hi, words=toll_words(tr("fr")))
    assert re.findall(r"\d+", en) == re.findall(r"\d+", fr)
    assert ("unknown" in en) == ("inconnu" in fr)
    assert fr != "0" or (lo, hi) == (0, 0)  # unknown is never written as 0


def test_numbers_and_days_are_written_as_the_language_does():
    fr, en = tr("fr"), tr("en")
    assert fr.number(1_000_000) == "1\u202f000\u202f000" and en.number(1_000_000) == "1,000,000"
    assert fr.day(date(2025, 10, 2)) == "2 oct. 2025" and en.day(date(2025, 10, 2)) == "2 Oct 2025"
    assert fr.day(date(2025, 10, 1)) == "1er oct. 2025"
    assert toll_text(21, 37, words=toll_words(fr)) + " " + fr.gettext("killed") == "21–37 tués"
    assert toll_text(1200, 3400, words=toll_words(fr), thousands=True) == "1\u202f200–3\u202f400"


def test_incident_text_is_escaped_and_only_http_sources_are_links(tmp_path):
    no_url = '[{"organisation": "Radio <b>Kayira</b>", "title": "on air"}]'
    hostile = incidents(
        row(summary="<script>alert(1)</script> & {{ 7*7 }}", location="Kamona <i>x</i>"),
        row(incident_id="T-2", sources=no_url, perpetrators="<img src=x onerror=alert(2)>"),
    )
    html = briefing_html(request(hostile, FilterSpec(text="<b>"), total=2, version="v"))
    assert "<script>alert(1)" not in html and "&lt;script&gt;alert(1)&lt;/script&gt; &amp;" in html
    assert "<img src=x" not in html and "<i>x</i>" not in html and "<b>Kayira" not in html
    assert "{{ 7*7 }}" in html  # shown as written, not evaluated
    hrefs = re.findall(r'<a href="([^"]*)"', html)
    assert hrefs == ["https://example.org/r/1"]  # the source without a URL is not a link
    assert "&lt;b&gt;" in html  # the filter's own text is escaped too
    text = pdf_text(briefing_pdf(request(hostile, FilterSpec(), total=2, version="v")), tmp_path)
    assert "<script>alert(1)</script>" in text  # printed as text, never run
    assert "Radio <b>Kayira</b>" in text


def test_sources_are_numbered_once_each_and_cited_by_number(october):
    refs, cited = number_sources(october)
    urls = [r.url for r in refs if r.url]
    assert len(urls) == len(set(urls))
    assert [r.number for r in refs] == list(range(1, len(refs) + 1))
    for ident, cell in zip(october["incident_id"], october["sources"], strict=True):
        assert {refs[n - 1].url for n in cited[ident]} == {s.url for s in parse_sources(cell)}
    assert all(r.link for r in refs if r.url)


def test_public_pack_uses_the_coarsened_frame_and_shows_no_internal_notes(tmp_path):
    secret = incidents(row(verification_note="witness Secret-Name told us", geocoded_from="village X (Sentinel)",
                           source_record_id="REC-42", latitude="14.1234", longitude="-5.4321", geo_precision="1"))
    coarse = public_view(secret, cercle_seats())
    html = briefing_html(request(coarse, FilterSpec(), total=1, version="v", public=True))
    for hidden in ("Secret-Name", "village X", "REC-42", "public mode: seat of"):
        assert hidden not in html
    text = pdf_text(briefing_pdf(request(coarse, FilterSpec(), total=1, version="v", public=True)), tmp_path)
    assert "Public version" in text and "coarsened" in text
    assert "0 exact place(s)" in text  # public points are never "exact"


def test_an_empty_selection_gives_a_short_honest_pack(bundled, tmp_path):
    spec = FilterSpec(start=date(2014, 1, 1), end=date(2014, 12, 31))  # no curated incident in 2014
    text = pdf_text(pack(filter_incidents(bundled, spec), spec), tmp_path)
    assert "No incident matches this selection." in text and spec.describe() in text


def test_same_input_same_document(october):
    a = briefing_html(request(october, OCT_2025, version="v"))
    b = briefing_html(request(october, OCT_2025, version="v"))
    assert a == b


def test_timeline_renders_offline_in_both_languages(october):
    en, fr = timeline_svg(october, "en"), timeline_svg(october, "fr")
    assert en.lstrip().startswith("<svg") and "Alleged perpetrator" in en
    assert "Auteur présumé" in fr and "Forces étatiques" in fr and "Alleged perpetrator" not in fr


def test_story_pdf_follows_the_story_order_with_notes(bundled, tmp_path):
    story = Story.of("October 2025 <operations>", ["SEG-2025-010", "SEG-2025-008"],
                     ["Balle, ten killed", "Kamona, eleven days earlier"])
    html = briefing_html(story_request(bundled, story))
    assert "October 2025 &lt;operations&gt;" in html
    text = pdf_text(briefing_pdf(story_request(bundled, story)), tmp_path)
    assert text.index("Step 1 · Balle") < text.index("Balle, ten killed") < text.index("Step 2 · Kamona")
    assert "Kamona, eleven days earlier" in text and "A story of 2 incidents" in text
    assert "Numbers are the steps of the story" in text


def test_pages_are_saved_as_png_to_look_at(bundled, october):
    """Not a pixel test: it writes the pages a person checks (see the PR description for what they show)."""
    version = dataset_version(bundled)
    made = {
        "oct2025-en": pack(october, OCT_2025, total=len(bundled), lang="en"),
        "oct2025-fr": pack(october, OCT_2025, total=len(bundled), lang="fr"),
        "all-en": pack(bundled, FilterSpec(), total=len(bundled)),
        "story-en": briefing_pdf(story_request(bundled, Story.of(
            "October 2025: operations around Niono", ["SEG-2025-008", "SEG-2025-009", "SEG-2025-010"],
            ["Kamona: witnesses describe executions.", "", ""]), version=version)),
    }
    for name, pdf in made.items():
        pages = save_pages(pdf, name)
        assert pages, name
    assert len(list(ARTIFACTS.glob("oct2025-en-*.png"))) >= 2
    assert len(list(ARTIFACTS.glob("all-en-*.png"))) > len(list(ARTIFACTS.glob("oct2025-en-*.png")))


@pytest.mark.parametrize(("lang", "convention", "counted"), [
    ("en", "Airwars' convention", "1 incident(s) here combine 2 reports"),
    ("fr", "convention d'Airwars", "1 incident(s) ici réunissent 2 rapports"),
])
def test_the_methods_box_states_how_reports_are_counted(lang, convention, counted):
    from dashboard.data.reconcile.incidents import build_incidents

    reports = incidents(row(incident_id="SEG-1", dataset="segou-curated", source_record_id="SEG-1",
                            fatalities_min="6", fatalities_max=None),
                        row(incident_id="ACLED-1", dataset="acled", source_record_id="1", fatalities_min="27",
                            fatalities_max="27"))
    merged = build_incidents(reports, [0, 0]).frame
    # no reports given: only --include-restricted keeps an incident that an ACLED report joins (docs/licences.md)
    html = unescape(briefing_html(request(merged, FilterSpec(), total=1, version="v", lang=lang,
                                          include_restricted=True)))
    assert convention in html and counted in html
    assert "1 have reports whose figures do not overlap" in html or "1 ont des rapports" in html
