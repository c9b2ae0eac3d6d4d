"""The map page's detail with a preserved source copy: the card says when and the hash, a download button offers the
copy, the history lists it; the public view shows the date and hash only, never the file (issue 16 item 1)."""

from __future__ import annotations

import hashlib
import io
import json
import zipfile

import pytest

from dashboard.data.captures import Blob, captures_root, record_captures
from dashboard.data.store import STORE_ENV, open_store
from dashboard.export.manifest import verify
from tests.ui.test_app import open_page
from tests.ui.test_export_pages import download, recording_media  # noqa: F401 -- an autouse fixture: downloads readable

URL = "https://fr.allafrica.com/stories/202511180690.html"  # SEG-2025-008's first source
COPY = b"<html><body>RFI on HRW's release, 18 Nov 2025</body></html>"


@pytest.fixture
def captured(tmp_path, monkeypatch):
    store = tmp_path / "captured.gpkg"
    monkeypatch.setenv(STORE_ENV, str(store))
    st = open_store(store)
    record_captures(st, captures_root(store), [("SEG-2025-008", URL)], [Blob(COPY, "text/html", URL)],
                    method="attached", author="desk", reason="copy kept by the desk")
    return store


def _card(at) -> str:
    return next(h.proto.body for h in at.get("html") if 'data-incident-id="SEG-2025-008"' in h.proto.body)


def test_the_detail_offers_the_local_copy_and_the_history_lists_it(captured):
    at = open_page("map", sel="SEG-2025-008")
    digest = hashlib.sha256(COPY).hexdigest()
    assert f"sha256 {digest[:12]}… (text/html)" in _card(at)
    buttons = at.get("download_button")
    assert [b.proto.label for b in buttons if "sha256" in b.proto.label] == [
        f"Local copy: text/html, sha256 {digest[:12]}…"]
    history = next(e for e in at.expander if e.label.startswith("History"))
    body = history.get("html")[0].proto.body
    assert f"sha256 {digest}" in body and "custody: attached" in body


def test_the_public_view_shows_the_date_and_hash_but_never_the_file(captured, monkeypatch):
    monkeypatch.setenv("INCIDENT_MAP_PUBLIC", "1")
    at = open_page("map", sel="SEG-2025-008")
    digest = hashlib.sha256(COPY).hexdigest()
    card = _card(at)
    assert f"sha256 {digest[:12]}…" in card and "capture-copy" not in card and "desk" not in card
    assert not [b for b in at.get("download_button") if "sha256" in b.proto.label]


def test_the_evidence_pack_can_hold_the_copies_and_its_manifest_hashes_them(captured, tmp_path):
    at = open_page("export", **{"from": "2025-10-02", "to": "2025-10-02"})
    box = next(c for c in at.checkbox if c.key == "export_with_captures")
    assert box.label.startswith("Include the 1 preserved copy of the sources")
    box.check().run()
    assert not at.exception
    with zipfile.ZipFile(io.BytesIO(download(at, "dl_pack"))) as z:
        z.extractall(tmp_path / "pack")
    digest = hashlib.sha256(COPY).hexdigest()
    manifest = json.loads((tmp_path / "pack" / "manifest.json").read_text(encoding="utf-8"))
    assert [c["file"] for c in manifest["captures"]] == [f"captures/{digest}.html"]
    assert (tmp_path / "pack" / "captures" / f"{digest}.html").read_bytes() == COPY
    assert verify(tmp_path / "pack" / "manifest.json").passed
