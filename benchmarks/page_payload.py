"""What a new session of the Map page is sent, element by element (issue 20 item 2).

``python benchmarks/page_payload.py [--size N] [--workdir DIR] [--top K]`` runs the real Map page in Streamlit's
AppTest on a synthetic store of ``benchmarks/run.py`` (``--size bundled``: the bundled record) and prints the
serialized size of every element's proto (what Streamlit writes on the websocket for it, less a few bytes of
framing: a served 100 k session measured 0.51 MB in Chromium where this counts 0.50 MB), the largest first, and, in
the same run, the page with the scope note's list of related incidents opened, as 1,000 rows
(``common.LEFT_OUT_LISTED``) and as every related incident (what the page sent, opened or not, when the browser
benchmark measured 10.4 MB at 100 k). It also counts the options the sidebar's multiselects carry. Nothing here
asserts a size: ``tests/ui/test_page_payload.py`` does, on counts.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))


def _walk(node, path: str = ""):
    for k, child in getattr(node, "children", {}).items():
        here = f"{path}/{k}"
        yield here, child
        yield from _walk(child, here)


def elements(at) -> list[tuple[int, str, str, str]]:
    """(proto bytes, delta path, element type, label) of every element on the page, largest first."""
    rows = []
    for path, el in _walk(at._tree):
        proto = getattr(el, "proto", None)
        if proto is not None and not getattr(el, "children", None):
            rows.append((proto.ByteSize(), path, getattr(el, "type", "?"), str(getattr(el, "label", ""))[:40]))
    return sorted(rows, reverse=True)


def _run(store: Path, *, opened: bool, listed: int):
    import streamlit as st  # noqa: TID251
    from streamlit.testing.v1 import AppTest  # noqa: TID251

    from benchmarks.run import _components
    from dashboard.ui import common

    st.cache_data.clear()  # every figure from a new session on a fresh server's caches
    st.cache_resource.clear()
    common.LEFT_OUT_LISTED = listed
    at = AppTest.from_file(str(REPO / "dashboard" / "ui" / "app.py"), default_timeout=900)
    at._bidi_component_manager = _components()
    if opened:
        at.session_state[common.SCOPE_LIST_OPEN_KEY] = True
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", default="100000", help="synthetic incidents, or 'bundled'")
    parser.add_argument("--workdir", type=Path, default=Path("/tmp/incident-map-bench"))
    parser.add_argument("--top", type=int, default=8)
    args = parser.parse_args(argv)
    os.environ.setdefault("STREAMLIT_LOGGER_LEVEL", "error")
    from dashboard.data.store import STORE_ENV
    from dashboard.ui import common

    args.workdir.mkdir(parents=True, exist_ok=True)
    if args.size == "bundled":
        store = args.workdir / "payload-bundled.gpkg"  # created from the bundled record on first open
    else:
        from benchmarks.run import store_for

        store, _ = store_for(int(args.size), args.workdir, 0)
    os.environ[STORE_ENV] = str(store)
    os.environ.pop("INCIDENT_MAP_PUBLIC", None)
    bounded = common.LEFT_OUT_LISTED
    runs = (("now: the scope note's list closed (built once opened)", False, bounded),
            (f"the list opened: its first {bounded:,} related incidents", True, bounded),
            ("the list opened, unbounded (as the browser benchmark measured it)", True, 10**9))
    print(f"Map page, new session, store {args.size}")
    for label, opened, listed in runs:
        at = _run(store, opened=opened, listed=listed)
        rows = elements(at)
        options = sum(len(m.options) for m in at.multiselect)
        print(f"\n{label}: {sum(r[0] for r in rows) / 1e6:.2f} MB in {len(rows)} elements; "
              f"{options} options in {len(at.multiselect)} multiselects")
        for size, path, kind, name in rows[:args.top]:
            print(f"  {size / 1e3:10.1f} kB  {kind:<20} {path:<14} {name}")
    common.LEFT_OUT_LISTED = bounded
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
