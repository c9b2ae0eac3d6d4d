"""A canary web server on 127.0.0.1, and incident text that would make a browser (or the PDF renderer) call it.

Hostile text that names ``evil.example`` proves nothing when nothing can resolve that name; text that names a
server the test runs proves that no request was made: :class:`Canary` records every request it receives (any
method, any path), and :func:`payloads` are Markdown images and links, HTML images, scripts, styles and frames
pointing at it. Each payload names its own path (``/canary/md-image.png``...), so a request says which one got
through. A script that did run also sets ``window.__canary``.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from tests.hardening import corpus

GIF = b"GIF89a\x01\x00\x01\x00\x80\x00\x00\x00\x00\x00\xff\xff\xff!\xf9\x04\x01\x00\x00\x00\x00,\x00\x00\x00\x00" \
      b"\x01\x00\x01\x00\x00\x02\x02D\x01\x00;"


@dataclass
class Canary:
    base: str  # http://127.0.0.1:PORT/canary
    requests: list[str] = field(default_factory=list)

    @property
    def needle(self) -> str:
        """What every payload's URL contains (``127.0.0.1:PORT/canary``)."""
        return self.base.removeprefix("http://")

    def assert_untouched(self, where: str) -> None:
        assert not self.requests, f"{where}: the canary server was called: {self.requests}"


@contextlib.contextmanager
def canary_server() -> Iterator[Canary]:
    """A server on a free 127.0.0.1 port that answers every request with a 1-pixel GIF and records it."""
    seen: list[str] = []

    class Handler(BaseHTTPRequestHandler):
        def _answer(self) -> None:
            seen.append(f"{self.command} {self.path}")
            self.send_response(200)
            self.send_header("Content-Type", "image/gif")
            self.send_header("Access-Control-Allow-Origin", "*")
            self.send_header("Content-Length", str(len(GIF)))
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(GIF)

        do_GET = do_POST = do_HEAD = do_OPTIONS = _answer

        def log_message(self, *args) -> None:  # quiet
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True, name="canary")
    thread.start()
    try:
        yield Canary(base=f"http://127.0.0.1:{server.server_address[1]}/canary", requests=seen)
    finally:
        server.shutdown()
        server.server_close()


def payloads(base: str) -> tuple[str, ...]:
    """Text that would call ``base`` (or make an element pointing at it) if it were rendered as Markdown or HTML."""
    return (
        f"![x]({base}/md-image.png)",
        f"[link]({base}/md-link)",
        f"<script>window.__canary=1;fetch('{base}/script')</script>",
        f"<img src=\"{base}/img.png\" onerror=\"window.__canary=1;fetch('{base}/onerror')\">",
        f"<a href=\"{base}/a-href\">a</a>",
        f"<iframe src=\"{base}/iframe\"></iframe>",
        f"<style>@import url('{base}/style.css');</style>",
        f"<link rel=\"stylesheet\" href=\"{base}/link.css\">",
        f"<svg><image href=\"{base}/svg-image.png\"/></svg>",
        f"<video poster=\"{base}/poster.png\"></video>",
        f"{base}/autolink",
        f"<{base}/angle-autolink>",
    )


# ids: one payload each (an id may hold any of these characters; see dashboard/data/validate.py)
ID_PAYLOADS = (0, 1, 3, 4)


def native_rows(base: str) -> list[dict[str, str]]:
    """One row per payload in the native layout: the payload in every free-text field of the incident and of its
    sources (organisation and title; the source URL stays a plain https address), and as the incident id for
    :data:`ID_PAYLOADS`. Every third row has no point (it is listed beside the map instead of drawn)."""
    rows = []
    for i, payload in enumerate(payloads(base)):
        lat, lon = corpus.point(i)
        r = {
            "incident_id": f"{payload} {i}" if i in ID_PAYLOADS else f"C-{i:03d}",
            "date_start": "2025-10-02", "date_precision": "day",
            "latitude": lat if i % 3 != 2 else "", "longitude": lon if i % 3 != 2 else "",
            "geo_precision": "1" if i % 3 != 2 else "3",
            "event_type": "Violence against civilians", "civilian_targeting": "true",
            "perpetrator_category": "unidentified", "attribution_basis": "unknown",
            "fatalities_min": "1", "fatalities_max": "3", "verification": "reported", "dataset": "user",
        }
        r.update({f: payload for f in corpus.INCIDENT_TEXT_FIELDS})
        r["source_record_id"] = f"canary-{i}"
        r["sources"] = corpus._sources(payload)
        rows.append(r)
    return rows
