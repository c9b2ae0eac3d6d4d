"""The browser benchmark writes its table into docs/benchmarks.md between its own markers, and leaves the prose and
``benchmarks/run.py``'s table alone; the table carries the app/floor and app/peer ratios issue 20 asks about and
counts a load that never drew instead of hiding it."""

from __future__ import annotations

import shutil
from pathlib import Path

from benchmarks import browser_pages, run

DOC = Path(__file__).resolve().parents[1] / "docs" / "benchmarks.md"


def result(label: str, app: float, floor: float, peer: float) -> dict:
    return {"label": label, "query": "Dogofry", "import_rows": 10_000, "load": [3.0, 5.0],
            "app": {"first_open": [app + 1, app, app + 2], "new_session": [app, app, None], "after_import": [app * 2],
                    "cpu_new_session": [4.0, 5.0], "ws_new_session": [2_000_000, 3_000_000], "rss": [900, 1000]},
            "floor": {"first_open": [floor, floor], "new_session": [floor, floor]},
            "peer": {"first_open": [peer, peer], "new_session": [peer, peer], "cpu_new_session": [8.0, 10.0]}}


def test_the_table_goes_between_its_markers_and_keeps_everything_else(tmp_path):
    doc = tmp_path / "benchmarks.md"
    shutil.copy(DOC, doc)
    before = doc.read_text(encoding="utf-8")
    assert before.count(browser_pages.BEGIN) == 1 and before.count(browser_pages.END) == 1
    results = [result("bundled record", 6.0, 3.0, 4.0), result("N = 100,000", 12.0, 3.0, 24.0)]
    browser_pages.write_block(doc, browser_pages.markdown(results, "Browser benchmark: test"))
    after = doc.read_text(encoding="utf-8")
    head, rest = after.split(browser_pages.BEGIN)
    block, tail = rest.split(browser_pages.END)
    old_head, old_rest = before.split(browser_pages.BEGIN)
    assert (head, tail) == (old_head, old_rest.split(browser_pages.END)[1])  # the prose and run.py's table kept
    assert run.BEGIN in head + tail and run.END in head + tail
    assert "`Browser benchmark: test`" in block
    assert "| measure | bundled record | N = 100,000 |" in block
    assert "| new session, server warm | 6.0 s (6.0), 1 not drawn | 12.0 s (12.0), 1 not drawn |" in block
    assert "| **app / floor, first open** (medians) | 2.33× | 4.33× |" in block
    assert "| **app / peer, first open** (medians) | 1.75× | 0.54× |" in block
    assert "| **app / peer, Chromium CPU per new session** (medians) | 0.50× | 0.50× |" in block
    assert "| first open after importing 10,000 incidents | 12.0 s (12.0) | 24.0 s (24.0) |" in block
    assert "peer: websocket" not in block  # a measure no store has is left out, not shown empty
    # written again, it replaces its block rather than adding one
    browser_pages.write_block(doc, browser_pages.markdown(results[:1], "Browser benchmark: again"))
    again = doc.read_text(encoding="utf-8")
    assert again.count(browser_pages.BEGIN) == 1
    block = again.split(browser_pages.BEGIN)[1].split(browser_pages.END)[0]
    assert "`Browser benchmark: again`" in block and "| measure | bundled record |\n" in block


def test_a_file_without_the_markers_gets_them_at_its_end(tmp_path):
    doc = tmp_path / "other.md"
    doc.write_text("# Prose\n", encoding="utf-8")
    browser_pages.write_block(doc, "the table")
    assert doc.read_text(encoding="utf-8") == (f"# Prose\n\n{browser_pages.BEGIN}\nthe table\n{browser_pages.END}\n")
