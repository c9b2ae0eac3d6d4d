"""The app in-process (AppTest) on a store holding the hostile corpus: every Markdown string the pages send
(markdown, captions, alerts, expander labels) has the corpus escaped -- no link, image, autolink or HTML from the
data or from the link can render -- and every st.html body is an incident card with no live markup."""

from __future__ import annotations

import re
import shutil

import pytest
from markupsafe import escape
from streamlit.testing.v1 import AppTest

from dashboard.data.store import STORE_ENV
from dashboard.ui.pages.map_page import NOT_DRAWN_KEY
from tests.hardening.conftest import import_hostile
from tests.hardening.htmlcheck import (
    CARD_ATTRS,
    CARD_TAGS,
    PAGE_HTML_TAGS,
    assert_no_live_markup,
    card_links_are_http,
)
from tests.ui.opened import open_more_filters
from tests.ui.test_app import _walk, open_page

ESCAPES = re.compile(r"\\(.)")
# what Markdown would turn into a link, an image or HTML
LIVE_MARKDOWN = (
    (re.compile(r"(?<!\\)\]\s*\("), "link or image"),
    (re.compile(r"(?<!\\)<[A-Za-z/!?]"), "HTML or <autolink>"),
)
AUTOLINK = re.compile(r"(?i)[a-z][a-z0-9+.-]*://|\bwww\.|[\w.+-]@[\w-]")


@pytest.fixture(scope="module")
def hostile(tmp_path_factory):
    imported = import_hostile("native.csv", tmp_path_factory.mktemp("hostile-apptest"))
    return imported


@pytest.fixture
def store_env(hostile, tmp_path, monkeypatch):
    store = tmp_path / "incidents.gpkg"
    shutil.copy(hostile.store, store)
    monkeypatch.setenv(STORE_ENV, str(store))
    monkeypatch.delenv("INCIDENT_MAP_PUBLIC", raising=False)
    return store


def run(page: str, **params) -> AppTest:
    return open_page(page, timeout_s=120, **params)


def markdown_strings(at: AppTest) -> list[tuple[str, str]]:
    out = []
    for kind in ("markdown", "caption", "warning", "info", "error", "success", "title", "subheader", "header"):
        out += [(kind, el.value) for el in getattr(at, kind)]
    out += [("expander", el.label) for el in at.expander]
    return out


def assert_inert_markdown(at: AppTest, where: str) -> None:
    strings = markdown_strings(at)
    assert strings
    for kind, value in strings:
        for pattern, what in LIVE_MARKDOWN:
            assert not pattern.search(value), f"{where}: {kind} renders a {what}: {value[:200]!r}"
        shown = ESCAPES.sub(r"\1", value)  # autolinks are found after escapes are resolved
        assert not AUTOLINK.search(shown), f"{where}: {kind} would autolink: {value[:200]!r}"


def html_bodies(at: AppTest) -> list[str]:
    return [el.proto.body for el in _walk(at.main) if getattr(el, "type", None) == "html"]


@pytest.mark.parametrize("page", ["map", "timeline", "table"])
def test_pages_render_the_corpus_as_text(store_env, hostile, page):
    at = run(page, scope="all")  # the corpus is mostly outside the region, which the default scope leaves out
    assert_inert_markdown(at, page)
    bodies = html_bodies(at)
    if page == "timeline":  # every card, in one element
        assert sum(b.count('<div class="incident-card"') for b in bodies) == len(hostile.incidents)
    if page == "map":
        # region-level incidents are the options of one picker, labelled with their (hostile) place names (plain
        # text: a selectbox renders no Markdown), and the card of the one picked is an inert st.html body
        unplaced = hostile.incidents.loc[hostile.incidents.geometry.isna(), "incident_id"]
        picker = at.selectbox(key=NOT_DRAWN_KEY)
        assert len(picker.options) == len(unplaced) > 10
        picked = sorted(unplaced)[0]
        at = picker.set_value(picked).run()
        assert not at.exception, [e.value for e in at.exception]
        assert_inert_markdown(at, "map with a hostile card picked")
        bodies = html_bodies(at)
        assert any(f'data-incident-id="{escape(picked)}"' in b for b in bodies)
    for body in bodies:
        parsed = assert_no_live_markup(body, tags=PAGE_HTML_TAGS, attrs=CARD_ATTRS, where=page)
        card_links_are_http(parsed, page)


def test_selected_hostile_incident_and_hostile_filters(store_env, hostile):
    stored = hostile.incidents
    actor = "[pwned](http://evil.example/pwned)"
    # a cercle filter value is a computed cercle, or the name as reported for a row the region's units do not hold
    # (here: the hostile rows without a point); pick a hostile Markdown one
    hostile_cercles = sorted(c for c in stored["cercle"].dropna().unique() if "pwned" in c)
    cercle = next((c for c in hostile_cercles if "](" in c), hostile_cercles[0])
    ident = "<img src=x onerror=alert('pwned') data-pwned>"
    assert ident in set(stored["incident_id"])
    at = run("map", sel=ident)
    cards = [b for b in html_bodies(at) if "data-incident-id=\"&lt;img" in b]
    assert len(cards) == 1
    assert_no_live_markup(cards[0], tags=CARD_TAGS, attrs=CARD_ATTRS, where="selected card")
    assert_inert_markdown(at, "map with a hostile selection")
    at = run("map", actor=actor, cercle=cercle,
             q="![pwned](http://evil.example/q.png) <b data-pwned>x</b> www.evil.example")
    assert_inert_markdown(at, "map with hostile filters")
    open_more_filters(at)  # the perpetrator names as reported are drawn in "More filters"
    assert_inert_markdown(at, "map with hostile filters, more filters open")
    assert at.sidebar.multiselect(key="f_actor").value == [actor]
    assert at.sidebar.multiselect(key="f_cercle").value == [cercle]
    at.sidebar.text_input(key="f_text").set_value("[pwned](javascript:alert(1))").run()
    assert_inert_markdown(at, "map after typing a hostile search")


def test_bad_link_values_are_escaped_in_the_warning(store_env):
    at = run("map", min_killed="![pwned](http://evil.example/warn.png)")
    assert_inert_markdown(at, "warning about the link")


def upload(at: AppTest, name: str, data: bytes) -> AppTest:
    at.get("file_uploader")[0].upload(name, data, "text/csv").run()
    at.button(key="import_go").click().run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def test_data_page_upload_of_an_unreadable_hostile_file_is_one_escaped_error(store_env):
    """The error quotes the file name and its columns: both come from whoever made the file."""
    before = store_env.read_bytes()
    at = run("data")
    header = "![pwned](http://evil.example/col.png),[pwned](javascript:alert(1)),<b data-pwned>x</b>\n1,2,3\n"
    upload(at, "![pwned](http:__evil.example_name.png).csv", header.encode())
    assert len(at.error) == 1 and "unrecognised layout" in at.error[0].value
    assert_inert_markdown(at, "data page error")
    assert store_env.read_bytes() == before


def test_data_page_upload_with_rejected_rows_reports_them_escaped(store_env, tmp_path):
    from tests.hardening import corpus

    accepted, rejected = corpus.hostile_rows()
    data = corpus.write_native_csv(tmp_path / "hostile.csv", accepted[:3] + rejected).read_bytes()
    at = upload(run("data"), "hostile.csv", data)
    assert at.warning and "rejected" in at.warning[0].value  # AttributeError here before the fix
    assert any("Rejected rows with their reasons" in c.value for c in at.caption)
    assert_inert_markdown(at, "import report")
