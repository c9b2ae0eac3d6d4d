"""Structural checks on rendered HTML: which elements and attributes exist, and which links.

Parsing (``html.parser``) rather than searching for substrings: escaped text (``&lt;script&gt;``) is text, and
only real elements and attributes count.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser

# What an incident card may contain; anything else came from the data.
CARD_TAGS = {"div", "span", "b", "i", "p", "ol", "li", "a"}
CARD_ATTRS = {"class", "style", "data-incident-id", "href", "target", "rel"}
PAGE_HTML_TAGS = CARD_TAGS | {"dl", "dt", "dd"}  # the pages' st.html bodies: cards, and the Table page's key figures
POPUP_ATTRS = CARD_ATTRS | {"id"}  # folium's wrapper <div id="html_...">, checked by value below
LEGEND_TAGS = {"details", "summary", "div", "span", "b"}
LEGEND_ATTRS = {"style", "open"}
# The folium document around the map script.
PAGE_TAGS = {"html", "head", "meta", "script", "link", "style", "body", "div"}
PAGE_ATTRS = {"http-equiv", "content", "name", "src", "rel", "href", "class", "id", "style", "type", "charset"}


@dataclass
class Parsed:
    tags: list[str] = field(default_factory=list)
    attrs: list[tuple[str, str | None]] = field(default_factory=list)
    text: list[str] = field(default_factory=list)

    @property
    def hrefs(self) -> list[str]:
        return [v or "" for k, v in self.attrs if k in {"href", "src", "action", "formaction", "srcdoc"}]

    @property
    def all_text(self) -> str:
        return "".join(self.text)


class _Collector(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.out = Parsed()

    def handle_starttag(self, tag, attrs):
        self.out.tags.append(tag)
        self.out.attrs.extend(attrs)

    handle_startendtag = handle_starttag

    def handle_data(self, data):
        self.out.text.append(data)


def parse(markup: str) -> Parsed:
    collector = _Collector()
    collector.feed(markup)
    collector.close()
    return collector.out


def assert_no_live_markup(markup: str, *, tags: set[str], attrs: set[str], where: str,
                          ids: str = r"html_[0-9a-f]{32}") -> Parsed:
    """Only the expected elements and attributes (``id`` only with values matching ``ids``) and no
    ``javascript:``/``data:``/``vbscript:`` link."""
    parsed = parse(markup)
    extra_tags = sorted(set(parsed.tags) - tags)
    assert not extra_tags, f"{where}: unexpected element(s) {extra_tags}"
    extra_attrs = sorted({k for k, _ in parsed.attrs} - attrs)
    assert not extra_attrs, f"{where}: unexpected attribute(s) {extra_attrs}"
    for url in parsed.hrefs:
        assert re.match(r"^https?://|^/|^\./|^app/static/|^[\w./@-]+$", url.strip()), f"{where}: link {url!r}"
    for k, v in parsed.attrs:
        if k == "id":  # folium's own ids only
            assert re.fullmatch(ids, v or ""), f"{where}: id={v!r}"
        if k in {"href", "src"}:
            assert not re.match(r"^\s*(javascript|data|vbscript):", v or "", re.I), f"{where}: {k}={v!r}"
    return parsed


def card_links_are_http(parsed: Parsed, where: str) -> None:
    for url in parsed.hrefs:
        assert re.match(r"^https?://", url), f"{where}: a card links {url!r}"


def template_literals(script: str) -> list[str]:
    """The contents of every JS template literal (folium's popups and tooltips are the only ones), asserting
    that they are inert: no ``${`` interpolation and no backslash escape; an injected backtick would show as an
    odd number of backticks or as JS between the literals."""
    parts = script.split("`")
    assert len(parts) % 2 == 1, "unbalanced backticks in the map script"
    literals = parts[1::2]
    for lit in literals:
        assert "${" not in lit, f"interpolation in a template literal: {lit[:200]!r}"
        assert "\\" not in lit, f"backslash escape in a template literal: {lit[:200]!r}"
    return literals


def popup_literals(script: str) -> list[str]:
    template_literals(script)
    return re.findall(r"\$\(`([^`]*)`\)\[0\]", script)


def tooltip_literals(script: str) -> list[str]:
    template_literals(script)
    return re.findall(r"\.bindTooltip\(\s*`([^`]*)`\s*,", script)


def legend_markup(script: str) -> list[str]:
    return [json.loads(m) for m in re.findall(r"div\.innerHTML = (\"(?:[^\"\\]|\\.)*\");", script)]
