"""What a researcher meets in the first hour (issue 19), in Debian's chromium: the map first and its legend beside the
region (a laptop and a phone), a brushed period that is the date filter, keyboard access and contrast checked by
axe-core, the story editor that stays open, the Data page after an import, and the pictures a person looks at
(test-artifacts/browser/first-hour-*.png).

Expected numbers come from the bundled data through the app's own pure functions.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from dashboard.data.reference import region_outline
from dashboard.query.aggregate import totals
from dashboard.query.filters import filter_incidents
from dashboard.query.spec import FilterSpec
from dashboard.viz.maps import plottable
from tests import serving
from tests.browser.conftest import recorded_page
from tests.browser.mapcheck import (
    CHART,
    EXCEPTION,
    FOLIUM_FRAME,
    MARKERS,
    leaflet_frame,
    open_cite,
    open_options,
    wait_idle,
)
from tests.factories import bundled_incidents

pytestmark = pytest.mark.browser

MAP_TIMEOUT_MS = 60_000
DESKTOP = {"width": 1440, "height": 900}
PHONE = {"width": 390, "height": 844}
# Vega-Lite draws an interval brush as two unlabelled rects (role graphics-symbol) and has no option to label them or
# take them out of the accessibility tree; they carry nothing a reader needs (the period is in the From/To fields).
AXE_EXCLUDE = [[".period_brush_bg"], [".period_brush"]]
AXE_RULES = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]},
             "resultTypes": ["violations"]}


@cache
def bundled():
    return bundled_incidents()  # what a fresh store counts: the bundled reports grouped into incidents


def default_view():
    return filter_incidents(bundled(), FilterSpec())


def open_map(web, path: str = "/"):
    page = web.open(path)
    frame = page.frame_locator(FOLIUM_FRAME)
    expect(frame.locator(MARKERS).first).to_be_attached(timeout=MAP_TIMEOUT_MS)
    wait_idle(page)
    page.wait_for_timeout(500)  # the legend fits the view after layout
    return page, leaflet_frame(page)


REGION_BOX = """([south, west, north, east]) => {
  const m = window.map, size = m.getSize();
  const a = m.latLngToContainerPoint([north, west]), b = m.latLngToContainerPoint([south, east]);
  const legend = document.querySelector('.incident-legend').getBoundingClientRect();
  const box = m.getContainer().getBoundingClientRect();
  return {region: [a.x, a.y, b.x, b.y], size: [size.x, size.y],
          legend: [legend.left - box.left, legend.top - box.top, legend.right - box.left, legend.bottom - box.top],
          open: document.querySelector('.incident-legend details').open};
}"""


def region_bounds() -> list[float]:
    west, south, east, north = region_outline().total_bounds
    return [south, west, north, east]


def overlap(a, b) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


@pytest.mark.parametrize(("size", "name"), [(DESKTOP, "desktop"), (PHONE, "phone")])
def test_the_map_comes_first_and_its_legend_is_beside_the_region(browser, app_url, size, name):
    """The legend covered a third of the region on a laptop and almost all of it on a phone, where taps landed on
    the legend; and the map started below the fold on both."""
    with recorded_page(browser, app_url) as web:
        web.page.set_viewport_size(size)
        page, frame = open_map(web)
        iframe = page.locator(FOLIUM_FRAME).bounding_box()
        assert iframe["y"] + 0.6 * iframe["height"] < size["height"], f"the map starts at y={iframe['y']}"
        geometry = frame.evaluate(REGION_BOX, region_bounds())
        assert geometry["open"] is (name == "desktop")  # collapsed on a phone, open on a laptop
        assert not overlap(geometry["legend"], geometry["region"]), geometry
        expect(page.frame_locator(FOLIUM_FRAME).locator(".incident-legend")).to_contain_text(
            f"{len(plottable(default_view()))} incidents on the map")
        web.screenshot(f"first-hour-first-open-{name}.png", full_page=False)
        if name == "phone":  # a tap on a marker opens its card (no legend in the way)
            # a marker that a tap at its centre reaches (not under the legend, another marker or the map's edge);
            # its click is dispatched on it (a pointer tap at page coordinates raced the page's own scrolling)
            index = frame.evaluate("""() => {
                const all = [...document.querySelectorAll('path.incident-marker')];
                return all.findIndex(m => { const b = m.getBoundingClientRect(), x = b.x + b.width / 2,
                    y = b.y + b.height / 2; return x > 10 && y > 10 && x < innerWidth - 10 && y < innerHeight - 10
                    && document.elementFromPoint(x, y) === m; }); }""")
            assert index >= 0, "no marker can be tapped on a phone"
            page.frame_locator(FOLIUM_FRAME).locator(MARKERS).nth(index).dispatch_event("click")
            expect(page.frame_locator(FOLIUM_FRAME).locator(".leaflet-popup .incident-card")).to_be_visible(
                timeout=15_000)
            wait_idle(page)  # the tap selects the incident: the app reruns
            # a click event on the close button itself (the popup, still settling after its auto-pan, can be
            # hit first by a pointer click at its coordinates)
            page.frame_locator(FOLIUM_FRAME).locator(".leaflet-popup-close-button").dispatch_event("click")
            expect(page.frame_locator(FOLIUM_FRAME).locator(".leaflet-popup")).to_have_count(0, timeout=15_000)
        # opening the legend fits the region beside it again
        page.frame_locator(FOLIUM_FRAME).locator(".incident-legend summary").click()
        page.wait_for_timeout(300)
        again = frame.evaluate(REGION_BOX, region_bounds())
        assert again["open"] is (name != "desktop")
        if again["open"]:
            assert not overlap(again["legend"], again["region"]), again
        expect(page.locator(EXCEPTION)).to_have_count(0)
        web.assert_local_only()


def test_a_marker_is_a_named_button_and_enter_selects_it(web):
    page, frame = open_map(web, "/?from=2025-10-02&to=2025-10-02&cat=state_forces")  # Kamona only
    marker = page.frame_locator(FOLIUM_FRAME).locator(MARKERS)
    expect(marker).to_have_count(1, timeout=MAP_TIMEOUT_MS)
    expect(marker).to_have_attribute("role", "button")
    expect(marker).to_have_attribute("tabindex", "0")
    expect(marker).to_have_attribute("aria-label", re.compile(r"^SEG-2025-008 · 2 Oct 2025 · Kamona"))
    # the basemap's shapes and labels are no tab stops: the first Tab from the map reaches the marker
    frame.focus(".leaflet-container")
    page.keyboard.press("Tab")
    assert frame.evaluate("() => document.activeElement.getAttribute('aria-label') || ''").startswith("SEG-2025-008")
    page.keyboard.press("Enter")
    expect(page.frame_locator(FOLIUM_FRAME).locator(".leaflet-popup .incident-card")).to_be_visible(timeout=15_000)
    expect(page).to_have_url(re.compile(r"sel=SEG-2025-008"), timeout=20_000)  # selected, as a click does
    detail = page.locator("[data-testid='stColumn']").filter(
        has=page.get_by_role("heading", name="Selected incident")).last
    expect(detail.locator(".incident-card[data-incident-id='SEG-2025-008']")).to_be_visible(timeout=20_000)


@pytest.mark.parametrize("path", ["/", "/?page=timeline", "/?page=table", "/?page=export", "/?page=story"])
def test_axe_finds_no_contrast_or_aria_violation(web, path):
    """The caption was 3.9:1, the category badges 2.25-3.9:1, the markers unnamed (WCAG 2.1 AA)."""
    page = web.open(path)
    wait_idle(page)
    if path in ("/", "/?page=story"):
        expect(page.frame_locator(FOLIUM_FRAME).locator(MARKERS).first).to_be_attached(timeout=MAP_TIMEOUT_MS)
    if path == "/":  # a card with badges on the page, and one in the map's popup
        open_options(page, page.locator("[data-testid='stSelectbox']").filter(has_text="Show the card of")).first.click()
        wait_idle(page)
        page.frame_locator(FOLIUM_FRAME).locator(MARKERS).first.click(force=True)
        page.wait_for_timeout(500)  # the click reruns the app, which fades the page while it runs: wait for it
        wait_idle(page)
    axe = Axe()
    found = []
    targets = [("page", page.main_frame)] + ([("map", leaflet_frame(page))] if path in ("/", "/?page=story") else [])
    for name, target in targets:
        result = axe.run(target, context={"exclude": AXE_EXCLUDE}, options=AXE_RULES)
        found += [f"{name}: {v['id']} {[n['target'] for n in v['nodes']][:5]}" for v in result.response["violations"]]
    assert found == [], "\n".join(found)


def test_a_brushed_period_is_the_date_filter(web):
    """A period brushed on the timeline was not in the URL, the caption or the exports."""
    page = web.open("/?page=timeline")
    wait_idle(page)
    chart = page.locator(CHART).first
    drawing = chart.locator("svg.marks").first
    expect(drawing).to_be_visible(timeout=30_000)
    box = drawing.bounding_box()
    y = box["y"] + box["height"] * 0.4
    page.mouse.move(box["x"] + box["width"] * 0.55, y)
    page.mouse.down()
    page.mouse.move(box["x"] + box["width"] * 0.65, y, steps=5)
    page.mouse.move(box["x"] + box["width"] * 0.75, y, steps=5)
    page.mouse.up()
    expect(page).to_have_url(re.compile(r"from=\d{4}-\d\d-\d\d&to=\d{4}-\d\d-\d\d"), timeout=30_000)
    wait_idle(page)
    params = dict(re.findall(r"(from|to)=(\d{4}-\d\d-\d\d)", page.url))
    spec = FilterSpec.from_query_params(params)
    view = filter_incidents(bundled(), spec)
    assert 0 < len(view) < len(default_view())
    caption = totals(view).sentence(total=len(bundled()))
    expect(page.get_by_text(caption, exact=True).first).to_be_visible(timeout=20_000)
    expect(page.get_by_text(spec.describe(), exact=True).first).to_be_visible()
    cite = open_cite(page)
    expect(cite).to_contain_text("dataset version")
    expect(cite).to_contain_text(f"from={params['from']}&to={params['to']}")
    page.keyboard.press("Escape")  # the popover closed again: a click elsewhere would only close it
    expect(cite).to_be_hidden()
    # "whole months": the same kind of drag snaps to the first and last day of the months it touches
    page.get_by_text("Whole months", exact=True).click()
    wait_idle(page)
    drawing.scroll_into_view_if_needed()  # opening the cite line (at the page's foot) scrolled the page
    box = chart.locator("svg.marks").first.bounding_box()
    y = box["y"] + box["height"] * 0.4
    page.mouse.move(box["x"] + box["width"] * 0.30, y)
    page.mouse.down()
    page.mouse.move(box["x"] + box["width"] * 0.45, y, steps=8)
    page.mouse.up()
    expect(page).to_have_url(re.compile(r"from=\d{4}-\d\d-01&to=\d{4}-\d\d-(28|29|30|31)"), timeout=30_000)
    expect(page.locator(EXCEPTION)).to_have_count(0)


def test_the_october_2025_week_chart(web):
    """The picture of the weekly timeline a briefer shows (issue 19, item 1's fix, looked at here)."""
    page = web.open("/?page=timeline&from=2025-10-01&to=2025-10-31")
    wait_idle(page)
    page.get_by_text("week", exact=True).click()
    wait_idle(page)
    chart = page.locator(CHART).first
    expect(chart.locator("svg.marks").first).to_be_visible(timeout=30_000)
    page.wait_for_timeout(500)
    path = Path(web.screenshot("first-hour-oct2025-weeks.png", full_page=False))
    chart.screenshot(path=str(path.with_name("first-hour-oct2025-week-chart.png")))
    labels = chart.locator("svg.marks text").evaluate_all("els => els.map(e => e.textContent)")
    assert {"2025-W40", "2025-W42"} <= set(labels), labels


def test_the_story_editor_stays_open_after_the_first_pick(web):
    page = web.open("/?page=story&from=2014-01-01&to=2014-12-31")  # an empty story: the editor opens
    wait_idle(page)
    editor = page.locator("[data-testid='stMain'] [data-testid='stExpander']").first
    expect(editor.locator("details")).to_have_attribute("open", "")
    picker = editor.locator("[data-testid='stMultiSelect']")
    picker.click()
    page.keyboard.type("SEG-2012-001")
    page.keyboard.press("Enter")
    expect(page.get_by_text("Step 1 of 1")).to_be_visible(timeout=30_000)
    wait_idle(page)
    expect(editor.locator("details")).to_have_attribute("open", "")  # it used to close here
    picker.click()
    page.keyboard.type("SEG-2013-001")
    page.keyboard.press("Enter")
    expect(page.get_by_text("Step 1 of 2")).to_be_visible(timeout=30_000)
    expect(editor.locator("details")).to_have_attribute("open", "")


def test_the_data_page_counts_the_new_store_right_after_an_import(browser, tmp_path):
    """Its own server: the import changes the store, which the other browser tests share."""
    from dashboard.data.store import ensure_store, load_store

    store = tmp_path / "incidents.gpkg"
    ensure_store(store)
    before = len(bundled())
    reports_before = len(load_store(store, write_cache=False).reports)
    fixture = Path(__file__).resolve().parents[1] / "fixtures" / "native.csv"
    try:
        with serving.serve(store, tmp_path / "server") as served, recorded_page(browser, served.base) as web:
            page = web.open("/?page=data")
            wait_idle(page)
            expect(page.get_by_text(f"· {before} incidents")).to_be_visible()
            page.locator("[data-testid='stFileUploader'] input[type='file']").set_input_files(str(fixture))
            page.get_by_role("button", name="Import").click()
            expect(page.get_by_text(re.compile(r"\d+ added to"))).to_be_visible(timeout=60_000)
            added = int(re.search(r"(\d+) added to", page.get_by_text(re.compile(r"\d+ added to")).inner_text())[1])
            assert added > 0
            now = load_store(store, write_cache=False)  # reports added; the incidents they form (some may match)
            assert len(now.reports) == reports_before + added and len(now.incidents) > before
            expect(page.get_by_text(f"· {len(now.incidents)} incidents from {len(now.reports):,} reports")
                   ).to_be_visible(timeout=30_000)
            expect(page.locator(EXCEPTION)).to_have_count(0)
    except serving.ServerError as exc:
        pytest.fail(str(exc))
