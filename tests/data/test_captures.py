"""Preserved sources (issue 16 item 1): captures fetched from a page served on 127.0.0.1 (never the internet) and
attached from a file, stored once by SHA-256, recorded with their custody log on both engines, listed on the card
and in the history, exported beside a file and checked by ``incident-map verify``."""

from __future__ import annotations

import functools
import hashlib
import json
import stat
import threading
from datetime import date
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from typer.testing import CliRunner

from dashboard.cli import app
from dashboard.data.captures import (
    Blob,
    blob_path,
    captures_root,
    put_blob,
    read_captures,
    record_captures,
    report_history,
)
from dashboard.data.engines import forget, init_store
from dashboard.data.engines.records import CAPTURE, CUSTODY
from dashboard.data.store import load_store, open_store, write_store
from dashboard.i18n import tr
from dashboard.viz.cards import incident_card_html
from tests.factories import incidents, row
from tests.old_stores import gpkg_store_at

runner = CliRunner()
PAGE = "<html><head><title>Kamona</title></head><body><h1>Kamona, 2 octobre</h1><p>Témoignages.</p></body></html>"


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """A page served on 127.0.0.1 by the standard library's http.server, for the whole module."""
    root = tmp_path_factory.mktemp("site")
    (root / "page.html").write_text(PAGE, encoding="utf-8")
    handler = functools.partial(_Quiet, directory=str(root))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


class _Quiet(SimpleHTTPRequestHandler):
    def log_message(self, *args):  # no request lines in the test output
        pass


def _source(url: str) -> str:
    return json.dumps([{"organisation": "Local press", "title": "Kamona", "url": url, "published": "2025-10-03"}])


@pytest.fixture
def gpkg_store(tmp_path, site, monkeypatch):
    monkeypatch.setenv("INCIDENT_MAP_CACHE", str(tmp_path / "cache"))
    location = tmp_path / "store" / "incidents.gpkg"
    init_store(location)
    write_store(location, incidents(row(sources=_source(f"{site}/page.html"))))
    yield location
    forget(location)


def _files(root: Path) -> list[Path]:
    return sorted(p for p in (root / "sha256").rglob("*") if p.is_file())


def _run(*args: str) -> str:
    result = runner.invoke(app, list(args), catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result.output


def test_a_page_captured_twice_is_stored_once_by_hash_and_listed_in_the_history_and_on_the_card(gpkg_store, site):
    url = f"{site}/page.html"
    _run("capture", "T-1#1", "--store", str(gpkg_store), "--author", "awa")
    _run("capture", url, "--store", str(gpkg_store), "--author", "awa")  # the same page, by its URL
    root = captures_root(gpkg_store)
    assert root == gpkg_store.with_name("incidents.gpkg.captures")
    digest = hashlib.sha256(PAGE.encode()).hexdigest()
    html_file = blob_path(root, digest)
    assert html_file.read_bytes() == PAGE.encode()  # the bytes the server sent, named by their hash
    assert not html_file.stat().st_mode & (stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH)  # never modified
    captures = read_captures(open_store(gpkg_store))
    html = [c for c in captures if c.media_type == "text/html"]
    pdfs = [c for c in captures if c.media_type == "application/pdf"]
    assert [(c.sha256, c.report_id, c.source_url, c.url, c.method, c.captured_by) for c in html] == [
        (digest, "T-1", url, url, "fetched", "awa")]  # twice fetched, recorded once
    assert pdfs and all(blob_path(root, c.sha256).read_bytes().startswith(b"%PDF-") for c in pdfs)
    # Chromium stamps each PDF with its creation time: two fetches give two PDFs; the HTML file is one
    assert len(_files(root)) == 1 + len({c.sha256 for c in pdfs})

    out = _run("history", "T-1", "--store", str(gpkg_store))
    assert f"preserved {html[0].capture_id} (text/html, {len(PAGE.encode())} bytes), sha256 {digest}" in out
    assert f"custody: collected {html[0].capture_id} ({url})" in out

    data = load_store(gpkg_store, write_cache=False)
    record = data.incidents.iloc[0].to_dict()
    card = incident_card_html(record, captures=captures)
    assert f"sha256 {digest[:12]}… (text/html)" in card and "capture-copy" not in card  # no copy exported
    fr = incident_card_html(record, captures=captures, t=tr("fr"))
    assert f"capturée le {tr('fr').day(date.fromisoformat(html[0].day))}, sha256 {digest[:12]}…" in fr


def test_non_http_urls_are_refused_and_nothing_is_stored(gpkg_store):
    for bad in ("file:///etc/passwd", "javascript:alert(1)", "data:text/html,<b>x</b>", "ftp://127.0.0.1/x",
                "FILE:///etc/hosts", "http:///no-host"):
        result = runner.invoke(app, ["capture", bad, "--store", str(gpkg_store)])
        assert result.exit_code == 2 and "only http:// and https:// pages can be captured" in result.output, bad
    result = runner.invoke(app, ["source", "attach", "T-1", __file__, "--url", "file:///etc/passwd",
                                 "--store", str(gpkg_store)])
    assert result.exit_code == 2 and "only http://" in result.output
    assert read_captures(open_store(gpkg_store)) == []
    assert not captures_root(gpkg_store).exists()


def test_a_page_that_fails_stores_nothing(gpkg_store, site):
    write_store(gpkg_store, incidents(row(incident_id="T-2", sources=_source(f"{site}/missing.html"))))
    result = runner.invoke(app, ["capture", "T-2#1", "--store", str(gpkg_store)])
    assert result.exit_code == 2 and "the server answered 404" in result.output
    assert read_captures(open_store(gpkg_store)) == []


def test_attach_stores_once_logs_attached_and_the_export_verifies_until_a_capture_byte_changes(gpkg_store, site,
                                                                                              tmp_path):
    url = f"{site}/page.html"
    shot = tmp_path / "kamona.png"
    shot.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4)
    args = ["source", "attach", "T-1", str(shot), "--url", url, "--archive-url",
            "https://web.archive.org/web/2025/" + url, "--store", str(gpkg_store), "--author", "moussa"]
    _run(*args)
    out = _run(*args)  # the same bytes again: nothing new
    assert "already preserved" in out
    root = captures_root(gpkg_store)
    assert _files(root) == [blob_path(root, hashlib.sha256(shot.read_bytes()).hexdigest())]
    [capture] = read_captures(open_store(gpkg_store))
    assert (capture.media_type, capture.method, capture.captured_by, capture.archive_url) == (
        "image/png", "attached", "moussa", "https://web.archive.org/web/2025/" + url)
    assert "custody: attached" in _run("history", "T-1", "--store", str(gpkg_store))

    out_dir = tmp_path / "out"
    out_dir.mkdir()
    exported = _run("export", "--format", "html", "-o", str(out_dir / "map.html"), "--with-captures",
                    "--store", str(gpkg_store), "--author", "moussa")
    assert "Wrote 1 preserved copy of its sources" in exported
    copy = out_dir / "captures" / f"{capture.sha256}.png"
    assert copy.read_bytes() == shot.read_bytes()
    assert f'href="captures/{capture.sha256}.png"' in (out_dir / "map.html").read_text(encoding="utf-8")
    manifest = json.loads((out_dir / "map.html.manifest.json").read_text(encoding="utf-8"))
    [listed] = manifest["captures"]
    assert (listed["sha256"], listed["bytes"], listed["file"]) == (capture.sha256, capture.size,
                                                                   f"captures/{capture.sha256}.png")
    assert f"captures/{capture.sha256}.png" in {f["name"] for f in manifest["files"]}
    assert "exported" in [e.after["action"] for e in report_history(open_store(gpkg_store), "T-1")
                          if e.record_type == CUSTODY.name]

    assert runner.invoke(app, ["verify", str(out_dir / "map.html.manifest.json")]).exit_code == 0
    data = bytearray(copy.read_bytes())
    data[10] ^= 1  # one byte
    copy.chmod(0o644)
    copy.write_bytes(bytes(data))
    checked = runner.invoke(app, ["verify", str(out_dir / "map.html.manifest.json")])
    assert checked.exit_code == 1 and f"CHANGED  captures/{capture.sha256}.png" in checked.output
    assert "ok       map.html" in checked.output


def test_a_public_export_lists_the_hash_and_date_but_never_the_file(gpkg_store, site, tmp_path):
    shot = tmp_path / "page.pdf"
    shot.write_bytes(b"%PDF-1.4 test")
    _run("source", "attach", "T-1", str(shot), "--url", f"{site}/page.html", "--store", str(gpkg_store),
         "--author", "private name")
    refused = runner.invoke(app, ["export", "--format", "html", "-o", str(tmp_path / "p.html"), "--public",
                                  "--with-captures", "--store", str(gpkg_store)])
    assert refused.exit_code == 2 and "never includes the captured files" in refused.output
    _run("export", "--format", "html", "-o", str(tmp_path / "p.html"), "--public", "--store", str(gpkg_store))
    manifest = (tmp_path / "p.html.manifest.json").read_text(encoding="utf-8")
    page = (tmp_path / "p.html").read_text(encoding="utf-8")
    digest = hashlib.sha256(shot.read_bytes()).hexdigest()
    assert digest in manifest and "private name" not in manifest and '"file"' not in manifest
    assert f"sha256 {digest[:12]}…" in page and "capture-copy" not in page and not (tmp_path / "captures").exists()


def test_captures_and_custody_are_records_on_both_engines(store_location, tmp_path, monkeypatch):
    write_store(store_location, incidents(row()))
    st = open_store(store_location)
    root = tmp_path / "captures"  # a PostGIS store's folder is $INCIDENT_MAP_CAPTURES_DIR
    assert captures_root(store_location, root) == root
    if isinstance(store_location, str):
        assert captures_root(store_location) is None
    url = json.loads(row()["sources"])[0]["url"]
    blob = Blob(b"<html>copy</html>", "text/html", url)
    first, cs = record_captures(st, root, [("T-1", url)], [blob], method="attached", author="a", reason="test")
    again, none = record_captures(st, root, [("T-1", url)], [blob], method="attached", author="a", reason="test")
    assert cs is not None and none is None and first == again
    assert [c.sha256 for c in read_captures(st)] == [hashlib.sha256(blob.data).hexdigest()]
    kinds = [(e.record_type, e.kind, e.author) for e in report_history(st, "T-1")]
    assert kinds == [(CAPTURE.name, "attach", "a"), (CUSTODY.name, "attach", "a")]
    assert put_blob(root, blob.data) == (first[0].sha256, False)  # already there: not written again


def test_a_store_at_revision_0005_is_upgraded_with_empty_capture_tables(tmp_path, monkeypatch):
    import sqlite3

    from dashboard.data.engines import gpkg, migrate

    monkeypatch.setenv("INCIDENT_MAP_CACHE", str(tmp_path / "cache"))
    path = gpkg_store_at(tmp_path / "old.gpkg", "0005")
    with sqlite3.connect(path) as conn:
        assert not conn.execute("SELECT name FROM sqlite_master WHERE name = 'captures'").fetchall()
    migrate.upgrade(gpkg.GeoPackageStore(path).engine)
    with sqlite3.connect(path) as conn:
        tables = {r[0] for r in conn.execute("SELECT table_name FROM gpkg_contents")}
        assert {"captures", "custody"} <= tables
        assert conn.execute("SELECT count(*) FROM captures").fetchone() == (0,)


def test_a_hostile_media_type_is_not_kept(gpkg_store, site, tmp_path):
    """A media type is untrusted text (a server's header, an option) and ends up in a Markdown button label."""
    shot = tmp_path / "x.bin"
    shot.write_bytes(b"bytes")
    _run("source", "attach", "T-1", str(shot), "--url", f"{site}/page.html", "--media-type",
         "text/html) [x](javascript:alert(1)", "--store", str(gpkg_store))
    [capture] = read_captures(open_store(gpkg_store))
    assert capture.media_type == "application/octet-stream" and capture.file_name.endswith(".bin")
