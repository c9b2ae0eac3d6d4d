"""A modest run of ``load.py`` (5 sessions for 20 s): no exception box, no failed load, and the server's memory
grows by less than a generous bound. Not a speed test: the figures are printed, not judged."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.browser

LOAD = Path(__file__).with_name("load.py")
MAX_GROWTH_MB = 400


def test_five_sessions_for_twenty_seconds():
    result = subprocess.run([sys.executable, str(LOAD), "--sessions", "5", "--seconds", "20", "--json"],
                            capture_output=True, text=True, timeout=600)
    assert result.stdout.strip(), result.stderr
    figures = json.loads(result.stdout)
    print(json.dumps(figures, indent=2))
    assert figures["errors"] == 0, figures["examples"]
    assert figures["page_loads"] >= 5, figures
    assert figures["rss_peak_mb"] - figures["rss_start_mb"] < MAX_GROWTH_MB, figures
    assert result.returncode == 0
