"""The day the test session started, which the tests and the in-process import both take for "today".

Rows dated relative to today are written when a test module is loaded, and the import's checks read the clock when
the import runs; the full suite takes about 40 minutes, so a run that crossed midnight compared one day's rows and
expected messages with the next day's checks (a test failed at 00:00 on 2026-12-02). ``tests/conftest.py`` makes
the in-process import (the CLI through typer's runner, the app in AppTest) read :data:`SESSION_DAY`
(``_import_day``), and the tests write and expect it. An import in another process (the installed command, a
served app) reads the real clock.
"""

from __future__ import annotations

from datetime import date

SESSION_DAY = date.today()


class SessionDate(date):
    """``date`` whose ``today()`` is :data:`SESSION_DAY` (everything else is ``date``'s)."""

    @classmethod
    def today(cls) -> date:
        return SESSION_DAY
