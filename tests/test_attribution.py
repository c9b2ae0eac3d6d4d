"""Every reference layer's attribution line is on the About page and in the bundled README; the short credits
are in the briefing footer and the HTML export."""

from __future__ import annotations

import html
from datetime import UTC, datetime

import pytest

from dashboard import bundled
from dashboard.attribution import ATTRIBUTIONS, short_credits
from dashboard.data.store import load_bundled
from dashboard.export.exporters import exporter
from dashboard.export.request import ExportRequest
from dashboard.query.spec import FilterSpec
from tests.ui.test_app import open_page, store  # noqa: F401  (store: autouse fixture)

OCT = FilterSpec.from_query_params({"from": "2025-10-01", "to": "2025-10-31"})


@pytest.fixture(scope="module")
def request_oct() -> ExportRequest:
    return ExportRequest.of_filter(load_bundled(), OCT, version="v1", generated_at=datetime(2026, 1, 2, tzinfo=UTC))


def test_every_layer_is_credited_in_the_bundled_readme():
    readme = " ".join(bundled.path("README.md").read_text(encoding="utf-8").split())
    for a in ATTRIBUTIONS:
        assert a.line in readme, a.layer


def test_the_about_page_credits_every_layer():
    at = open_page("about")
    text = " ".join(m.value for m in at.markdown)
    for a in ATTRIBUTIONS:
        assert a.line in text, a.layer
    assert "ucdp-ged-21.1" in text


def test_the_briefing_footer_carries_the_credits(request_oct):
    from dashboard.export.briefing import briefing_html

    document = briefing_html(request_oct)
    footer = document[document.index('<div class="footer">'):]
    assert html.escape(short_credits()) in footer.split("</div>")[0]
    assert "UCDP GED 21.1" in short_credits() and "Sundberg &amp; Melander 2013" in footer


def test_the_html_export_carries_the_credits(request_oct):
    document = exporter("html").build(request_oct).decode("utf-8")
    assert f'<div class="export-credits" style="color:#555;font-size:10px">{html.escape(short_credits())}' in document
