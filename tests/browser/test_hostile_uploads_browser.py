"""The hostile files of ``tests/hardening/hostile_files.py`` uploaded through the Data page in Debian's chromium
(issue 21, "through the CLI and the Data page (browser)"; the CLI half is ``tests/hardening/test_hostile_files.py``).

Each file is uploaded and imported on a served app (a file whose name the uploader does not take, ``.vrt``,
``.gz``, ``.zip``, stops there: no Import button, nothing read): a refused file shows exactly its one sentence (the CLI's
message) as the page's one error, with no traceback, bug sentence or exception box, and the store is byte-identical
afterwards; an imported one reports its rows added and rejected. Whatever the outcome, the listener on 127.0.0.1
(which a VRT or a linked CRS would call) receives no request, and no byte of the server file a VRT points at
appears in the page.
"""

from __future__ import annotations

import hashlib
import re
from types import SimpleNamespace

import pytest
from playwright.sync_api import expect

from dashboard.data.readers import SUFFIXES
from dashboard.data.store import write_store
from dashboard.ui.main import BUG_MESSAGE
from tests import serving
from tests.browser.conftest import SERVER_READY_TIMEOUT_S, recorded_page
from tests.browser.mapcheck import EXCEPTION, wait_idle
from tests.factories import incidents, row
from tests.hardening.hostile_files import CASES, SECRET, Refused, listening

pytestmark = pytest.mark.browser

WJ = "\u2060"  # the invisible joiner md_escape puts into URL-like text


def sha256(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture(scope="module")
def data_app(tmp_path_factory):
    workdir = tmp_path_factory.mktemp("hostile-uploads")
    store = workdir / "incidents.gpkg"
    write_store(store, incidents(row()))
    try:
        with serving.serve(store, workdir / "server", ready_timeout_s=SERVER_READY_TIMEOUT_S) as served:
            yield SimpleNamespace(base=served.base, store=store, folder=workdir)
    except serving.ServerError as exc:
        pytest.fail(str(exc))


def test_hostile_files_through_the_data_page(browser, data_app, tmp_path):
    files = tmp_path / "files"
    files.mkdir()
    (files / "server").mkdir()
    outcomes = []
    with listening() as listener, recorded_page(browser, data_app.base, timeout_ms=60_000) as web:
        for case in CASES:
            path = files / case.name
            path.write_bytes(case.make(files / "server", listener.url))
            before = sha256(data_app.store)
            page = web.open("/?page=data", timeout_ms=60_000)  # a fresh page per file: no report of the last one
            wait_idle(page)
            page.locator("[data-testid='stFileUploader'] input[type='file']").set_input_files(str(path))
            if path.suffix.lstrip(".") not in SUFFIXES:  # the uploader itself takes only the importable kinds
                expect(page.locator("[data-testid='stFileUploader']")).to_contain_text("not allowed")
                expect(page.get_by_role("button", name="Import")).to_have_count(0)
                assert sha256(data_app.store) == before
                outcomes.append(case.name)
                continue
            page.get_by_role("button", name="Import").click()
            wait_idle(page, 120_000)
            errors = page.locator("[data-testid='stAlertContentError']")
            html = "\n".join(frame.content() for frame in page.frames)
            assert SECRET not in html, f"{case.name}: the server file's content reached the browser"
            assert BUG_MESSAGE not in html and "Traceback" not in html, case.name
            expect(page.locator(EXCEPTION)).to_have_count(0)
            expected = case.outcome()
            if isinstance(expected, Refused):
                expect(errors).to_have_count(1, timeout=60_000)
                shown = errors.first.inner_text().replace(WJ, "").strip()
                assert shown == expected.message, (case.name, shown)
                assert sha256(data_app.store) == before, f"{case.name}: the store changed"
            else:
                report = page.get_by_text(re.compile(r"rows? read; \d+ added to")).first
                expect(report).to_be_visible(timeout=60_000)
                text = report.inner_text()
                assert f"; {expected.added} added to" in text, (case.name, text)
                assert re.search(rf"rejected\s+{len({r for r, _, _ in expected.rejects})}\b", text), text
                assert errors.count() == 0
            outcomes.append(case.name)
        assert listener.requests == [], f"the server called the listener: {listener.requests}"
        web.assert_local_only()
    assert outcomes == [c.name for c in CASES]
