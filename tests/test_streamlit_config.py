"""How Streamlit serves the app comes from ``dashboard/ui/.streamlit/config.toml``, which Streamlit reads from the
folder of the script it runs -- so ``incident-map serve`` and ``streamlit run dashboard/ui/app.py`` (from any
folder) serve alike. Checked with Streamlit's own config loader, in a fresh process run from another folder."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from dashboard.cli import APP_SCRIPT

EXPECTED = {
    "server.address": "127.0.0.1",
    "server.headless": True,
    "server.enableStaticServing": True,
    "browser.gatherUsageStats": False,
    "global.developmentMode": False,
    "client.toolbarMode": "minimal",
    "client.showErrorDetails": "none",
    "server.fileWatcherType": "none",  # README, "Under load"
    "runner.postScriptGC": False,
}
_PROBE = """
import json, sys
from streamlit import config
config._main_script_path = sys.argv[1]  # what `streamlit run SCRIPT` sets before it reads the config files
config.get_config_options(force_reparse=True)
print(json.dumps({name: config.get_option(name) for name in sys.argv[2:]}))
"""


def streamlit_options(script: Path, names, cwd: Path) -> dict:
    proc = subprocess.run([sys.executable, "-c", _PROBE, str(script), *names], cwd=cwd, capture_output=True,
                          text=True, timeout=120, env={"PATH": "/usr/bin:/bin", "HOME": str(cwd)})
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout.strip().splitlines()[-1])


def test_streamlit_reads_the_config_beside_the_app_from_any_folder(tmp_path):
    assert streamlit_options(APP_SCRIPT, EXPECTED, cwd=tmp_path) == EXPECTED
