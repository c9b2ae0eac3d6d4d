"""The server ``incident-map serve`` runs: Streamlit's own command line, after the default page has been opened once
in this process.

``python -m dashboard.ui.boot run dashboard/ui/app.py --server.port 8501`` takes the arguments of ``streamlit``. Before
Streamlit listens, :func:`warm` runs the app's default page in this process with Streamlit's own ``AppTest`` (once
per language the app speaks), so that the first visitor does not pay for it: importing the app (pandas, geopandas,
Altair, pandera, folium: about 3 s on the 2-core machine), reading the store into the shared cache, building the
default map and compiling its templates (about 2 s more for the bundled record). Measured in the browser
(``make bench-browser``, docs/benchmarks.md "In the browser", quiet 2-core machine, bundled record): the first open
after ``serve`` took 6.3 s without it and 3.2 s with it (a warm server's new session: 2.9 s); the price is paid
once, before the health check answers (about 3 s after start without it, 8.7 s with it), and the benchmark reports
both. Then :func:`freeze_heap`.

Why ``AppTest`` and not calls to the cached functions: the page computes the cache keys of what it shows (the
filter, the language, the view) itself; running the page is the only way to fill the very entries a visitor will
look up, and it stays true when the page changes. ``AppTest`` swaps in a stand-in runtime for its run and removes
it after, before the real one is created; ``st.cache_resource`` entries (the store, the basemap, the rendered map,
the shared selection) are kept by the process, ``st.cache_data`` entries are not (they are small). A custom
component (streamlit-folium's map) registers itself with the runtime when its module is imported during a script
run: imported during the warm-up, it registered with the stand-in, and the real server would not serve its frame
(an empty map, seen in Chromium); :func:`register_components` gives the real runtime every component already
declared (:data:`DECLARED`), from the app's first run.

A failure here never stops the server: it is logged in one line and the page will be built on the first visit, as
without warming. ``INCIDENT_MAP_WARM=0`` (or ``serve --no-warm``) skips it.
"""

from __future__ import annotations

import gc
import logging
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from types import FunctionType

from babel.numbers import format_decimal

from dashboard.errors import SettingsError
from dashboard.i18n import from_environment, tr
from dashboard.settings import warm_wanted

LOCALES = ("en-GB", "fr-FR")  # one run per language of the app (dashboard/locale), as a browser would ask
WARM_TIMEOUT_S = 600.0  # a cold million-incident store takes 2–3 minutes to load (docs/benchmarks.md)
QUIET = ("streamlit", "streamlit.runtime.caching", "streamlit.runtime.scriptrunner_utils.script_run_context")


def warm(script: Path, locales: Sequence[str] = LOCALES,
         timeout: float = WARM_TIMEOUT_S) -> list[tuple[str, float, str | None]]:
    """Run the default page of ``script`` once per locale in this process; return per run the locale, its seconds
    and what went wrong (``None`` when the page ran without an exception or error box); never raise."""
    from streamlit import config
    from streamlit.runtime import Runtime
    from streamlit.testing.v1 import AppTest

    config._main_script_path = str(script)  # read the config beside the app, as `streamlit run` will
    config.get_config_options(force_reparse=True)
    said = []
    levels = {name: logging.getLogger(name).level for name in QUIET}
    for name in QUIET:  # "No runtime found", "missing ScriptRunContext": AppTest's stand-in runtime, expected here
        logging.getLogger(name).setLevel(logging.ERROR)
    try:
        for locale in locales:
            started = time.monotonic()
            try:
                at = AppTest.from_file(str(script), default_timeout=timeout)
                at.context = {"locale": locale}
                at.run()
                problems = [e.value for e in at.exception] + [e.value for e in at.error]
                said.append((locale, time.monotonic() - started, str(problems[0])[:200] if problems else None))
            except Exception as exc:  # the first visit builds the page instead; never stop serving
                said.append((locale, time.monotonic() - started, f"{type(exc).__name__}: {str(exc)[:200]}"))
                break
            finally:
                Runtime._instance = None  # AppTest's stand-in, even after a timeout: the server creates its own
    finally:
        for name, level in levels.items():
            logging.getLogger(name).setLevel(level)
        config._config_options = None  # `streamlit run` parses again with its flags, as the first parse it expects
    DECLARED[:] = _declared_components()  # a scan of the loaded modules, once (55 ms)
    return said


DECLARED: list = []  # custom components imported by the warm-up, to be given to the real runtime


def _declared_components() -> list:
    from streamlit.components.v1.custom_component import CustomComponent

    found = {}
    for module in list(sys.modules.values()):
        for value in list(getattr(module, "__dict__", {}).values()):
            if isinstance(value, FunctionType):  # a wrapper (dashboard.viz.assets wraps streamlit-folium's)
                value = getattr(value, "__wrapped__", value)
            if isinstance(value, CustomComponent):
                found[value.name] = value
    return list(found.values())


def register_components() -> None:
    """Register with the running Streamlit runtime the custom components the warm-up imported (none without a
    warm-up); a dictionary lookup per run. Called by the app on every run."""
    if not DECLARED:
        return
    from streamlit.runtime import Runtime

    registry = Runtime.instance().component_registry
    for component in DECLARED:
        if registry.get_component_path(component.name) is None:
            registry.register_component(component)


def freeze_heap() -> None:
    """Move everything alive after the warm-up (modules, the loaded store, the rendered map) out of the cyclic
    garbage collector's reach (``gc.freeze``, what Python's documentation advises before serving from a long-lived
    heap): an old-generation collection then walks only what the pages create later. Measured with
    ``benchmarks/latency.py`` (30 sessions for 60 s on the bundled record, quiet 2-core machine, alternated, three
    runs each): the slowest page load of ~180 was 0.81 / 0.96 / 0.48 s without it and 0.38 / 0.43 / 0.46 s with
    it; the median was unchanged (0.08–0.09 s), the 95th percentile 0.24–0.31 s without and 0.20–0.26 s with it. What is frozen
    is never collected: it is collected once just before."""
    gc.collect()
    gc.freeze()


def main(argv: Sequence[str] | None = None) -> None:
    """``streamlit ARGV`` (``run SCRIPT [flags]``), after :func:`warm` when the environment asks for it."""
    args = list(sys.argv[1:] if argv is None else argv)
    t = tr(from_environment())  # the server's log, in the language of the terminal that started it
    try:
        wanted = warm_wanted()
    except SettingsError as exc:  # as the command line says a bad setting
        print(t.gettext("error: {message}").format(message=exc.text(t)), file=sys.stderr, flush=True)
        raise SystemExit(2) from None
    if wanted and len(args) >= 2 and args[0] == "run":
        started = time.monotonic()
        for locale, seconds, problem in warm(Path(args[1])):
            line = (t.gettext("Warm-up of the first page ({locale}): {seconds} s") if problem is None else
                    t.gettext("Warm-up of the first page ({locale}) not done, the first visit will build it: "
                              "{problem}"))
            shown = line.format(locale=locale, seconds=format_decimal(seconds, "0.0", locale=t.lang), problem=problem)
            print(shown, file=sys.stderr, flush=True)
        print(t.gettext("Warm-up done in {seconds} s; starting the server").format(
            seconds=format_decimal(time.monotonic() - started, "0.0", locale=t.lang)), file=sys.stderr, flush=True)
        freeze_heap()
    from streamlit.web import cli

    cli.main(args=args, prog_name="streamlit")


if __name__ == "__main__":  # `python -m dashboard.ui.boot`: run as the module the app imports, so they share DECLARED
    from dashboard.ui.boot import main as _main

    _main()
