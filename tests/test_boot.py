"""``incident-map serve`` opens the default page once before it listens (``dashboard/ui/boot.py``).

Each check runs in a fresh Python process: the warm-up fills the process's Streamlit caches and swaps Streamlit's
runtime in and out, which must not leak into the other tests. The served app itself (its map drawn after a warm-up,
the component registered with the real runtime) is what every browser test opens: they all start it with
``incident-map serve``."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from dashboard import cli
from dashboard.errors import SettingsError
from dashboard.settings import WARM_ENV

APP = Path(cli.APP_SCRIPT)
runner = CliRunner()

_WARM_THEN_VISIT = """
import json, sys
from pathlib import Path
from streamlit import config
from streamlit.runtime import Runtime
from streamlit.testing.v1 import AppTest
import dashboard.data.store as store_module
from dashboard.ui import boot, cache

said = boot.warm(Path(sys.argv[1]))
after = {"said": said, "runtime_left": Runtime._instance is not None, "config_left": config._config_options is not None,
         "declared": [c.name for c in boot.DECLARED], "cache_files": sorted(p.name for p in Path(sys.argv[2]).parent.iterdir())}

def no_second_load(*args, **kwargs):
    raise AssertionError("the store was read again after the warm-up")

store_module.load_store = no_second_load   # what cache._load calls; the visit below must not need it
cache.load_store = no_second_load
for locale in ("en-GB", "fr-FR"):
    at = AppTest.from_file(sys.argv[1], default_timeout=120)
    at.context = {"locale": locale}
    at.run()
    after[locale] = {"exceptions": [e.value for e in at.exception], "title": [t.value for t in at.title]}
print(json.dumps(after))
"""


def _python(code: str, *args: str, env_store: Path) -> dict:
    env = {**os.environ, "INCIDENT_MAP_STORE": str(env_store)}
    env.pop("INCIDENT_MAP_PUBLIC", None)
    proc = subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True, timeout=300, env=env,
                          cwd=env_store.parent)
    assert proc.returncode == 0, proc.stderr[-3000:]
    return json.loads(proc.stdout.strip().splitlines()[-1])


def test_the_warm_up_fills_what_the_first_visitors_would_have_built(tmp_path):
    store = tmp_path / "s.gpkg"
    found = _python(_WARM_THEN_VISIT, str(APP), str(store), env_store=store)
    assert [(locale, problem) for locale, _, problem in found["said"]] == [("en-GB", None), ("fr-FR", None)]
    # Streamlit's own state is left as `streamlit run` expects to find it: no runtime, config parsed afresh
    assert not found["runtime_left"] and not found["config_left"]
    # the map's component, to be registered with the real runtime on the first visit
    assert found["declared"] == ["streamlit_folium.st_folium"]
    assert "s.gpkg.parquet" in found["cache_files"]  # the store was read (and its frame cached) while warming up
    # a visitor in either language is served from what the warm-up loaded: reading the store again would raise
    assert found["en-GB"] == {"exceptions": [], "title": ["Incidents in the Ségou region"]}
    assert found["fr-FR"]["exceptions"] == [] and found["fr-FR"]["title"] == ["Incidents dans la région de Ségou"]


_FAILING = """
import json, sys
from pathlib import Path
from streamlit.runtime import Runtime
from dashboard.ui import boot
print(json.dumps({"said": boot.warm(Path(sys.argv[1]), locales=("en-GB",), timeout=60),
                  "runtime_left": Runtime._instance is not None}))
"""


def test_a_page_that_fails_while_warming_up_is_said_and_does_not_stop_the_server(tmp_path):
    broken = tmp_path / "app.py"
    broken.write_text("raise RuntimeError('a fault in the page')\n")
    found = _python(_FAILING, str(broken), env_store=tmp_path / "s.gpkg")
    assert len(found["said"]) == 1 and "a fault in the page" in found["said"][0][2], found["said"]
    assert not found["runtime_left"]


def test_serve_runs_streamlit_through_the_warm_up_unless_told_not_to(monkeypatch, tmp_path):
    seen = []
    monkeypatch.setattr(cli, "run_replacing_this_process", lambda cmd, env: seen.append((cmd, env)))
    monkeypatch.delenv(WARM_ENV, raising=False)
    assert runner.invoke(cli.app, ["serve", "--port", "8999", "--store", str(tmp_path / "s.gpkg")]).exit_code == 0
    assert runner.invoke(cli.app, ["serve", "--no-warm", "--port", "8999",
                                   "--store", str(tmp_path / "s.gpkg")]).exit_code == 0
    (warm_cmd, warm_env), (cold_cmd, cold_env) = seen
    assert warm_cmd[1:5] == ["-m", "dashboard.ui.boot", "run", str(APP)] and warm_cmd == cold_cmd
    assert WARM_ENV not in warm_env and cold_env[WARM_ENV] == "0"


def test_the_environment_turns_the_warm_up_off():
    from dashboard.settings import warm_wanted

    assert warm_wanted({}) and warm_wanted({WARM_ENV: "1"}) and warm_wanted({WARM_ENV: " "})
    assert not any(warm_wanted({WARM_ENV: v}) for v in ("0", "off", "False", " no "))
    with pytest.raises(SettingsError, match="INCIDENT_MAP_WARM"):
        warm_wanted({WARM_ENV: "maybe"})


def test_serve_refuses_an_unreadable_warm_up_setting_in_one_line(tmp_path, monkeypatch):
    monkeypatch.setenv(WARM_ENV, "maybe")
    env = {**os.environ, "INCIDENT_MAP_STORE": str(tmp_path / "s.gpkg")}
    proc = subprocess.run([sys.executable, "-m", "dashboard.ui.boot", "run", str(APP), "--server.port", "8999"],
                          capture_output=True, text=True, timeout=120, env=env, cwd=tmp_path)
    assert proc.returncode == 2 and "Traceback" not in proc.stderr
    assert proc.stderr.strip().splitlines()[-1] == "error: $INCIDENT_MAP_WARM must be 1/true/yes or 0/false/no; got 'maybe'"


_MAIN = """
import gc, json, sys
from streamlit.web import cli
from dashboard.ui import boot

called = {}
def fake_main(args, prog_name):  # instead of starting the server: what it would be started with, and when
    called.update(args=args, prog=prog_name, frozen=gc.get_freeze_count(), declared=[c.name for c in boot.DECLARED])
cli.main = fake_main
boot.main(["run", sys.argv[1], "--server.port", "8999"])
print(json.dumps(called))
"""


def test_serve_warms_up_freezes_the_warmed_heap_then_hands_streamlit_its_arguments(tmp_path):
    found = _python(_MAIN, str(APP), env_store=tmp_path / "s.gpkg")
    assert found["args"] == ["run", str(APP), "--server.port", "8999"] and found["prog"] == "streamlit"
    assert found["declared"] == ["streamlit_folium.st_folium"]  # warmed before the server was started
    assert found["frozen"] > 100_000  # the warmed heap (modules, store, map) is out of the collector's reach


def test_no_warm_up_when_the_environment_says_so(tmp_path, monkeypatch):
    monkeypatch.setenv(WARM_ENV, "0")
    found = _python(_MAIN, str(APP), env_store=tmp_path / "s.gpkg")
    assert found["args"][:2] == ["run", str(APP)] and found["declared"] == [] and found["frozen"] == 0
    assert not (tmp_path / "s.gpkg").exists()  # nothing read or created before the server starts
