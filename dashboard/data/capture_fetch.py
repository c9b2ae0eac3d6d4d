"""Fetch a web page for preservation (``incident-map capture``): its HTML as the server sent it and a full-page PDF
of it as Debian's headless Chromium draws it, driven by Playwright.

Playwright is the optional extra ``capture`` (``pip install 'segou-incident-map[capture]'``; the dev extra has it):
an analyst who only reads the record offline needs neither it nor its driver. The browser is always the system's
``/usr/bin/chromium`` (Debian's package), never one Playwright downloads.

What is refused or bounded, before or while fetching:

* only absolute ``http://`` / ``https://`` URLs with a host (:func:`checked_capture_url`); ``file:``, ``data:``,
  ``javascript:`` and the rest are refused, and every request the page makes (sub-resources, redirects) to another
  scheme is aborted;
* the page's HTML and the PDF are each at most ``limits.upload_bytes`` (``$INCIDENT_MAP_MAX_UPLOAD_MB``, the
  import's size limit); a larger one refuses the capture and nothing is stored;
* navigation and every browser operation time out after ``limits.capture_seconds``
  (``$INCIDENT_MAP_MAX_CAPTURE_SECONDS``).
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.parse import urlsplit

from dashboard.data.captures import Blob, CaptureError
from dashboard.data.schema import is_http_url
from dashboard.i18n import Translator, tr
from dashboard.settings import Limits

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"]


def checked_capture_url(url: str, t: Translator | None = None) -> str:
    """``url`` when it is an absolute http(s) URL with a host; :class:`CaptureError` otherwise."""
    t = t or tr()
    text = (url or "").strip()
    if not is_http_url(text) or not urlsplit(text).hostname:
        raise CaptureError(t.gettext("only http:// and https:// pages can be captured; refused: {url}").format(
            url=text[:200]))
    return text


def fetch_page(url: str, limits: Limits, t: Translator | None = None) -> list[Blob]:
    """The page at ``url`` as two blobs: its HTML (the bytes the server sent, media type as it said) and a full-page
    PDF (A4, backgrounds printed). :class:`CaptureError` when the URL is refused, Playwright or Chromium is missing,
    the page cannot be loaded, or a result is over the size limit."""
    t = t or tr()
    url = checked_capture_url(url, t)
    try:
        from playwright.sync_api import Error as PlaywrightError
        from playwright.sync_api import sync_playwright
    except ImportError:
        raise CaptureError(t.gettext("capturing a page needs Playwright: pip install "
                                     "'segou-incident-map[capture]'")) from None
    if not CHROMIUM.exists():
        raise CaptureError(t.gettext("capturing a page needs Chromium at {path} (Debian: apt-get install "
                                     "chromium)").format(path=CHROMIUM))
    # Playwright's sync API refuses to run in a thread that has an asyncio loop running (a caller inside one, e.g.
    # a server or a test session that drives a browser): the fetch gets a thread of its own
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="capture") as pool:
        return pool.submit(_fetch, url, limits, t, sync_playwright, PlaywrightError).result()


def _fetch(url: str, limits: Limits, t: Translator, sync_playwright, PlaywrightError) -> list[Blob]:
    timeout_ms = limits.capture_seconds * 1000
    try:
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True,
                                         timeout=timeout_ms)
            try:
                context = browser.new_context(accept_downloads=False, service_workers="block")
                context.set_default_timeout(timeout_ms)
                context.route("**/*", lambda route: route.continue_() if urlsplit(route.request.url).scheme in
                              ("http", "https") else route.abort())
                page = context.new_page()
                response = page.goto(url, wait_until="load", timeout=timeout_ms)
                if response is None:
                    raise CaptureError(t.gettext("{url}: the page sent nothing").format(url=url))
                if response.status >= 400:
                    raise CaptureError(t.gettext("{url}: the server answered {status}").format(
                        url=url, status=response.status))
                html = response.body()
                _bounded(html, limits, t, url)
                media_type = response.headers.get("content-type", "text/html").split(";", 1)[0].strip() or "text/html"
                pdf = page.pdf(format="A4", print_background=True)
                _bounded(pdf, limits, t, url)
                final = page.url if is_http_url(page.url) else url
            finally:
                browser.close()
    except PlaywrightError as exc:
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise CaptureError(t.gettext("{url}: could not load the page ({error})").format(url=url, error=first)) \
            from None
    return [Blob(html, media_type, final), Blob(pdf, "application/pdf", final)]


def _bounded(data: bytes, limits: Limits, t: Translator, url: str) -> None:
    if len(data) > limits.upload_bytes:
        raise CaptureError(t.gettext("{url}: {mb:.1f} MB, larger than the limit of {limit} MB").format(
            url=url, mb=len(data) / 2**20, limit=limits.upload_mb))
