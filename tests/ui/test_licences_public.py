"""The public view and the Export page with ACLED-like rows imported (written by the test, never ACLED data): the
public pages send no ACLED row, say how many were left out, count them by cercle and month and credit ACLED; the
private Export page offers the include-restricted box, the public one does not (issue 16, item 4)."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest
from typer.testing import CliRunner

from dashboard.cli import app
from dashboard.data.store import STORE_ENV
from tests.export.test_licences import ACLED_LINE, MARK, acled_like
from tests.hardening.test_public_mode import page_script, sent

SEP_2026 = {"from": "2026-09-01", "to": "2026-09-30"}


def plain(markdown: str) -> str:
    """Text shown from escaped Markdown: without the escapes and the word joiners that break autolinks."""
    return markdown.replace("\\", "").replace("\u2060", "")


@pytest.fixture(scope="module")
def acled_store(tmp_path_factory):
    folder = tmp_path_factory.mktemp("public-licences")
    location = folder / "incidents.gpkg"
    result = CliRunner().invoke(app, ["import", str(acled_like(folder / "acled_like.csv")), "--store", str(location)])
    assert result.exit_code == 0, result.output
    return location


def run(page: str, **params) -> AppTest:
    at = AppTest.from_function(page_script, args=(page, "points"), default_timeout=120)
    for k, v in params.items():
        at.query_params[k] = v
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


@pytest.mark.parametrize("page", ["map", "table"])
def test_the_public_view_holds_no_acled_row_and_counts_them(acled_store, monkeypatch, page):
    monkeypatch.setenv(STORE_ENV, str(acled_store))
    monkeypatch.setenv("INCIDENT_MAP_PUBLIC", "1")
    at = run(page, **SEP_2026)
    text = sent(at)
    assert MARK not in text and "MLI77001" not in text and "ACLED-MLI" not in text
    notes = [i.value for i in at.info]
    assert any("2 ACLED incidents left out: ACLED's terms forbid redistributing its rows" in n.replace("\\", "")
               for n in notes), notes
    counts = [d.value for d in at.dataframe if "month" in d.value.columns]
    assert counts and set(zip(counts[0]["cercle"], counts[0]["month"], strict=True)) == {
        ("Niono", "2026-09"), ("Tominian", "2026-09")}
    assert ACLED_LINE in " ".join(plain(c.value) for c in at.caption)


def test_the_private_view_shows_them_and_offers_the_include_box(acled_store, monkeypatch):
    monkeypatch.setenv(STORE_ENV, str(acled_store))
    monkeypatch.delenv("INCIDENT_MAP_PUBLIC", raising=False)
    at = run("export", **SEP_2026)
    assert at.checkbox(key="export_include_restricted").value is False
    assert any("with ACLED reports" in i.value for i in at.info)
    monkeypatch.setenv("INCIDENT_MAP_PUBLIC", "1")
    public = run("export", **SEP_2026)
    assert not [c for c in public.checkbox if c.key == "export_include_restricted"]
