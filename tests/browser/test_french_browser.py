"""The app in French, in a real browser: every page opened with ``lang=fr``, in the private and the public view, its
expanders opened, shows none of the catalogue's English strings (the data's own text left aside), the Review page with a pair waiting and its
evidence sentence too; the October 2025 view reads in French with French dates and numbers, the timeline's axis
with French month names; screenshots at a laptop's and a phone's size are saved under test-artifacts/browser/ to be
looked at."""

from __future__ import annotations

import re
import string
from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from playwright.sync_api import expect

from dashboard.data.importer import import_file
from dashboard.i18n import LOCALE_DIR
from tests import serving
from tests.browser.conftest import SERVER_READY_TIMEOUT_S, recorded_page
from tests.browser.mapcheck import EXCEPTION, FOLIUM_FRAME, MAP_TIMEOUT_MS, open_cite
from tests.factories import NEAR_SIRAKORO, acled_file

PAGES = ("map", "timeline", "table", "story", "export", "data", "review", "about")
FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
SIZES = {"laptop": {"width": 1440, "height": 900}, "phone": {"width": 390, "height": 844}}
# the data's own text (summaries, sources, notes, place names as the sources wrote them) is not the catalogue's;
# Material icons are ligatures ("public" draws a globe), not text
DATA_TEXT = (".incident-card p, .incident-card ol.sources, .incident-card .report-table, .story-note, "
             "[data-testid='stDataFrame'], [data-testid='stTable'], .stCode, [data-testid='stCode'], "
             "[data-testid='stIconMaterial'], .incident-card .geocoded-from, .incident-card .data-text, "
             "[data-testid='stMultiSelectTagsContainer']")  # a story's chosen steps: places as reported


def _literal_chunks(msgid: str) -> list[str]:
    """The fixed words of a template (between its placeholders), without Markdown marks."""
    chunks = [literal for literal, _, _, _ in string.Formatter().parse(msgid)]
    return [" ".join(re.sub(r"[*`]", "", c).split()) for c in chunks if c and c.strip()]


def english_strings() -> tuple[dict[str, re.Pattern], set[str]]:
    """(phrases, words): the catalogue's English strings whose French differs, as patterns matching a whole phrase
    of two words or more (bounded by non-letters), and one-word strings that must not be a whole line."""
    with open(LOCALE_DIR / "fr" / "LC_MESSAGES" / "messages.po", "rb") as f:
        catalog = read_po(f, locale="fr")
    phrases: set[str] = set()
    words: set[str] = set()
    for m in catalog:
        if not m.id:
            continue
        ids = m.id if isinstance(m.id, tuple) else (m.id,)
        strings = m.string if isinstance(m.string, tuple) else (m.string,)
        translated = " ".join(strings)
        for msgid in ids:
            for chunk in _literal_chunks(msgid):
                if chunk.strip(" :·;,.()") in translated:  # the same in French ("Points", "PDF", "GeoJSON (SIG)"'s "GeoJSON")
                    continue
                letters = re.sub(r"[^A-Za-z ]", " ", chunk).split()
                if len(letters) >= 2:
                    phrases.add(chunk)
                elif len(letters) == 1 and len(letters[0]) > 2:
                    words.add(chunk.strip(" :·;,.()"))
    patterns = {p: re.compile(r"(?<![A-Za-zÀ-ÿ])" + re.escape(p) + r"(?![A-Za-zÀ-ÿ])") for p in sorted(phrases)}
    return patterns, {w for w in words if w}


ENGLISH_PHRASES, ENGLISH_WORDS = english_strings()


def visible_text(page) -> str:
    """The page's visible text (and the map frame's), the data's own text removed."""
    script = f"""() => {{
        const root = document.querySelector("[data-testid='stApp']") || document.body;
        const copy = root.cloneNode(true);
        copy.querySelectorAll("{DATA_TEXT}").forEach(e => e.remove());
        document.body.appendChild(copy); copy.style.position = "absolute"; copy.style.left = "-99999px";
        const text = copy.innerText; copy.remove(); return text;
    }}"""
    texts = [page.evaluate(script)]
    for frame in page.frames[1:]:
        try:
            texts.append(frame.evaluate(script.replace("[data-testid='stApp']", ".folium-map")))
        except Exception:  # a frame without a document (or navigated away): nothing to read
            continue
    return "\n".join(texts)


def open_expanders(page) -> None:
    """Open every expander, so that what they hold is read too."""
    for summary in page.locator("[data-testid='stExpander'] summary").all():
        if summary.get_attribute("aria-expanded") != "true":
            summary.click()
    page.wait_for_timeout(1000)


def english_on(text: str) -> list[str]:
    found = [phrase for phrase, pattern in ENGLISH_PHRASES.items() if pattern.search(text)]
    lines = {" ".join(line.split()).strip(" :·") for line in text.splitlines()}
    found += sorted(w for w in ENGLISH_WORDS if w in lines)
    return found


def open_french(web, path: str):
    page = web.open(path)
    # the sidebar's last widget is drawn: the whole script has run
    expect(page.locator("[data-testid='stSidebar']").get_by_role("button", name=re.compile(
        "Effacer tous les filtres|Clear all filters"))).to_be_visible(timeout=30_000)
    expect(page.locator(EXCEPTION)).to_have_count(0)
    page.wait_for_timeout(1500)  # late elements (the timeline chart, the map frame) finish drawing
    return page


def test_the_english_strings_are_found_on_an_english_page(web):
    # the check can fail: the English page shows the catalogue's strings it looks for
    page = open_french(web, "/?page=table&lang=en")
    found = english_on(visible_text(page))
    assert "Table and key figures" in " ".join(found) and "Cite this view" in " ".join(found), found


@pytest.mark.parametrize("page_name", PAGES)
def test_every_page_in_french_shows_no_english_string(web, page_name):
    page = open_french(web, f"/?page={page_name}&lang=fr")
    expect(page.locator("[data-testid='stSidebar']").get_by_text("Langue", exact=True)).to_be_visible()
    if page_name == "map":
        frame = page.frame_locator(FOLIUM_FRAME)
        frame.locator(".incident-legend").wait_for(timeout=MAP_TIMEOUT_MS)
        expect(frame.locator(".incident-legend")).to_contain_text("sur la carte")
    open_expanders(page)
    found = english_on(visible_text(page))
    for name, size in SIZES.items():
        page.set_viewport_size(size)
        page.wait_for_timeout(700)
        web.screenshot(f"french-{page_name}-{name}.png", full_page=False)
    assert not found, f"English on the French {page_name} page: {found}"


def test_the_october_2025_view_reads_in_french(web):
    page = open_french(web, "/?from=2025-10-01&to=2025-10-31&lang=fr")
    main = page.locator("[data-testid='stMain']")
    expect(main.get_by_text("Incidents ayant fait des victimes civiles dans la région de Ségou, 1er–31 oct. 2025",
                            exact=True)).to_be_visible()
    caption = main.get_by_text(re.compile(r"^\d+ incidents affichés sur \d+ · au moins \d+ \(jusqu'à \d+\) tués"))
    expect(caption.first).to_be_visible()
    frame = page.frame_locator(FOLIUM_FRAME)
    frame.locator(".incident-legend").wait_for(timeout=MAP_TIMEOUT_MS)
    expect(frame.locator(".incident-legend")).to_contain_text("Auteur présumé")
    text = visible_text(page)
    assert not english_on(text), english_on(text)
    cite = open_cite(page)
    expect(cite).to_contain_text("lang=fr")
    expect(cite).to_contain_text("version du jeu de données")
    text = visible_text(page)
    assert not english_on(text), english_on(text)
    expect(page.locator("[data-testid='stSidebarNav']")).to_contain_text("Chronologie")
    for name, size in SIZES.items():
        page.set_viewport_size(size)
        page.wait_for_timeout(800)
        web.screenshot(f"french-oct2025-{name}.png", full_page=False)
    # a large figure is grouped as French groups it (narrow no-break spaces), on the table page
    page = open_french(web, "/?page=table&from=2025-10-01&to=2025-10-31&lang=fr")
    expect(page.locator(".key-figures dt").first).to_have_text("Incidents")
    expect(page.locator(".key-figures dt").nth(1)).to_have_text("Tués, au moins")


def test_the_switch_changes_the_language_and_the_link(web):
    page = open_french(web, "/?lang=fr")
    sidebar = page.locator("[data-testid='stSidebar']")
    sidebar.get_by_text("English", exact=True).click()
    expect(page.locator("[data-testid='stMain'] h1").first).to_have_text("Incidents in the Ségou region")
    page.wait_for_function("() => !location.search.includes('lang=fr')")
    sidebar.get_by_text("Français", exact=True).click()
    expect(page.locator("[data-testid='stMain'] h1").first).to_have_text("Incidents dans la région de Ségou")
    page.wait_for_function("() => location.search.includes('lang=fr')")


def test_a_french_browser_gets_french_by_default(browser, app_url):
    context = browser.new_context(viewport=SIZES["laptop"], locale="fr-FR", service_workers="block")
    try:
        page = context.new_page()
        page.goto(app_url + "/", wait_until="domcontentloaded")
        expect(page.locator("[data-testid='stMain'] h1").first).to_have_text("Incidents dans la région de Ségou",
                                                                              timeout=30_000)
    finally:
        context.close()


@pytest.fixture(scope="module")
def public_url(tmp_path_factory):
    """The app in the public view (coarsened places, no review, fewer exports) on the bundled data."""
    workdir = tmp_path_factory.mktemp("served-french-public")
    try:
        with serving.serve(workdir / "incidents.gpkg", workdir, public=True,
                           ready_timeout_s=SERVER_READY_TIMEOUT_S) as served:
            yield served.base
    except serving.ServerError as exc:
        pytest.fail(str(exc))


@pytest.fixture(scope="module")
def review_url(tmp_path_factory):
    """The app on a store where a pair of reports waits for review (the ACLED overlap fixture and one near report)."""
    workdir = tmp_path_factory.mktemp("served-french-review")
    store = workdir / "incidents.gpkg"
    import_file(FIXTURES / "acled_segou_overlap.csv", store)
    import_file(acled_file(workdir / "near.csv", **NEAR_SIRAKORO), store)
    try:
        with serving.serve(store, workdir, ready_timeout_s=SERVER_READY_TIMEOUT_S) as served:
            yield served.base
    except serving.ServerError as exc:
        pytest.fail(str(exc))


@pytest.mark.parametrize("page_name", PAGES)
def test_every_public_page_in_french_shows_no_english_string(browser, public_url, page_name):
    with recorded_page(browser, public_url) as web:
        page = open_french(web, f"/?page={page_name}&lang=fr")
        expect(page.locator("[data-testid='stMain']")).to_contain_text("Vue publique")
        open_expanders(page)
        found = english_on(visible_text(page))
        page.set_viewport_size(SIZES["phone"])
        page.wait_for_timeout(700)
        web.screenshot(f"french-public-{page_name}-phone.png", full_page=False)
        assert not found, f"English on the French public {page_name} page: {found}"


def test_the_review_page_in_french_says_its_evidence_in_french(browser, review_url):
    with recorded_page(browser, review_url) as web:
        page = open_french(web, "/?page=review&scope=all&lang=fr")
        main = page.locator("[data-testid='stMain']")
        evidence = main.get_by_text(re.compile(r"^Éléments \(\d+ points\) : même jour · même commune · "))
        expect(evidence.first).to_be_visible()
        expect(evidence.first).to_contain_text("tués : ")
        expect(main.get_by_role("button", name="Lier : même événement")).to_be_visible()
        found = english_on(visible_text(page))
        assert "same day" not in visible_text(page) and "same commune" not in visible_text(page)
        for name, size in SIZES.items():
            page.set_viewport_size(size)
            page.wait_for_timeout(700)
            web.screenshot(f"french-review-pair-{name}.png", full_page=False)
        assert not found, f"English on the French Review page: {found}"


def test_the_timeline_axis_reads_in_french(web):
    # Streamlit draws Vega as SVG: a screen reader reads the axes and legends from the ARIA labels Vega writes on
    # their groups, which the chart gives in the reader's language (Vega's own sentence, "X-axis titled …", is
    # English whatever the locale), with the first and last periods formatted by the chart's locale
    page = open_french(web, "/?page=timeline&from=2025-01-01&to=2025-12-31&lang=fr")
    chart = page.locator("[data-testid='stVegaLiteChart']")
    axis = chart.locator("[aria-roledescription='axis'][aria-label^='Axe horizontal']").first
    axis.wait_for(state="attached", timeout=30_000)
    label = axis.get_attribute("aria-label")
    french = "janv|févr|mars|avr|mai|juin|juil|août|sept|oct|nov|déc"
    assert re.fullmatch(rf"Axe horizontal : Mois, de ({french})\.? 2025 à ({french})\.? 2025", label), label
    spoken = [e.get_attribute("aria-label") for e in chart.locator("[aria-roledescription='axis'], "
                                                                      "[aria-roledescription='legend']").all()]
    assert len(spoken) == 4 and any(s.startswith("Axe vertical : Incidents") for s in spoken), spoken
    assert sum(s.startswith("Légende : ") for s in spoken) == 2, spoken
    assert not any(re.search(r"X-axis|Y-axis|titled|Symbol legend|for a (time|linear|discrete) scale", s)
                   for s in spoken), spoken
    bars = page.locator("[data-testid='stVegaLiteChart'] path[aria-label]").first.get_attribute("aria-label")
    assert re.search(r"^(janv|févr|mars|avr|mai|juin|juil|août|sept|oct|nov|déc)\.? 2025 · .+ · \d+ incidents? · "
                     r"date connue ", bars), bars  # a bar's description, for screen readers


def test_a_hexagon_s_tooltip_reads_in_french(web):
    page = open_french(web, "/?mode=hexbin&lang=fr")
    frame = page.frame_locator(FOLIUM_FRAME)
    hexagon = frame.locator("path.incident-hex").first
    hexagon.wait_for(timeout=MAP_TIMEOUT_MS)
    hexagon.hover(force=True)
    tip = frame.locator(".leaflet-tooltip").first
    expect(tip).to_be_visible()
    assert re.fullmatch(r"\d+ incidents? · tués : \d+(–\d+)?( · bilan inconnu pour \d+)?", tip.inner_text()), \
        tip.inner_text()
