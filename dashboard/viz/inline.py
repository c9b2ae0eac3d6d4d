"""A self-contained HTML document of a folium map: every vendored script and stylesheet inlined, so the file
opens with no network (the offline HTML export). The asset mapping itself lives in :mod:`dashboard.viz.assets`."""

from __future__ import annotations

import base64
import json
import mimetypes
import re
from pathlib import Path
from typing import Final

import folium

from dashboard.viz.assets import (
    _LEAFLET,
    _STATE,
    LEAFLET_IMAGES,
    LOCAL_ASSETS,
    VENDOR_DIR,
    MissingLocalAssetError,
    _is_remote,
    local_asset_path,
)

__all__ = ["inline_assets_html"]


_HEAD_SCRIPT = re.compile(r"""<script\b[^>]*?\bsrc=["']([^"']+)["'][^>]*>\s*</script\s*>""", re.IGNORECASE)
_HEAD_STYLESHEET = re.compile(
    r"""<link\b(?=[^>]*\brel=["']?stylesheet)[^>]*?\bhref=["']([^"']+)["'][^>]*>""", re.IGNORECASE
)
_SOURCE_MAP = re.compile(r"^\s*(//|/\*)\s*[#@]\s*sourceMappingURL=.*$", re.MULTILINE)
_FONT_FACE = re.compile(r"@font-face\s*\{([^}]*)\}", re.IGNORECASE)
_CSS_URL = re.compile(r"""url\(\s*(['"]?)([^'")]+)\1\s*\)(\s*format\(\s*['"]?([\w-]+)['"]?\s*\))?""", re.IGNORECASE)
_FONT_FORMATS: Final = ("woff2", "woff", "truetype", "opentype")
_FONT_EXTENSIONS: Final = {".woff2": "woff2", ".woff": "woff", ".ttf": "truetype", ".otf": "opentype"}
_MIME: Final = {".woff2": "font/woff2", ".woff": "font/woff", ".ttf": "font/ttf", ".svg": "image/svg+xml"}
# Which icon fonts a map body uses (folium.Icon always adds the class fa-rotate-N, which needs no font).
_ICON_FONT_USE: Final = {
    "@neos21/bootstrap3-glyphicons@1.0.7/": re.compile(r"glyphicon"),
    "@fortawesome/fontawesome-free@6.2.0/": re.compile(r"""["'\s]fa[srbl]?["'\s]|\bfa-(?!rotate-)[a-z]"""),
}
# Images only some maps need: dropped from the export unless the map body mentions the plugin.
_OPTIONAL_IMAGES: Final = {"leaflet.awesome-markers@2.0.5/": "AwesomeMarkers"}
_LEAFLET_ICONS: Final = ("marker-icon.png", "marker-icon-2x.png", "marker-shadow.png")


def _data_uri(path: Path) -> str:
    mime = _MIME.get(path.suffix.lower()) or mimetypes.guess_type(path.name)[0] or "application/octet-stream"
    return f"data:{mime};base64,{base64.b64encode(path.read_bytes()).decode('ascii')}"


def _resolve_in_css(css_rel: str, ref: str) -> Path | None:
    """The vendored file a relative url() in a vendored stylesheet points at, if it exists."""
    ref = ref.split("#", 1)[0].split("?", 1)[0]
    if not ref or ref.startswith(("data:", "#")) or _is_remote(ref) or ref.startswith("/"):
        return None
    path = (VENDOR_DIR / css_rel).parent / ref
    try:
        path.resolve().relative_to(VENDOR_DIR.resolve())
    except ValueError:
        return None
    return path if path.is_file() else None


def _inline_font_face(css_rel: str, body: str, embedded: set[Path]) -> str:
    """One @font-face rule with only its best available format, embedded as a data URI.

    '' if no format is available, or if that font file was already embedded by an earlier rule (Font Awesome
    declares each file again under its v4/v5 family names, which nothing on a folium map uses).
    """
    declarations = [d for d in body.split(";") if d.strip()]
    others = [d.strip() for d in declarations if not d.strip().lower().startswith("src")]
    best: tuple[int, Path, str] | None = None
    for declaration in declarations:
        if not declaration.strip().lower().startswith("src"):
            continue
        for match in _CSS_URL.finditer(declaration):
            path = _resolve_in_css(css_rel, match.group(2))
            if path is None:
                continue
            fmt = (match.group(4) or _FONT_EXTENSIONS.get(path.suffix.lower(), "")).lower()
            if fmt not in _FONT_FORMATS:
                continue
            rank = _FONT_FORMATS.index(fmt)
            if best is None or rank < best[0]:
                best = (rank, path, fmt)
    if best is None or best[1] in embedded:
        return ""
    _, path, fmt = best
    embedded.add(path)
    return "@font-face{" + ";".join([*others, f'src:url({_data_uri(path)}) format("{fmt}")']) + "}"


def _inline_css(css_rel: str, css: str, *, embed_fonts: bool, body: str) -> str:
    embedded: set[Path] = set()
    css = _FONT_FACE.sub(lambda m: _inline_font_face(css_rel, m.group(1), embedded) if embed_fonts else "", css)
    needed = all(marker in body for folder, marker in _OPTIONAL_IMAGES.items() if css_rel.startswith(folder))

    def replace(match: re.Match[str]) -> str:
        if match.group(2).startswith("data:"):
            return match.group(0)
        path = _resolve_in_css(css_rel, match.group(2))
        if path is None:
            return match.group(0)
        if not needed:
            return "none"
        return f'url("{_data_uri(path)}"){match.group(3) or ""}'

    return _CSS_URL.sub(replace, _SOURCE_MAP.sub("", css))


def _leaflet_icon_script() -> str:
    """Default marker icons as data URIs, whatever ``L.Icon.Default.imagePath`` is (LocalIconPath sets it)."""
    icons = {name: _data_uri(VENDOR_DIR / LEAFLET_IMAGES / name) for name in _LEAFLET_ICONS}
    return (
        "<script>(function(){var icons=" + _json_for_script(icons) + ";"
        "var base=L.Icon.prototype._getIconUrl;"
        "L.Icon.Default.prototype._getIconUrl=function(name){"
        "var file=base.call(this,name);return icons[file]||file;};})();</script>"
    )


def _json_for_script(value: object) -> str:
    return json.dumps(value).replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def _escape_for_element(code: str, tag: str) -> str:
    """Keep inlined code from closing its own element (``</script``) or opening an HTML comment state."""
    code = re.sub(rf"</({tag})", r"<\\/\1", code, flags=re.IGNORECASE)
    return code.replace("<!--", "<\\!--")


def inline_assets_html(m: folium.Map, *, embed_fonts: bool | None = None) -> str:
    """A self-contained HTML document of ``m``: every JS/CSS asset inlined from :data:`VENDOR_DIR`.

    Works whether or not :func:`use_local_assets` was called (CDN and localised links are both recognised).
    Images referenced by the stylesheets and Leaflet's default marker icons become data URIs. Each icon font
    (Font Awesome, glyphicons) is embedded, as woff2, when the map uses its classes (``embed_fonts=None``) or
    always (``True``); otherwise its ``@font-face`` rules are dropped (``False``: never embedded). Raises
    :class:`MissingLocalAssetError` if the map links an asset that has no local copy.
    """
    html = m.get_root().render()
    head_end = html.lower().find("</head>")
    if head_end < 0:
        raise ValueError("rendered map has no </head>")
    head, rest = html[:head_end], html[head_end:]

    def fonts_for(rel: str) -> bool:
        if embed_fonts is not None:
            return embed_fonts
        return all(pattern.search(rest) for folder, pattern in _ICON_FONT_USE.items() if rel.startswith(folder))

    missing: list[str] = []
    inlined: list[str] = []

    def resolve(url: str) -> str | None:
        rel = local_asset_path(url, _STATE.prefix)
        if rel is None or not (VENDOR_DIR / rel).is_file():
            missing.append(url)
            return None
        inlined.append(rel)
        return rel

    def inline_script(match: re.Match[str]) -> str:
        rel = resolve(match.group(1))
        if rel is None:
            return match.group(0)
        code = _SOURCE_MAP.sub("", (VENDOR_DIR / rel).read_text(encoding="utf-8"))
        return f"<script>/* {rel} */\n{_escape_for_element(code, 'script')}\n</script>"

    def inline_stylesheet(match: re.Match[str]) -> str:
        rel = resolve(match.group(1))
        if rel is None:
            return match.group(0)
        css = _inline_css(rel, (VENDOR_DIR / rel).read_text(encoding="utf-8"), embed_fonts=fonts_for(rel), body=rest)
        return f"<style>/* {rel} */\n{_escape_for_element(css, 'style')}\n</style>"

    head = _HEAD_SCRIPT.sub(inline_script, head)
    head = _HEAD_STYLESHEET.sub(inline_stylesheet, head)
    if missing:
        raise MissingLocalAssetError(
            "Cannot export the map as a self-contained file: no local copy of " + ", ".join(missing)
        )
    if LOCAL_ASSETS[f"{_LEAFLET}/leaflet.js"] in inlined:
        head += _leaflet_icon_script()
    return head + rest
