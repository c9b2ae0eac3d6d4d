"""Exports of the hostile corpus (the self-contained HTML map and the PDF briefing) hold no live markup, and
``incident-map export --public`` writes no precise point and no internal field in any format."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from datetime import UTC, datetime

import pytest

from dashboard.export import briefing, files
from dashboard.export.exporters import EXPORTERS, ExportRequest
from dashboard.query.spec import FilterSpec
from dashboard.viz.maps import plottable
from tests.hardening.htmlcheck import CARD_TAGS, POPUP_ATTRS, assert_no_live_markup, card_links_are_http, parse
from tests.hardening.test_public_mode import basemap_tokens, leaks, public_store, secrets  # noqa: F401

CLI = str(sys.executable).rsplit("/", 1)[0] + "/incident-map"
HOSTILE_TITLE = "<img src=x onerror=alert('pwned') data-pwned> {{7*7}} ${7*7} [pwned](javascript:alert(1))"
GENERATED = datetime(2026, 1, 15, 12, 0, tzinfo=UTC)


def assert_document_inert(doc: str, where: str) -> None:
    parsed = parse(doc)
    names = {k for k, _ in parsed.attrs}
    assert not [n for n in names if "pwned" in n], f"{where}: injected attribute"
    assert not [v for k, v in parsed.attrs if k == "id" and "pwned" in (v or "")], f"{where}: injected id"
    assert not [k for k in names if k.startswith("on")], f"{where}: event handler attribute"
    for k, v in parsed.attrs:
        if k in {"href", "src", "action", "formaction"}:
            assert not re.match(r"\s*(javascript|vbscript|data:text)", v or "", re.I), f"{where}: {k}={v!r}"


def test_html_map_export(hostile_store):
    view = hostile_store.incidents
    doc = files.to_html_bytes(view, title=HOSTILE_TITLE, description=HOSTILE_TITLE, footer=HOSTILE_TITLE).decode()
    assert_document_inert(doc, "HTML export")
    popups = re.findall(r"\$\(`([^`]*)`\)\[0\]", doc)
    assert len(popups) == len(plottable(view))
    for i, popup in enumerate(popups):
        assert "${" not in popup and "\\" not in popup
        card_links_are_http(assert_no_live_markup(popup, tags=CARD_TAGS, attrs=POPUP_ATTRS, where=f"popup {i}"),
                            f"popup {i}")
    assert "{{7*7}}" in parse(doc).all_text  # the title is shown as text, not evaluated


def test_briefing_html_and_pdf(hostile_store):
    view = hostile_store.incidents
    spec = FilterSpec(text="![pwned](http://evil.example/q.png) <b data-pwned>x</b> {{7*7}}")
    doc = briefing.briefing_html(ExportRequest(view=view, total=len(view), version="test", generated_at=GENERATED,
                                               title=HOSTILE_TITLE))
    assert_document_inert(doc, "briefing")
    parsed = parse(doc)
    assert "script" not in parsed.tags and "iframe" not in parsed.tags
    for url in (v for k, v in parsed.attrs if k == "href"):
        assert re.match(r"^(https?://|#)", url or ""), f"briefing links {url!r}"
    assert "{{7*7}}" in parsed.all_text
    pdf = briefing.briefing_pdf(ExportRequest(view=view.head(12), selection=spec, total=len(view), version="test",
                                              generated_at=GENERATED, title=HOSTILE_TITLE))
    assert pdf.startswith(b"%PDF")
    for uri in re.findall(rb"/URI\s*\((.*?)\)", pdf):
        assert re.match(rb"^https?://", uri), uri


FORMATS = tuple(e.name for e in EXPORTERS)


@pytest.mark.parametrize("fmt", FORMATS)
def test_public_export_writes_no_precise_point_and_no_internal_field(public_store, secrets, tmp_path, fmt):  # noqa: F811
    out = tmp_path / f"export.{fmt}"
    result = subprocess.run([CLI, "export", "--format", fmt, "-o", str(out), "--store", str(public_store),
                             "--public"], capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    if fmt == "gpkg":
        ogr = shutil.which("ogr2ogr")
        if ogr is None:
            import pyogrio

            text = pyogrio.read_dataframe(out).to_json()
            text += json.dumps([str(n) for n in pyogrio.list_layers(out)])
        else:
            geojson = tmp_path / "from-gpkg.geojson"
            subprocess.run([ogr, "-f", "GeoJSON", str(geojson), str(out), "incidents"], check=True)
            text = geojson.read_text()
        text += out.read_bytes().decode("utf-8", errors="ignore")
    elif fmt == "pdf":
        pdftotext = shutil.which("pdftotext")
        if pdftotext is None:
            pytest.skip("pdftotext (poppler-utils) is not installed")
        text = subprocess.run([pdftotext, str(out), "-"], capture_output=True, text=True, check=True).stdout
    else:
        text = out.read_text(encoding="utf-8")
    coords, texts = secrets
    found = leaks(text, coords, basemap_tokens())
    assert not found, found[:10]
    for t in texts:
        assert t not in text, f"internal text in the {fmt} export: {t[:60]!r}"
