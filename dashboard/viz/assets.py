"""Offline Leaflet: make folium / streamlit-folium maps load every JS and CSS file from the vendored copies.

Without internet a folium map inside ``st_folium`` renders as *nothing*: streamlit-folium loads the CDN
script links one after another and the first failure aborts the rest (see
``/work/shared/design/OFFLINE_MAP.md``). This module points every asset link at the files that
``scripts/vendor_assets.sh`` put in :data:`VENDOR_DIR` (served by Streamlit at ``/app/static/vendor``):

* folium keeps its links in the class attributes ``default_js`` / ``default_css`` of ``folium.Map`` and of
  every :class:`folium.elements.JSCSSMixin` subclass; :func:`use_local_assets` rewrites them from
  :data:`LOCAL_ASSETS` (keeping the CDN originals, so it is idempotent and can be undone with
  :func:`restore_cdn_assets`);
* branca's ``ColorMap.render`` adds a d3 3.5.5 CDN link to the page header: that link is rewritten right after
  it is added (this matters for plain HTML; streamlit-folium strips header links anyway);
* streamlit-folium hard-codes two d3 CDN links inside ``st_folium`` (see :func:`_patch_streamlit_folium`).

This module must not import streamlit (only ``dashboard/ui`` does): streamlit-folium is patched when it is
imported by the UI, whichever of the two imports comes first.

:func:`remote_asset_links` is the guard tests use: it lists any remaining http(s) asset link. The offline HTML
export (every asset inlined) is :mod:`dashboard.viz.inline`.
"""

from __future__ import annotations

import importlib.abc
import importlib.machinery
import importlib.util
import sys
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from types import MappingProxyType, ModuleType
from typing import Any, Final

import branca.colormap
import folium
import folium.elements
import folium.features
import folium.plugins
from branca.element import JavascriptLink, MacroElement
from folium.template import Template

__all__ = [
    "DEFAULT_PREFIX",
    "LOCAL_ASSETS",
    "PROJECT_ASSET_CLASSES",
    "STREAMLIT_FOLIUM_D3_LINKS",
    "VENDOR_DIR",
    "LocalIconPath",
    "MissingLocalAssetError",
    "lean_map_assets",
    "local_asset_path",
    "missing_local_assets",
    "remote_asset_links",
    "restore_cdn_assets",
    "use_local_assets",
]

VENDOR_DIR: Final[Path] = Path(__file__).parents[1] / "ui" / "static" / "vendor"
"""Vendored files, built by ``scripts/vendor_assets.sh``; Streamlit serves them at ``/app/static/vendor``."""

DEFAULT_PREFIX: Final[str] = "../../app/static/vendor"
"""Vendor folder as seen from the st_folium iframe (``/component/streamlit_folium.st_folium/index.html``).

Relative, so it also works under ``server.baseUrlPath``."""

LEAFLET_IMAGES: Final[str] = "leaflet@1.9.3/dist/images"

_CDNJS = "https://cdnjs.cloudflare.com/ajax/libs"
_NPM = "https://cdn.jsdelivr.net/npm"
_LEAFLET = f"{_NPM}/leaflet@1.9.3/dist"
_CLUSTER = f"{_CDNJS}/leaflet.markercluster/1.1.0"
_AWESOME = f"{_CDNJS}/Leaflet.awesome-markers/2.0.2"
_GROUPED = f"{_CDNJS}/leaflet-groupedlayercontrol/0.6.1"
_FOLIUM_GH = "https://cdn.jsdelivr.net/gh/python-visualization"
_D3_V3 = f"{_CDNJS}/d3/3.5.5/d3.min.js"
_D3_V4 = "https://d3js.org/d3.v4.min.js"

STREAMLIT_FOLIUM_D3_LINKS: Final[tuple[str, ...]] = (_D3_V4, _D3_V3)
"""The d3 links ``st_folium`` inserts itself (before all others) when a branca colormap is on the map."""

LOCAL_ASSETS: Final[Mapping[str, str]] = MappingProxyType(
    {
        # folium.Map (every map)
        f"{_LEAFLET}/leaflet.js": "leaflet@1.9.3/dist/leaflet.js",
        f"{_LEAFLET}/leaflet.css": "leaflet@1.9.3/dist/leaflet.css",
        "https://code.jquery.com/jquery-3.7.1.min.js": "jquery@3.7.1/dist/jquery.min.js",
        f"{_NPM}/bootstrap@5.2.2/dist/js/bootstrap.bundle.min.js": "bootstrap@5.2.2/dist/js/bootstrap.bundle.min.js",
        f"{_NPM}/bootstrap@5.2.2/dist/css/bootstrap.min.css": "bootstrap@5.2.2/dist/css/bootstrap.min.css",
        # Bootstrap 3.0.0's glyphicons stylesheet is on no registry: Bootstrap 3.3.7's glyphicons stand in.
        "https://netdna.bootstrapcdn.com/bootstrap/3.0.0/css/bootstrap-glyphicons.css": (
            "@neos21/bootstrap3-glyphicons@1.0.7/dist/css/bootstrap3-glyphicons.min.css"
        ),
        f"{_NPM}/@fortawesome/fontawesome-free@6.2.0/css/all.min.css": (
            "@fortawesome/fontawesome-free@6.2.0/css/all.min.css"
        ),
        # awesome-markers 2.0.2 is not on npm; 2.0.5 is the nearest.
        f"{_AWESOME}/leaflet.awesome-markers.js": "leaflet.awesome-markers@2.0.5/dist/leaflet.awesome-markers.js",
        f"{_AWESOME}/leaflet.awesome-markers.css": "leaflet.awesome-markers@2.0.5/dist/leaflet.awesome-markers.css",
        # Lives only in folium's GitHub repo: a generated stand-in (fa-rotate-0 .. fa-rotate-359).
        f"{_FOLIUM_GH}/folium/folium/templates/leaflet.awesome.rotate.min.css": "generated/leaflet.awesome.rotate.css",
        # MarkerCluster, FastMarkerCluster
        f"{_CLUSTER}/leaflet.markercluster.js": "leaflet.markercluster@1.1.0/dist/leaflet.markercluster.js",
        f"{_CLUSTER}/MarkerCluster.css": "leaflet.markercluster@1.1.0/dist/MarkerCluster.css",
        f"{_CLUSTER}/MarkerCluster.Default.css": "leaflet.markercluster@1.1.0/dist/MarkerCluster.Default.css",
        # HeatMap (the same file ships in the folium wheel)
        f"{_FOLIUM_GH}/folium@main/folium/templates/leaflet_heat.min.js": "folium@0.20.0/templates/leaflet_heat.min.js",
        # Fullscreen (jsDelivr minifies on the fly; npm ships the unminified file)
        f"{_NPM}/leaflet.fullscreen@3.0.0/Control.FullScreen.min.js": "leaflet.fullscreen@3.0.0/Control.FullScreen.js",
        f"{_NPM}/leaflet.fullscreen@3.0.0/Control.FullScreen.css": "leaflet.fullscreen@3.0.0/Control.FullScreen.css",
        # FeatureGroupSubGroup, GroupedLayerControl, TopoJson
        "https://unpkg.com/leaflet.featuregroup.subgroup@1.0.2/dist/leaflet.featuregroup.subgroup.js": (
            "leaflet.featuregroup.subgroup@1.0.2/dist/leaflet.featuregroup.subgroup.js"
        ),
        f"{_GROUPED}/leaflet.groupedlayercontrol.min.js": (
            "leaflet-groupedlayercontrol@0.6.1/dist/leaflet.groupedlayercontrol.min.js"
        ),
        f"{_GROUPED}/leaflet.groupedlayercontrol.min.css": (
            "leaflet-groupedlayercontrol@0.6.1/dist/leaflet.groupedlayercontrol.min.css"
        ),
        f"{_CDNJS}/topojson/1.6.9/topojson.min.js": "topojson@1.6.9/topojson.min.js",
        # d3: branca colormaps (3.5.5) and streamlit-folium's legend links (v4 + 3.5.5)
        _D3_V3: "d3@3.5.5/d3.min.js",
        _D3_V4: "d3@4.13.0/build/d3.min.js",
        # same jQuery, other CDN (TimestampedGeoJson, TimestampedWmsTileLayers)
        f"{_CDNJS}/jquery/3.7.1/jquery.min.js": "jquery@3.7.1/dist/jquery.min.js",
    }
)
"""Every CDN URL with a vendored copy -> its path relative to :data:`VENDOR_DIR`."""

PROJECT_ASSET_CLASSES: Final[tuple[type[folium.elements.JSCSSMixin], ...]] = (
    folium.Map,
    folium.plugins.MarkerCluster,
    folium.plugins.FastMarkerCluster,
    folium.plugins.HeatMap,
    folium.plugins.Fullscreen,
    folium.plugins.FeatureGroupSubGroup,
    folium.plugins.GroupedLayerControl,
    folium.features.TopoJson,
)
"""Classes the project may put on a map: each of their assets must have a local copy (strict mode).

Other folium plugins keep their CDN links unless :data:`LOCAL_ASSETS` covers them; if one is used anyway,
strict mode stops ``st_folium`` with :class:`MissingLocalAssetError` instead of showing a blank map."""


class MissingLocalAssetError(RuntimeError):
    """A map needs a JS/CSS asset that has no local copy (so it would not load offline)."""


@dataclass(slots=True)
class _State:
    prefix: str | None = None  # None: local assets not in use
    strict: bool = True


_STATE = _State()
# CDN links each class defined itself (its own class attributes), recorded before the first rewrite.
_ORIGINAL_LINKS: dict[type, dict[str, tuple[tuple[str, str], ...]]] = {}
_LINK_ATTRS: Final = ("default_js", "default_css")
_MARK: Final = "_dashboard_local_assets"  # set on our wrappers, so we never wrap twice


# ----------------------------------------------------------------------------------------------------------
# Mapping
# ----------------------------------------------------------------------------------------------------------


_LOCAL_FILES: Final[frozenset[str]] = frozenset(LOCAL_ASSETS.values())


def local_asset_path(url: str, prefix: str | None = None) -> str | None:
    """The vendored path (relative to :data:`VENDOR_DIR`) for a CDN URL or an already-localised link.

    An already-localised link is recognised by its ending, whatever prefix it was given.
    """
    rel = LOCAL_ASSETS.get(url)
    if rel is not None:
        return rel
    if prefix is not None and url.startswith(prefix.rstrip("/") + "/"):
        candidate = url[len(prefix.rstrip("/")) + 1 :]
        if candidate in _LOCAL_FILES:
            return candidate
    for candidate in _LOCAL_FILES:
        if url == candidate or url.endswith("/" + candidate):
            return candidate
    return None


def _localise(url: str, prefix: str) -> str:
    rel = LOCAL_ASSETS.get(url)
    return f"{prefix}/{rel}" if rel is not None else url


def _is_remote(url: str) -> bool:
    return url.startswith(("http://", "https://", "//"))


def _jscss_classes() -> Iterator[type]:
    """``folium.Map`` and every JSCSSMixin subclass defined so far (folium.plugins is imported above)."""
    seen: set[type] = set()
    stack: list[type] = [folium.elements.JSCSSMixin]
    while stack:
        cls = stack.pop()
        for sub in cls.__subclasses__():
            if sub not in seen:
                seen.add(sub)
                stack.append(sub)
                yield sub


def _original_links(cls: type) -> dict[str, tuple[tuple[str, str], ...]]:
    """The CDN links a class defines itself (recorded on first sight, so rewriting is repeatable)."""
    if cls not in _ORIGINAL_LINKS:
        _ORIGINAL_LINKS[cls] = {
            attr: tuple((name, url) for name, url in cls.__dict__[attr]) for attr in _LINK_ATTRS if attr in cls.__dict__
        }
    return _ORIGINAL_LINKS[cls]


def _cdn_links(cls: type) -> list[str]:
    """Every CDN link a class uses, its own and inherited ones."""
    urls: list[str] = []
    for attr in _LINK_ATTRS:
        for klass in cls.__mro__:
            if klass in _ORIGINAL_LINKS or attr in klass.__dict__:
                own = _original_links(klass)
                if attr in own:
                    urls.extend(url for _, url in own[attr])
                    break
    return urls


def missing_local_assets(classes: Iterable[type] = PROJECT_ASSET_CLASSES) -> list[tuple[type, str]]:
    """``(class, CDN URL)`` for each asset of ``classes`` with no mapping or no file in :data:`VENDOR_DIR`."""
    missing: list[tuple[type, str]] = []
    for cls in classes:
        for url in _cdn_links(cls):
            rel = LOCAL_ASSETS.get(url)
            if rel is None or not (VENDOR_DIR / rel).is_file():
                missing.append((cls, url))
    return missing


def _missing_message(missing: Sequence[tuple[type, str]]) -> str:
    lines = [
        f"  {cls.__module__}.{cls.__qualname__}: {url}"
        + (f" (expected {VENDOR_DIR / LOCAL_ASSETS[url]})" if url in LOCAL_ASSETS else " (not in LOCAL_ASSETS)")
        for cls, url in missing
    ]
    return (
        "These map assets have no local copy, so the map would not load offline:\n"
        + "\n".join(lines)
        + "\nRun scripts/vendor_assets.sh, and map new URLs in dashboard/viz/assets.py LOCAL_ASSETS."
    )


# ----------------------------------------------------------------------------------------------------------
# Switching folium, branca and streamlit-folium to the local files
# ----------------------------------------------------------------------------------------------------------


def use_local_assets(prefix: str = DEFAULT_PREFIX, *, strict: bool = True) -> None:
    """Make every folium map (and ``st_folium``) link the vendored assets at ``prefix + "/" + path``.

    Process-wide and idempotent: links are always recomputed from the CDN originals, so calling it again
    (even with another prefix) gives the same result as calling it once. With ``strict`` (the default),
    raises :class:`MissingLocalAssetError` naming each URL of :data:`PROJECT_ASSET_CLASSES` that has no
    local file, before changing anything; and ``st_folium`` refuses to send a map that still links a remote
    asset.
    """
    prefix = prefix.rstrip("/")
    if strict:
        missing = missing_local_assets(PROJECT_ASSET_CLASSES)
        if missing:
            raise MissingLocalAssetError(_missing_message(missing))
    for cls in _jscss_classes():
        for attr, links in _original_links(cls).items():
            setattr(cls, attr, [(name, _localise(url, prefix)) for name, url in links])
    _STATE.prefix = prefix
    _STATE.strict = strict
    _patch_colormap_render()
    _patch_streamlit_folium_when_imported()


def restore_cdn_assets() -> None:
    """Undo :func:`use_local_assets`: CDN links again, no d3/streamlit-folium rewriting (for tests)."""
    for cls, own in _ORIGINAL_LINKS.items():
        for attr, links in own.items():
            setattr(cls, attr, list(links))
    _STATE.prefix = None
    _STATE.strict = True


_ORIGINAL_COLORMAP_RENDER = branca.colormap.ColorMap.render


def _colormap_render(self: branca.colormap.ColorMap, **kwargs: Any) -> None:
    """branca's ColorMap.render, then its d3 header link (added inside render) pointed at the local copy."""
    _ORIGINAL_COLORMAP_RENDER(self, **kwargs)
    if _STATE.prefix is None:
        return
    link = self.get_root().header._children.get("d3")
    if isinstance(link, JavascriptLink):
        link.url = _localise(link.url, _STATE.prefix)


setattr(_colormap_render, _MARK, True)


def _patch_colormap_render() -> None:
    if not getattr(branca.colormap.ColorMap.render, _MARK, False):
        branca.colormap.ColorMap.render = _colormap_render  # type: ignore[method-assign]


def _patch_streamlit_folium(module: ModuleType) -> None:
    """Wrap ``streamlit_folium._component_func`` so the links it is sent are localised.

    Why there: ``st_folium`` builds its ``js_links``/``css_links`` in local variables, from each element's
    ``default_js``/``default_css`` (already localised) plus two d3 CDN links it inserts itself when it meets a
    branca colormap (:data:`STREAMLIT_FOLIUM_D3_LINKS`, string literals in the function body), and passes
    them to ``_component_func`` (the declared Streamlit component), a module global looked up at call time.
    Wrapping that one callable is the narrowest point that sees the final lists. The wrapper is marked so it
    is installed once; it reads the prefix at call time, so ``use_local_assets`` can be called again.
    """
    current = module._component_func
    if getattr(current, _MARK, False):
        return

    def component_func(*args: Any, **kwargs: Any) -> Any:
        prefix = _STATE.prefix
        if prefix is not None:
            for key in ("js_links", "css_links"):
                if kwargs.get(key):
                    kwargs[key] = list(dict.fromkeys(_localise(url, prefix) for url in kwargs[key]))
            remote = [url for key in ("js_links", "css_links") for url in kwargs.get(key) or () if _is_remote(url)]
            if remote and _STATE.strict:
                raise MissingLocalAssetError(
                    "This map links assets with no local copy, so it would show blank offline: "
                    + ", ".join(remote)
                    + ". Vendor them (scripts/vendor_assets.sh + LOCAL_ASSETS) or drop the plugin."
                )
        return current(*args, **kwargs)

    setattr(component_func, _MARK, True)
    component_func.__wrapped__ = current  # type: ignore[attr-defined]
    module._component_func = component_func


class _PatchOnImport(importlib.abc.MetaPathFinder):
    """One-shot import hook: patch streamlit_folium right after its first import (we must not import it)."""

    def find_spec(
        self, fullname: str, path: Sequence[str] | None, target: ModuleType | None = None
    ) -> importlib.machinery.ModuleSpec | None:
        if fullname != "streamlit_folium":
            return None
        if self in sys.meta_path:
            sys.meta_path.remove(self)
        spec = importlib.util.find_spec(fullname)
        if spec is None or spec.loader is None or not hasattr(spec.loader, "exec_module"):
            return spec
        exec_module = spec.loader.exec_module

        def exec_and_patch(module: ModuleType) -> None:
            exec_module(module)
            _patch_streamlit_folium(module)

        spec.loader.exec_module = exec_and_patch  # type: ignore[method-assign]  # this spec's own loader
        return spec


def _patch_streamlit_folium_when_imported() -> None:
    module = sys.modules.get("streamlit_folium")
    if module is not None:
        _patch_streamlit_folium(module)
    elif not any(isinstance(finder, _PatchOnImport) for finder in sys.meta_path):
        sys.meta_path.insert(0, _PatchOnImport())


# ----------------------------------------------------------------------------------------------------------
# Marker icon images
# ----------------------------------------------------------------------------------------------------------


class LocalIconPath(MacroElement):
    """Sets ``L.Icon.Default.imagePath`` to the vendored Leaflet images: add it to the map before any marker.

    Leaflet guesses the folder of its default marker icon from leaflet.css, which streamlit-folium adds only
    after the map script has run, so the default blue marker would 404 without this.
    """

    _template = Template(
        """
        {% macro script(this, kwargs) %}
            L.Icon.Default.imagePath = {{ this.image_path|tojson }};
        {% endmacro %}
        """
    )

    def __init__(self, image_path: str | None = None) -> None:
        super().__init__()
        self._name = "LocalIconPath"
        self._image_path = image_path

    @property
    def image_path(self) -> str:
        if self._image_path is not None:
            return self._image_path
        return f"{_STATE.prefix or DEFAULT_PREFIX}/{LEAFLET_IMAGES}/"


# ----------------------------------------------------------------------------------------------------------
# Checking rendered HTML
# ----------------------------------------------------------------------------------------------------------


class _AssetLinkParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.links: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        wanted = {"script": "src", "link": "href"}.get(tag)
        if wanted is None:
            return
        for name, value in attrs:
            if name == wanted and value:
                self.links.append(value.strip())

    handle_startendtag = handle_starttag


def remote_asset_links(html: str) -> list[str]:
    """Every http(s) (or protocol-relative) ``<script src>`` / ``<link href>`` in an HTML document.

    Script and style contents are not parsed as HTML, so URLs inside popups' JavaScript do not count.
    """
    parser = _AssetLinkParser()
    parser.feed(html)
    parser.close()
    return [url for url in parser.links if _is_remote(url)]


# What the incident map uses of folium.Map's default assets: Leaflet, and jQuery (folium builds every popup with
# ``$(`...`)[0]``). Bootstrap, Font Awesome, glyphicons and awesome-markers are for folium.Icon markers, which the map
# does not draw: about 450 kB that the st_folium frame loaded one file after another before the first marker.
MAP_JS: Final = ("leaflet", "jquery")
MAP_CSS: Final = ("leaflet_css",)


def lean_map_assets(m: folium.Map) -> folium.Map:
    """Give ``m`` only the default assets the incident map uses (:data:`MAP_JS`, :data:`MAP_CSS`), taken from the
    class's current (localised or CDN) links; plugins added to it still bring their own."""
    m.default_js = [(name, url) for name, url in type(m).default_js if name in MAP_JS]
    m.default_css = [(name, url) for name, url in type(m).default_css if name in MAP_CSS]
    return m
