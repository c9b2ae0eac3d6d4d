"""Offline map assets: every JS/CSS link a map needs points at a vendored file (dashboard/viz/assets.py)."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import textwrap
from pathlib import Path

import branca.colormap
import folium
import folium.plugins
import pytest

from dashboard.viz import assets
from dashboard.viz.assets import (
    DEFAULT_PREFIX,
    LOCAL_ASSETS,
    PROJECT_ASSET_CLASSES,
    VENDOR_DIR,
    LocalIconPath,
    MissingLocalAssetError,
    remote_asset_links,
    use_local_assets,
)
from dashboard.viz.inline import inline_assets_html


@pytest.fixture(autouse=True, scope="module")
def _local_assets() -> None:
    # Process-wide and idempotent: applied the same way as the app does, and never undone for good.
    use_local_assets()


ASSET_TAG = re.compile(r"<(?:script|link)\b[^>]*>", re.IGNORECASE)


def _links_of(html: str) -> list[str]:
    return re.findall(r"""(?:src|href)=["']([^"']+)["']""", "\n".join(ASSET_TAG.findall(html)))


def build_map(*, icon: folium.Icon | None = None) -> folium.Map:
    """A map with what the project uses: cluster, heat map, legend, a plain and an icon marker."""
    m = folium.Map(location=[13.45, -6.26], zoom_start=8, tiles=None)
    m.options["maxZoom"] = 18
    LocalIconPath().add_to(m)
    cluster = folium.plugins.MarkerCluster(name="incidents").add_to(m)
    for i in range(5):
        folium.Marker([13.4 + i * 0.02, -6.2], popup=f"incident {i}").add_to(cluster)
    folium.Marker([13.1, -6.0], tooltip="Ségou", icon=icon).add_to(m)
    folium.plugins.HeatMap([[13.4, -6.2, 1.0], [13.5, -6.1, 0.5]]).add_to(m)
    folium.plugins.Fullscreen().add_to(m)
    folium.plugins.FastMarkerCluster([[13.2, -5.9], [13.3, -5.8]]).add_to(m)
    branca.colormap.LinearColormap(["#ffffb2", "#bd0026"], vmin=0, vmax=40, caption="Fatalities").add_to(m)
    return m


# --- the mapping and the vendored files -----------------------------------------------------------------------


@pytest.mark.parametrize("url", sorted(LOCAL_ASSETS))
def test_every_mapped_local_file_exists(url: str) -> None:
    assert (VENDOR_DIR / LOCAL_ASSETS[url]).is_file(), f"{url} -> missing {LOCAL_ASSETS[url]}"


def test_vendor_dir_is_next_to_the_ui() -> None:
    assert Path(assets.__file__).parents[1] / "ui" / "static" / "vendor" == VENDOR_DIR
    assert (VENDOR_DIR / "README.md").is_file()


def test_every_project_class_is_fully_vendored() -> None:
    assert assets.missing_local_assets(PROJECT_ASSET_CLASSES) == []


@pytest.mark.parametrize("css", sorted(rel for rel in set(LOCAL_ASSETS.values()) if rel.endswith(".css")))
def test_images_and_modern_fonts_referenced_by_vendored_css_exist(css: str) -> None:
    text = (VENDOR_DIR / css).read_text(encoding="utf-8")
    for ref in re.findall(r"""url\(\s*['"]?([^'")]+)""", text):
        path = ref.split("#")[0].split("?")[0]
        if ref.startswith(("data:", "#")) or (path.endswith((".eot", ".svg")) and "font" in path):
            continue  # inline data, VML behaviour, or IE/old-Safari font formats no browser we serve needs
        assert ((VENDOR_DIR / css).parent / path).is_file(), f"{css} references missing {ref}"


# --- folium rendering -------------------------------------------------------------------------------------------


def test_rendered_map_has_no_remote_asset_links() -> None:
    html = build_map(icon=folium.Icon(color="red", icon="info-sign")).get_root().render()

    assert remote_asset_links(html) == []
    links = _links_of(html)
    assert any(link.endswith("leaflet.markercluster.js") for link in links)
    assert any(link.endswith("leaflet_heat.min.js") for link in links)
    assert any(link.endswith("d3@3.5.5/d3.min.js") for link in links)  # branca legend's own d3 link
    for link in links:
        assert link.startswith(DEFAULT_PREFIX + "/"), link
        assert (VENDOR_DIR / link.removeprefix(DEFAULT_PREFIX + "/")).is_file(), link


def test_local_icon_path_points_at_the_vendored_leaflet_images() -> None:
    html = build_map().get_root().render()

    expected = f"{DEFAULT_PREFIX}/leaflet@1.9.3/dist/images/"
    assert f'L.Icon.Default.imagePath = "{expected}";' in html
    assert html.index("L.Icon.Default.imagePath") < html.index("L.marker(")
    assert (VENDOR_DIR / "leaflet@1.9.3/dist/images/marker-icon.png").is_file()


def test_use_local_assets_twice_is_idempotent() -> None:
    def snapshot() -> dict[str, tuple[list, list]]:
        return {
            cls.__qualname__: (list(cls.default_js), list(cls.default_css))
            for cls in (*PROJECT_ASSET_CLASSES, folium.plugins.MiniMap)
        }

    use_local_assets()
    first = snapshot()
    use_local_assets()
    assert snapshot() == first
    use_local_assets("/elsewhere/vendor")  # another prefix, then back: never prefixed twice
    assert folium.Map.default_js[0] == ("leaflet", "/elsewhere/vendor/leaflet@1.9.3/dist/leaflet.js")
    use_local_assets()
    assert snapshot() == first
    assert branca.colormap.ColorMap.render is assets._colormap_render  # wrapped once, not twice


def test_restore_cdn_assets_then_reapply() -> None:
    try:
        assets.restore_cdn_assets()
        assert folium.Map.default_js[0] == ("leaflet", "https://cdn.jsdelivr.net/npm/leaflet@1.9.3/dist/leaflet.js")
        assert remote_asset_links(build_map().get_root().render())
    finally:
        use_local_assets()
    assert remote_asset_links(build_map().get_root().render()) == []


def test_strict_mode_names_the_url_without_a_local_copy(monkeypatch: pytest.MonkeyPatch, tmp_path) -> None:
    before = list(folium.Map.default_js)
    monkeypatch.setattr(assets, "VENDOR_DIR", tmp_path)

    with pytest.raises(MissingLocalAssetError, match=re.escape(folium.Map.__module__ + ".Map: https://")) as err:
        use_local_assets()

    assert "leaflet@1.9.3/dist/leaflet.js" in str(err.value)
    assert folium.Map.default_js == before  # nothing changed


def test_remote_asset_links_finds_script_and_link_tags_only() -> None:
    html = """<html><head>
        <script src="https://cdn.example.org/a.js"></script>
        <script src="../../app/static/vendor/b.js"></script>
        <link rel="stylesheet" href="//cdn.example.org/c.css"/>
        <link rel="stylesheet" href="local.css">
        </head><body><a href="https://example.org/source">source</a>
        <script>var popup = '<script src="https://inside.example.org/x.js"><\\/script>';</script>
        </body></html>"""
    assert remote_asset_links(html) == ["https://cdn.example.org/a.js", "//cdn.example.org/c.css"]


# --- self-contained HTML export ---------------------------------------------------------------------------------


def test_inline_assets_html_is_self_contained() -> None:
    out = inline_assets_html(build_map())

    assert remote_asset_links(out) == []
    tags = ASSET_TAG.findall(out)
    assert not [t for t in tags if re.search(r"""\b(?:src|href)=["']?https?:""", t)]
    assert not [t for t in tags if re.search(r"\bsrc=", t)], "every script is inline"
    assert not [t for t in tags if re.search(r"rel=[\"']?stylesheet", t)], "every stylesheet is inline"
    leaflet = (VENDOR_DIR / "leaflet@1.9.3/dist/leaflet.js").read_text(encoding="utf-8")
    assert leaflet[:2000] in out  # Leaflet's own code
    assert "L.markerClusterGroup" in out
    assert "L.heatLayer" in out
    assert "data:image/png;base64," in out  # default marker icons and cluster/layer images
    assert not re.search(r"url\(\s*['\"]?(?:\.\./|images/|icon-)", out), "no relative url() left in styles"
    assert "sourceMappingURL" not in out


def test_inline_assets_html_embeds_only_the_icon_fonts_in_use() -> None:
    no_icons = inline_assets_html(build_map())
    glyph = inline_assets_html(build_map(icon=folium.Icon(icon="info-sign")))
    fa = inline_assets_html(build_map(icon=folium.Icon(icon="house", prefix="fa")))

    assert "@font-face" not in no_icons
    assert glyph.count("@font-face") == 1
    assert "Glyphicons Halflings" in glyph
    assert "Font Awesome 6 Free" in fa
    assert 'format("woff2")' in fa
    assert len(no_icons) < 1_200_000


def test_inline_assets_html_refuses_an_asset_without_local_copy() -> None:
    m = build_map()
    folium.plugins.MiniMap().add_to(m)  # not vendored on purpose

    with pytest.raises(MissingLocalAssetError, match=r"Control\.MiniMap"):
        inline_assets_html(m)


# --- streamlit-folium -------------------------------------------------------------------------------------------


def _st_folium_app() -> None:
    import branca.colormap
    import folium
    import folium.plugins
    from streamlit_folium import st_folium

    from dashboard.viz.assets import LocalIconPath, use_local_assets

    use_local_assets()
    m = folium.Map(location=[13.45, -6.26], zoom_start=8, tiles=None)
    LocalIconPath().add_to(m)
    cluster = folium.plugins.MarkerCluster().add_to(m)
    folium.Marker([13.4, -6.2]).add_to(cluster)
    folium.plugins.HeatMap([[13.4, -6.2, 1.0]]).add_to(m)
    branca.colormap.LinearColormap(["green", "red"], vmin=0, vmax=10, caption="legend").add_to(m)
    st_folium(m, returned_objects=[], key="map")


def test_st_folium_sends_only_local_links_including_its_d3() -> None:
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_function(_st_folium_app).run(timeout=60)

    assert not at.exception
    (component,) = at.get("component_instance")
    args = json.loads(component.proto.json_args)
    links = args["js_links"] + args["css_links"]
    assert [u for u in links if re.match(r"(https?:)?//", u)] == []
    assert args["js_links"][:2] == [
        f"{DEFAULT_PREFIX}/d3@4.13.0/build/d3.min.js",  # was https://d3js.org/d3.v4.min.js
        f"{DEFAULT_PREFIX}/d3@3.5.5/d3.min.js",
    ]
    assert all((VENDOR_DIR / u.removeprefix(DEFAULT_PREFIX + "/")).is_file() for u in links)
    assert remote_asset_links(args["header"]) == []


def test_st_folium_strict_guard_stops_a_map_with_a_remote_asset() -> None:
    from streamlit.testing.v1 import AppTest

    def app() -> None:
        import folium
        import folium.plugins
        from streamlit_folium import st_folium

        from dashboard.viz.assets import use_local_assets

        use_local_assets()
        m = folium.Map(tiles=None)
        folium.plugins.MiniMap().add_to(m)  # its assets are not vendored
        st_folium(m, returned_objects=[], key="map")

    at = AppTest.from_function(app).run(timeout=60)

    assert at.exception
    assert "Control.MiniMap" in at.exception[0].message


@pytest.mark.parametrize("order", ["assets_first", "streamlit_folium_first"])
def test_streamlit_folium_is_patched_whichever_import_comes_first(order: str) -> None:
    steps = {
        "assets_first": "from dashboard.viz.assets import use_local_assets\n"
        "use_local_assets()\n"
        "assert 'streamlit' not in sys.modules, 'assets must not import streamlit'\n"
        "import streamlit_folium\n",
        "streamlit_folium_first": "import streamlit_folium\n"
        "from dashboard.viz.assets import use_local_assets\n"
        "use_local_assets()\nuse_local_assets()\n",
    }[order]
    code = (
        "import sys\n"
        + steps
        + textwrap.dedent(
            """
        func = streamlit_folium._component_func
        assert getattr(func, "_dashboard_local_assets", False), func
        assert not getattr(func.__wrapped__, "_dashboard_local_assets", False), "wrapped twice"
        print("ok")
        """
        )
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip().endswith("ok")
