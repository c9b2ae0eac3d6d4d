"""Run a Playwright flow on its own thread, with its own Debian chromium.

Playwright's sync API refuses to start a second instance on a thread where one is already running, and the
browser tier (``tests/browser``) keeps a session-long instance on the main thread: so that both tiers can run in
one pytest session, each hardening browser test runs its flow on a fresh thread. Exceptions (assertion errors
included) are re-raised on the test's thread.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS


def run_browser(flow: Callable[..., Any], *args: Any, timeout_s: float = 600) -> Any:
    outcome: dict[str, Any] = {}

    def target() -> None:
        try:
            from playwright.sync_api import sync_playwright

            with sync_playwright() as pw:
                browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True)
                try:
                    outcome["value"] = flow(browser, *args)
                finally:
                    browser.close()
        except BaseException as exc:  # re-raised on the caller's thread
            outcome["error"] = exc

    if not CHROMIUM.exists():
        raise RuntimeError(f"{CHROMIUM} is missing: `make test` installs Debian's chromium")
    thread = threading.Thread(target=target, name="playwright-flow", daemon=True)
    thread.start()
    thread.join(timeout_s)
    if thread.is_alive():
        raise TimeoutError(f"browser flow still running after {timeout_s} s")
    if "error" in outcome:
        raise outcome["error"]
    return outcome.get("value")
