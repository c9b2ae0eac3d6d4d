"""Hostile incident text through every page, in Debian's chromium, in the private and the public view (issue 22
item 2): text that would call a server the test runs (:mod:`tests.browser.canary`: Markdown images and links,
HTML images, scripts, styles, frames, autolinks) is imported as incident ids, places, summaries, actors, regions
and source names, and shown by the map (markers, popups, the side card, the picker of incidents not drawn), the
timeline's cards, the table, the story (its editor's step labels and chips, a step's card), the review page (a pair
whose two reports carry it), the briefing page and the files it makes (the HTML map, opened in the browser; the PDF
briefing, built by the server), the Data page and the About page.

Shown as text means: no element of any frame points at the canary (no ``<img>``/``<a>``/``<iframe>``/``<link>``
with its address, no style or event handler naming it), no script ran (``window.__canary``), no dialog opened,
the canary server received no request at all (from the browser or from the server building the PDF), and the
browser asked nothing of any host but 127.0.0.1; and the text *is* there, as text.
"""

from __future__ import annotations

import re
import subprocess
from pathlib import Path
from types import SimpleNamespace
from urllib.parse import quote

import pytest
from playwright.sync_api import expect

from dashboard.data.importer import import_file
from dashboard.data.sources.registry import licence_of
from dashboard.data.store import load_store, write_store
from tests import serving
from tests.browser.canary import canary_server, native_rows, payloads
from tests.browser.conftest import SERVER_READY_TIMEOUT_S, recorded_page
from tests.browser.mapcheck import EXCEPTION, FOLIUM_FRAME, MAP_TIMEOUT_MS, MARKERS, open_options, wait_idle
from tests.factories import NEAR_SIRAKORO, acled_file, incidents, row
from tests.hardening import corpus

pytestmark = pytest.mark.browser


# In every frame: an element whose address-bearing attribute (or style, or event handler) names the canary.
POINTING_AT = """(needle) => {
  const found = [];
  const urlish = /^(href|src|srcset|action|formaction|poster|data|background|xlink:href|style|srcdoc)$|^on/i;
  for (const el of document.querySelectorAll('*')) {
    for (const a of el.attributes) {
      if (urlish.test(a.name) && a.value.includes(needle)) found.push(`<${el.tagName} ${a.name}=${a.value.slice(0, 90)}>`);
    }
  }
  for (const sheet of document.styleSheets) {
    try { for (const rule of sheet.cssRules) if (rule.cssText.includes(needle)) found.push(`css ${rule.cssText.slice(0, 90)}`); }
    catch (e) { found.push(`unreadable stylesheet ${sheet.href}`); }
  }
  if (window.__canary !== undefined) found.push('window.__canary is set: a script ran');
  return found;
}"""


@pytest.fixture(scope="module")
def canary():
    with canary_server() as server:
        yield server


@pytest.fixture(scope="module")
def hostile_store(canary, tmp_path_factory):
    """A store holding the canary payloads: a report whose id and summary carry them, an ACLED report of the same
    event carrying them in its notes (the pair waits for review), and one native row per payload."""
    folder = tmp_path_factory.mktemp("canary-store")
    store = folder / "incidents.gpkg"
    texts = payloads(canary.base)
    write_store(store, incidents(row(
        incident_id=f"{texts[0]} seed", date_start="2026-01-08", latitude="13.83291", longitude="-5.75323",
        admin2="Macina", admin3="Kolongotomo", location="Tongolo Coura", geo_precision="1", summary=texts[3],
        perpetrators=texts[1], fatalities_min="3", fatalities_max="3")))
    report = import_file(corpus.write_native_csv(folder / "canary.csv", native_rows(canary.base)), store)
    assert (report.added, report.rejected) == (len(texts), 0), report.problems
    near = acled_file(folder / "near.csv", **{**NEAR_SIRAKORO, "notes": " ".join(texts[:4])})
    report = import_file(near, store)
    assert report.matches is not None and len(report.matches.waiting) == 1, report.summary()
    stored = load_store(store, write_cache=False)
    canary.assert_untouched("importing")
    return SimpleNamespace(path=store, incidents=stored.incidents, texts=texts)


@pytest.fixture(scope="module", params=["private", "public"])
def served(request, hostile_store, tmp_path_factory):
    workdir = tmp_path_factory.mktemp(f"canary-{request.param}")
    store = workdir / "incidents.gpkg"
    store.write_bytes(hostile_store.path.read_bytes())
    try:
        with serving.serve(store, workdir, public=request.param == "public",
                           ready_timeout_s=SERVER_READY_TIMEOUT_S) as server:
            yield SimpleNamespace(base=server.base, public=request.param == "public", workdir=workdir)
    except serving.ServerError as exc:
        pytest.fail(str(exc))


@pytest.fixture
def web(browser, served, canary):
    with recorded_page(browser, served.base, timeout_ms=45_000) as recorder:
        recorder.dialogs = []

        def on_dialog(dialog):
            recorder.dialogs.append(f"{dialog.type}: {dialog.message}")
            dialog.dismiss()

        recorder.page.on("dialog", on_dialog)
        canary.requests.clear()
        yield recorder


def open_page(web, path: str):
    page = web.open(path, timeout_ms=MAP_TIMEOUT_MS)
    wait_idle(page)
    return page


def assert_shown_as_text(web, canary, where: str) -> None:
    page = web.page
    page.wait_for_timeout(500)  # anything the page would fetch or run has had the time to start
    found = []
    for frame in page.frames:
        try:
            found += [f"{frame.url[:50]}: {f}" for f in frame.evaluate(POINTING_AT, canary.needle)]
        except Exception as exc:  # a frame that navigated away while we looked
            if "detached" not in str(exc) and "destroyed" not in str(exc):
                raise
    assert not found, f"{where}: elements made from the data:\n" + "\n".join(found[:20])
    assert not web.dialogs, f"{where}: dialogs: {web.dialogs}"
    assert not [u for u in web.requests if canary.needle in u], f"{where}: the browser asked for the canary"
    canary.assert_untouched(where)
    expect(page.locator(EXCEPTION)).to_have_count(0)
    web.assert_local_only()


def visible_text(page) -> str:
    return "\n".join(frame.locator("body").inner_text() for frame in page.frames if frame.url != "about:blank")


def test_map_markers_popups_side_card_and_picker(web, served, hostile_store, canary):
    page = open_page(web, "/?scope=all")
    frame = page.frame_locator(FOLIUM_FRAME)
    frame.locator(".leaflet-container").wait_for(timeout=MAP_TIMEOUT_MS)
    drawn = frame.locator(MARKERS + ", path.incident-outline")
    expect(drawn.first).to_be_attached(timeout=MAP_TIMEOUT_MS)
    wait_idle(page)
    for i in range(drawn.count()):
        drawn.nth(i).dispatch_event("mouseover")
        drawn.nth(i).dispatch_event("click")
        expect(frame.locator(".leaflet-popup .incident-card").last).to_be_attached(timeout=10_000)
    wait_idle(page)
    expect(frame.locator(".leaflet-popup .incident-card").last).to_contain_text(f"{canary.needle}/")
    assert_shown_as_text(web, canary, f"{served.base} map popups")
    # the incidents not drawn: one picker whose options are their (hostile) names, and the card of the one picked
    # (on a fresh page: a marker's click reruns the page a moment later, which would close the picker's list)
    page = open_page(web, "/?scope=all")
    picker = page.locator("[data-testid='stSelectbox']").filter(has_text="Show the card of")
    open_options(page, picker).first.click()
    wait_idle(page)
    expect(page.locator("[data-testid='stMain'] .incident-card").first).to_contain_text(f"{canary.needle}/")
    assert_shown_as_text(web, canary, "map picker")
    # a hostile id selected through the link: its card beside the map
    ident = hostile_store.incidents["incident_id"].loc[lambda s: s.str.contains("md-image")].iloc[-1]
    page = open_page(web, f"/?scope=all&sel={quote(ident, safe='')}")
    card = page.locator(f"[data-testid='stMain'] .incident-card[data-incident-id='{ident}']")
    expect(card.first).to_be_visible(timeout=MAP_TIMEOUT_MS)
    expect(card.first).to_contain_text(f"{canary.needle}/")
    assert_shown_as_text(web, canary, "map with a hostile incident selected")


def test_timeline_and_table(web, served, canary):
    page = open_page(web, "/?page=timeline&scope=all")
    expect(page.locator("[data-testid='stMain'] .incident-card").first).to_be_visible(timeout=MAP_TIMEOUT_MS)
    for path in ("md-image.png", "a-href", "script", "iframe"):
        expect(page.get_by_text(f"{canary.needle}/{path}", exact=False).first).to_be_attached()
    assert_shown_as_text(web, canary, "timeline")
    page = open_page(web, "/?page=table&scope=all")
    expect(page.locator("[data-testid='stDataFrame']").last).to_be_visible(timeout=MAP_TIMEOUT_MS)
    assert_shown_as_text(web, canary, "table")


def test_story_step_labels_chips_and_cards(web, served, hostile_store, canary):
    shown = hostile_store.incidents
    if served.public:  # an incident reported only by ACLED is counted, not shown, in the public view (licences)
        shown = shown[[any(licence_of(d).redistribute for d in str(cell).split(";")) for cell in shown["datasets"]]]
        assert len(shown) < len(hostile_store.incidents)
    n = len(shown)
    page = open_page(web, "/?page=story&scope=all")
    expect(page.get_by_text(f"Step 1 of {n}")).to_be_visible(timeout=MAP_TIMEOUT_MS)
    page.get_by_text("Build, load or save the story").click()
    # each step's note is labelled with its incident id (Markdown-rendered labels); the chips name the incidents
    labels = page.locator("[data-testid='stTextInput'] label").filter(has_text="Note for step")
    expect(labels).to_have_count(n)
    assert_shown_as_text(web, canary, "story editor")
    expect(labels.filter(has_text=f"{canary.needle}/md-image.png").first).to_be_visible()
    expect(labels.filter(has_text=f"{canary.needle}/md-link").first).to_be_attached()
    order = shown.sort_values(["date_start", "incident_id"])["incident_id"]  # the story's
    step = next(k for k, ident in enumerate(order, start=1) if "img.png" in ident)  # the <img> id's step
    page = open_page(web, f"/?page=story&scope=all&step={step}")
    expect(page.get_by_text(f"Step {step} of {n}")).to_be_visible()
    expect(page.locator(".story-card .incident-card")).to_contain_text(f"{canary.needle}/img.png")
    assert_shown_as_text(web, canary, "story step")


def test_review_pair(web, served, canary):
    page = open_page(web, "/?page=review&scope=all")
    if served.public:
        expect(page.get_by_text("Reviewing matches is turned off in the public view")).to_be_visible()
    else:
        expect(page.get_by_text(re.compile(r"\d+ pairs? waits? for review"))).to_be_visible()
        expect(page.get_by_role("combobox", name="Pair")).to_have_value(
            re.compile(re.escape(f"{canary.needle}/md-image.png")))
        cards = page.locator("[data-testid='stMain'] .incident-card")
        expect(cards).to_have_count(2)
        expect(cards.last).to_contain_text(f"{canary.needle}/script")
    assert_shown_as_text(web, canary, "review")


def test_export_page_and_its_files(web, served, canary, tmp_path):
    page = open_page(web, "/?page=export&scope=all")
    downloads = page.locator("[data-testid='stDownloadButton'] button")
    expect(downloads.filter(has_text="HTML map")).to_be_visible(timeout=MAP_TIMEOUT_MS)
    with page.expect_download(timeout=120_000) as html_download:
        downloads.filter(has_text="HTML map").click()
    html_file = tmp_path / "map.html"
    html_download.value.save_as(html_file)
    with page.expect_download(timeout=120_000) as pdf_download:
        downloads.filter(has_text="PDF").first.click()
    pdf_file = tmp_path / "briefing.pdf"
    pdf_download.value.save_as(pdf_file)
    assert_shown_as_text(web, canary, "briefing page, after building the PDF and the HTML map")
    text = subprocess.run(["pdftotext", "-layout", str(pdf_file), "-"], capture_output=True, text=True,
                          check=True).stdout
    assert f"{canary.needle}/" in "".join(text.split())  # the payloads are printed as text
    # the HTML map opened in the browser, its popups opened
    page.goto(Path(html_file).as_uri())
    markers = page.locator(MARKERS + ", path.incident-outline")
    expect(markers.first).to_be_attached(timeout=MAP_TIMEOUT_MS)
    for i in range(markers.count()):
        markers.nth(i).dispatch_event("click")
    expect(page.locator(".leaflet-popup .incident-card").last).to_contain_text(f"{canary.needle}/")
    page.wait_for_timeout(500)
    found = page.evaluate(POINTING_AT, canary.needle)
    assert not found, found
    assert not web.dialogs
    canary.assert_untouched("the exported HTML map")


def test_data_and_about_pages(web, served, canary):
    page = open_page(web, "/?page=data&scope=all")
    shown = visible_text(page)
    assert "dataset version" in shown
    if served.public:
        expect(page.get_by_text("Imports are turned off in the public view")).to_be_visible()
        assert str(served.workdir) not in page.content()  # no server path on a public page
    assert_shown_as_text(web, canary, "data page")
    open_page(web, "/?page=about")
    assert_shown_as_text(web, canary, "about page")


IGNORED = "Ignored the filter in the link: "
DATE_LINKS = [
    ("from=1989-12-31", None),  # before 1990: accepted (the record's dates start in 1960)
    ("from=1959-12-31", "from must be a day from 1960-01-01 to 2100-12-31, got 1959-12-31"),
    ("to=2101-01-01", "to must be a day from 1960-01-01 to 2100-12-31, got 2101-01-01"),
    ("from=garbage", "from must be a date like 2025-10-01, got 'garbage'"),
    ("page=timeline&to=99999-01-01", "to must be a date like 2025-10-01, got '99999-01-01'"),
    ("page=table&from=2025-02-30&to=1900-01-01", "from must be a date like 2025-10-01, got '2025-02-30'"),
]


@pytest.mark.parametrize(("link", "sentence"), DATE_LINKS, ids=[link for link, _ in DATE_LINKS])
def test_a_date_in_a_link_is_shown_or_refused_in_one_sentence(web, served, canary, link, sentence):
    """Issue 22 item 1: a date outside 1960-2100 or no date at all is one sentence in the page, the page is drawn
    (its title and count) and no traceback, bug sentence or server path is sent, in the public view too."""
    import sys

    from dashboard.ui.main import BUG_MESSAGE
    from tests.browser.conftest import REPO

    page = open_page(web, f"/?scope=all&{link}")
    expect(page.get_by_text("Showing", exact=False).first).to_be_visible()
    alerts = page.locator("[data-testid='stAlert']")
    shown = [t for t in alerts.all_inner_texts() if IGNORED in t]
    if sentence is None:
        assert shown == []
        expect(page.get_by_text("from 31 Dec 1989", exact=False).first).to_be_visible()
    else:
        assert len(shown) == 1 and shown[0].strip().endswith(IGNORED + sentence), shown
    html = "\n".join(frame.content() for frame in page.frames)
    assert BUG_MESSAGE not in html
    for leak in ("Traceback", 'File "/', str(REPO), sys.prefix, str(served.workdir), "site-packages"):
        assert leak not in html, f"{link}: {leak!r} sent to the browser"
    assert_shown_as_text(web, canary, link)
