"""The map's geography in Debian's chromium, looking at pixels and layer order, not only the DOM: the commune
choropleth and an incident drawn as its commune's outline (no request off 127.0.0.1), the heat layer drawn above
the land with its scale, neutral cluster bubbles, and the October 2025 view at desktop and phone sizes."""

from __future__ import annotations

import io

import numpy as np
import pytest
from PIL import Image
from playwright.sync_api import expect

from dashboard.viz.palette import WATER
from tests.browser.conftest import ARTIFACTS, recorded_page
from tests.browser.mapcheck import FOLIUM_FRAME, MAP_TIMEOUT_MS

HEAT_DARK = [(0x8C, 0x29, 0x81), (0xDE, 0x49, 0x68), (0x3B, 0x0F, 0x70), (0xFE, 0x9F, 0x6D)]
LEAFLET_CLUSTER = [(110, 204, 57), (181, 226, 140), (240, 194, 12), (241, 211, 87), (241, 128, 23), (253, 156, 115)]


def map_image(page) -> Image.Image:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return Image.open(io.BytesIO(page.locator(FOLIUM_FRAME).screenshot())).convert("RGB")


def near(pixel, colour, tolerance: int = 28) -> bool:
    return all(abs(a - b) <= tolerance for a, b in zip(pixel, colour, strict=True))


def count_near(image: Image.Image, colours, tolerance: int = 28) -> int:
    pixels = np.asarray(image, dtype=np.int16).reshape(-1, 3)
    hit = np.zeros(len(pixels), dtype=bool)
    for colour in colours:
        hit |= (np.abs(pixels - np.array(colour, dtype=np.int16)) <= tolerance).all(axis=1)
    return int(hit.sum())


def test_commune_choropleth_and_a_commune_outline_render_offline(web):
    page = web.open("/?mode=choropleth&unit=commune&measure=incidents")
    frame = page.frame_locator(FOLIUM_FRAME)
    expect(frame.locator("path.choropleth-unit")).to_have_count(119, timeout=MAP_TIMEOUT_MS)
    expect(frame.locator(".choropleth-legend")).to_contain_text("not allocated to a commune:")
    expect(page.get_by_text("Each commune counts the incidents known to lie in it.", exact=False)).to_be_visible()
    image = map_image(page)
    purples = count_near(image, [(0x54, 0x27, 0x8F), (0x75, 0x6B, 0xB1), (0x9E, 0x9A, 0xC8)], 14)
    assert purples > 500, f"the classed communes are not drawn ({purples} purple pixels)"
    image.save(ARTIFACTS / "choropleth-communes.png")
    web.assert_local_only()

    web.requests.clear()
    page = web.open("/?commune=ML040502")  # Dogofry: several incidents known only to the commune
    frame = page.frame_locator(FOLIUM_FRAME)
    outline = frame.locator("path.incident-outline.located-commune")
    expect(outline).to_have_count(1, timeout=MAP_TIMEOUT_MS)
    box = outline.bounding_box()
    assert box and box["width"] > 40 and box["height"] > 40, box  # an area, not a point
    expect(frame.locator("path.incident-marker")).not_to_have_count(0)
    map_image(page).save(ARTIFACTS / "commune-outline.png")
    web.assert_local_only()


def test_heat_draws_above_the_land_and_has_a_scale(web):
    page = web.open("/?mode=heat")
    frame = page.frame_locator(FOLIUM_FRAME)
    canvas = frame.locator("canvas.leaflet-heatmap-layer")
    canvas.wait_for(timeout=MAP_TIMEOUT_MS)
    order = canvas.evaluate("""c => {
        const z = el => +getComputedStyle(el).zIndex;
        const land = document.querySelector('.leaflet-basemap-pane');
        return {heat: z(c.parentElement), land: z(land), inHeatPane: c.parentElement.classList.contains('leaflet-heat-pane')};
    }""")
    assert order["inHeatPane"] and order["heat"] > order["land"], order
    expect(frame.locator(".heat-scale")).to_be_visible()
    page.wait_for_timeout(1_000)  # the heat canvas redraws after the view settles
    image = map_image(page)
    image.save(ARTIFACTS / "heat.png")
    heat = count_near(image, HEAT_DARK)
    assert heat > 300, f"the heat layer is not visible ({heat} heat-coloured pixels)"
    # the neighbouring countries are land: around Mali nothing is painted in the water colour (the ocean is off view)
    water = count_near(image, [tuple(int(WATER[i:i + 2], 16) for i in (1, 3, 5))], 4)
    assert water < 0.005 * image.width * image.height, f"{water} water-coloured pixels"
    web.assert_local_only()


def test_cluster_bubbles_are_neutral_grey(web):
    from dashboard.viz.palette import CATEGORY_COLOURS, CLUSTER_FILL

    page = web.open("/?mode=clusters")
    frame = page.frame_locator(FOLIUM_FRAME)
    bubbles = frame.locator(".incident-cluster > div")
    bubbles.first.wait_for(timeout=MAP_TIMEOUT_MS)
    image = map_image(page)
    image.save(ARTIFACTS / "clusters.png")
    frame_box = page.locator(FOLIUM_FRAME).bounding_box()
    greys = [tuple(int(CLUSTER_FILL[i][j:j + 2], 16) for j in (1, 3, 5)) for i in range(len(CLUSTER_FILL))]
    for i in range(min(bubbles.count(), 6)):
        box = bubbles.nth(i).bounding_box()
        # inside the bubble, clear of its number, on both sides (a place name may lie over one side)
        y = int(box["y"] - frame_box["y"] + box["height"] * 0.5)
        pixels = [image.getpixel((int(box["x"] - frame_box["x"] + box["width"] * f), y)) for f in (0.22, 0.78)]
        assert any(near(p, g, 12) for p in pixels for g in greys), (i, pixels)
    categories = [tuple(int(c[j:j + 2], 16) for j in (1, 3, 5)) for c in CATEGORY_COLOURS.values()]
    for i in range(min(bubbles.count(), 6)):
        background = bubbles.nth(i).evaluate("d => getComputedStyle(d).backgroundColor")
        rgb = tuple(int(v) for v in background[background.index("(") + 1:background.index(")")].split(",")[:3])
        assert not any(near(rgb, c, 10) for c in [*LEAFLET_CLUSTER, *categories]), rgb
    web.assert_local_only()


@pytest.mark.parametrize(("name", "size"), [("desktop", (1440, 900)), ("phone", (390, 844))])
def test_october_2025_screenshots(browser, app_url, name, size):
    """Saved for a person to look at (test-artifacts/browser/october-2025-*.png); the map must draw offline."""
    with recorded_page(browser, app_url) as web:
        web.page.set_viewport_size({"width": size[0], "height": size[1]})
        page = web.open("/?from=2025-10-01&to=2025-10-31")
        frame = page.frame_locator(FOLIUM_FRAME)
        expect(frame.locator("path.incident-marker")).not_to_have_count(0, timeout=MAP_TIMEOUT_MS)
        page.wait_for_timeout(800)
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / f"october-2025-{name}.png"))
        map_image(page).save(ARTIFACTS / f"october-2025-{name}-map.png")
        web.assert_local_only()
