"""Public mode never sends a precise point or an internal field to the browser.

For every bundled incident with a point that public mode moves (incidents already geocoded to their cercle seat
are where public mode puts them anyway), each of its precise latitude and longitude, written as Python, JSON and
fixed 4-6 decimal renderings, must not start any number sent to the browser -- neither in the map payload nor
anywhere else in what the pages send (every element AppTest receives; in the real browser, the page, the map
iframe and every websocket frame). ``verification_note``, the original ``geocoded_from`` and
``source_record_id`` values must not be sent either; the "Public view" banner is on every page, imports are off.
"""

from __future__ import annotations

import json
import re
import shutil

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from dashboard.data.public import public_view
from dashboard.data.reference import cercle_seats, mali_regions, region_outline
from dashboard.data.store import STORE_ENV, load_bundled, write_store
from dashboard.viz.maps import MAP_MODES
from tests.factories import incidents, row
from tests.hardening.browsing import run_browser
from tests.hardening.server import serve

NUMBER = re.compile(r"-?\d+\.\d+")
PAGES = ("map", "timeline", "table", "data", "about")


def renderings(value: float) -> set[str]:
    out = {repr(value), json.dumps(value), str(value)}
    out |= {f"{value:.{d}f}" for d in (4, 5, 6)}
    out |= {r.rstrip("0") for r in set(out)}
    return {r for r in out if len(r.split(".")[-1]) >= 3}  # 3+ decimals: short renderings match anything


def _tokens(text: str) -> set[str]:
    return set(NUMBER.findall(text))


def basemap_tokens() -> set[str]:
    """Numbers the basemap itself sends (outlines, rivers, countries, unit polygons, seats): not incident points."""
    from dashboard.viz.geography import bundled_context

    seats = cercle_seats()
    ctx = bundled_context()
    text = region_outline().to_json() + mali_regions().to_json() + seats.to_json() + "".join(
        frame.to_json() for frame in (ctx.countries, ctx.regions, ctx.region, ctx.cercles, ctx.communes, ctx.rivers))
    return _tokens(text)


def precise_values(frame) -> dict[str, set[str]]:
    """incident_id → renderings of its precise coordinates that public mode must hide."""
    public = public_view(frame, cercle_seats())
    shown = {round(v, 6) for g in public.geometry.dropna() for v in (g.x, g.y)}
    out = {}
    for ident, geom in zip(frame["incident_id"], frame.geometry, strict=True):
        if geom is None or geom.is_empty:
            continue
        values = [v for v in (geom.y, geom.x) if round(v, 6) not in shown]
        if values:
            out[ident] = set().union(*(renderings(v) for v in values))
    return out


def leaks(payload: str, secret: dict[str, set[str]], allowed: set[str]) -> list[str]:
    tokens = _tokens(payload) - allowed
    found = []
    for ident, forms in secret.items():
        found += [f"{ident}: {t}" for t in tokens if any(t.startswith(f) for f in forms)]
    return found


INTERNAL = {"verification_note": "WITNESS-NAME-7f3a said", "geocoded_from": "GAZ-ENTRY-91c2 (14°48′N 6°01′W)",
            "source_record_id": "INTERNAL-REC-55d1"}


def store_with_internal_fields(path):
    """The bundled incidents plus one user incident whose internal fields carry recognisable text."""
    extra = incidents(row(incident_id="U-INT-1", latitude="14.123456", longitude="-5.654321", geo_precision="1",
                          admin2="Niono", **INTERNAL))
    write_store(path, pd.concat([load_bundled(), extra], ignore_index=True).pipe(
        lambda df: df.set_geometry("geometry")))
    return path


@pytest.fixture(scope="module")
def public_store(tmp_path_factory):
    return store_with_internal_fields(tmp_path_factory.mktemp("public") / "incidents.gpkg")


@pytest.fixture(scope="module")
def secrets():
    bundled = load_bundled()
    extra = incidents(row(incident_id="U-INT-1", latitude="14.123456", longitude="-5.654321", geo_precision="1",
                          admin2="Niono", **INTERNAL))
    frame = pd.concat([bundled, extra], ignore_index=True).set_geometry("geometry")
    coords = precise_values(frame)
    assert len(coords) >= 10, "too few precise points to test"
    texts = {v for v in bundled["verification_note"].dropna() if len(v) > 30}
    texts |= {v for v in bundled["geocoded_from"].dropna()}
    texts |= set(INTERNAL.values())
    return coords, texts


def page_script(page: str, mode: str) -> None:
    import streamlit as st

    if mode != "points":
        st.session_state.setdefault("map_mode", mode)
    from dashboard.ui.main import main

    main(default=page)


def _walk(node):
    yield node
    for child in getattr(node, "children", {}).values():
        yield from _walk(child)


def sent(at: AppTest) -> str:
    """Everything the app sent for this run, as text (serialised element protos)."""
    chunks = []
    for node in _walk(at._tree):
        proto = getattr(node, "proto", None)
        if proto is not None and hasattr(proto, "SerializeToString"):
            chunks.append(proto.SerializeToString().decode("utf-8", errors="ignore"))
    return "\n".join(chunks)


@pytest.mark.parametrize(("page", "mode"), [*(("map", m) for m in MAP_MODES), *((p, "points") for p in PAGES[1:])])
def test_public_pages_send_no_precise_point_and_no_internal_field(public_store, secrets, monkeypatch, page, mode):
    monkeypatch.setenv(STORE_ENV, str(public_store))
    monkeypatch.setenv("INCIDENT_MAP_PUBLIC", "1")
    at = AppTest.from_function(page_script, args=(page, mode), default_timeout=120).run()
    assert not at.exception, [e.value for e in at.exception]
    payload = sent(at)
    coords, texts = secrets
    assert not leaks(payload, coords, basemap_tokens()), leaks(payload, coords, basemap_tokens())[:10]
    for text in texts:
        assert text not in payload, f"internal text sent: {text[:60]!r}"
    if page != "about":
        assert any("Public view" in w.value for w in at.warning)
    if page == "map":
        # coarsened to their cercle, incidents are drawn as the cercle's outline (or a marker on a grid cell)
        drawn = {"heat": "heatLayer", "hexbin": "incidents", "choropleth": "choropleth-unit"}
        assert drawn[mode] in payload if mode in drawn else ("incident-marker" in payload
                                                             or "incident-outline located-cercle" in payload)
    if page == "data":
        assert not at.get("file_uploader")
        assert any("Imports are turned off" in i.value for i in at.info)


def test_the_same_check_finds_the_points_when_public_mode_is_off(public_store, secrets, monkeypatch):
    """The scan works: without public mode the precise points and internal fields are there."""
    monkeypatch.setenv(STORE_ENV, str(public_store))
    monkeypatch.delenv("INCIDENT_MAP_PUBLIC", raising=False)
    at = AppTest.from_function(page_script, args=("map", "points"), default_timeout=120).run()
    payload = sent(at)
    coords, _ = secrets
    assert len({f.split(":")[0] for f in leaks(payload, coords, basemap_tokens())}) >= 10
    assert INTERNAL["geocoded_from"] not in payload  # the card shows it only when selected


@pytest.mark.browser
def test_served_public_mode_sends_no_precise_point(public_store, secrets, tmp_path):
    store = tmp_path / "incidents.gpkg"
    shutil.copy(public_store, store)
    with serve(store, tmp_path / "served", public=True) as served:
        run_browser(_public_flow, served.base, secrets)


def _public_flow(browser, base: str, secrets) -> None:
    from tests.browser.conftest import VIEWPORT

    coords, texts = secrets
    context = browser.new_context(viewport=VIEWPORT, service_workers="block")
    page = context.new_page()
    frames: list[str] = []

    def on_ws(ws):
        ws.on("framereceived", lambda payload: frames.append(
            payload.decode("utf-8", errors="ignore") if isinstance(payload, bytes) else payload))

    page.on("websocket", on_ws)
    try:
        for path in ("/", "/?mode=clusters", "/timeline", "/table", "/data"):
            page.goto(base + path, wait_until="domcontentloaded")
            page.locator("[data-testid='stMain'] h1").first.wait_for(timeout=45_000)
            page.locator("[data-testid='stApp'][data-test-script-state='notRunning']").wait_for(
                state="attached", timeout=45_000)
            if path.startswith("/?") or path == "/":
                map_frame = page.frame_locator("iframe[title='streamlit_folium.st_folium']")
                drawn = map_frame.locator("path.incident-marker, .marker-cluster").first
                drawn.wait_for(state="attached", timeout=45_000)
                drawn.dispatch_event("click")
            assert page.get_by_text("Public view").first.is_visible()
            html = "\n".join(f.content() for f in page.frames)
            payload = html + "\n".join(frames)
            found = leaks(payload, coords, basemap_tokens())
            assert not found, f"{path}: {found[:10]}"
            for text in texts:
                assert text not in payload, f"{path}: internal text sent: {text[:60]!r}"
        assert len("".join(frames)) > 10_000, "no websocket traffic was recorded"
    finally:
        context.close()
