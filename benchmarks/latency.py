"""Page latency of one served app under load, measured at the server, for 1 and for many concurrent sessions.

    python benchmarks/latency.py --sessions 1 30 --seconds 60 [--think 5 15] [--store PATH] [--json]

Starts ``incident-map serve`` on a free 127.0.0.1 port (a throw-away copy of the bundled store unless ``--store``),
then for each number of ``--sessions`` runs that many sessions at once for ``--seconds`` (one session instead
loads every page twice in a row: the latency with nothing else going on). A session is a websocket
client speaking Streamlit's protocol, as a browser tab does once its JavaScript has loaded: it opens a new session
on a page (one of :data:`URLS`: every page, filters, map modes), asks for the run and waits for the server's
"script finished". That is one page load, timed from the request; then the session reads for a think time
(uniform in ``--think`` seconds: people look at a map before the next click) and loads the next page. A load that
shows an exception box or the app's bug sentence, or does not finish within :data:`LOAD_TIMEOUT_S`, is an error.

Then (``--import-rows``, default 20,000; 0 skips it) ``--import-sessions`` sessions load pages while that many
synthetic incidents are imported into the served store as the Data page imports a file (a child process): the
loads that start before the import's rows are in the store, and those that start after (the new data read).

Chromium is not used for the sessions themselves: thirty browsers drawing maps on a two-core machine measure the
browsers, not the server (``tests/hardening/load.py`` drives real browsers for errors and memory). Prints, per
phase, page loads, errors, the median and worst latency and the server's peak memory; exit code 1 if any load
failed. Nothing here asserts a speed: ``tests/hardening/test_latency.py`` runs it (1 and 30 sessions for 30 s, an
import of 3,000 rows), prints each phase's median and worst and their ratio to one session's, and checks only that
it measured, without errors; the README ("Under load") states the figures of a full run.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from tests.hardening.server import group_rss_kib, serve  # noqa: E402

URLS = (
    "", "cat=state_forces", "from=2025-10-01&to=2025-10-31", "mode=clusters", "mode=heat", "mode=hexbin",
    "sel=SEG-2025-008", "q=Dozo", "cercle=Macina&cat=jihadist_group", "page=timeline",
    "page=timeline&cat=jihadist_group", "page=timeline&from=2019-01-01&to=2020-12-31", "page=table",
    "page=table&cercle=Niono", "page=table&min_killed=10", "page=story", "page=export", "page=data", "page=about",
)
LOAD_TIMEOUT_S = 120
EXCLUDED: list[str] = []  # --exclude: links left out of a run (e.g. page=story, which does not scale with the record)


def _urls() -> tuple[str, ...]:
    return tuple(u for u in URLS if not any(x in u for x in EXCLUDED))
BUG_TEXT = "Something went wrong while drawing this page"  # dashboard.ui.main.BUG_MESSAGE


@dataclass
class Phase:
    name: str
    sessions: int
    seconds: float
    latencies: list[float] = field(default_factory=list)
    loads: list[tuple[float, float, str]] = field(default_factory=list)  # (started, seconds, query)
    errors: int = 0
    examples: list[str] = field(default_factory=list)
    rss_peak_mb: float = 0.0
    served: set[int] = field(default_factory=set)  # the sessions that got at least one page without an error

    @property
    def median_s(self) -> float:
        return statistics.median(self.latencies) if self.latencies else float("nan")

    @property
    def p95_s(self) -> float:
        """The 95th percentile (the worst of 20 loads): steadier than the worst, which grows with the number of
        loads measured (a 30-session phase makes several times as many as one session)."""
        return statistics.quantiles(self.latencies, n=20, method="inclusive")[-1] if len(self.latencies) > 1 \
            else self.worst_s

    @property
    def worst_s(self) -> float:
        return max(self.latencies) if self.latencies else float("nan")

    def summary(self) -> dict:
        return {"phase": self.name, "sessions": self.sessions, "seconds": self.seconds,
                "page_loads": len(self.latencies), "errors": self.errors,
                "median_s": round(self.median_s, 3), "p95_s": round(self.p95_s, 3), "worst_s": round(self.worst_s, 3),
                "rss_peak_mb": round(self.rss_peak_mb), "sessions_served": len(self.served),
                "examples": self.examples}


async def page_load(base: str, query: str) -> tuple[float, str | None]:
    """One page load in a new session: (seconds from request to "script finished", an error or ``None``)."""
    import websockets
    from streamlit.proto.BackMsg_pb2 import BackMsg  # noqa: TID251 (the protocol, not the UI)
    from streamlit.proto.ForwardMsg_pb2 import ForwardMsg  # noqa: TID251

    url = base.replace("http://", "ws://") + "/_stcore/stream"
    problem = None
    async with websockets.connect(url, subprotocols=["streamlit"], max_size=None, open_timeout=LOAD_TIMEOUT_S) as ws:
        request = BackMsg()
        request.rerun_script.query_string = query
        started = time.monotonic()
        await ws.send(request.SerializeToString())
        while True:
            message = ForwardMsg()
            message.ParseFromString(await asyncio.wait_for(ws.recv(), LOAD_TIMEOUT_S))
            kind = message.WhichOneof("type")
            if kind == "delta" and message.delta.WhichOneof("type") == "new_element":
                element = message.delta.new_element
                if element.WhichOneof("type") == "exception":
                    problem = f"exception box: {element.exception.message[:200]}"
                elif element.WhichOneof("type") == "alert" and BUG_TEXT in element.alert.body:
                    problem = "the app's bug sentence"
            if kind == "script_finished" and message.script_finished != ForwardMsg.FINISHED_EARLY_FOR_RERUN:
                return time.monotonic() - started, problem


async def _session(base: str, going: Callable[[], bool], think: tuple[float, float], seed: int, phase: Phase) -> None:
    """Load pages while ``going()`` (a load started before it turned false is counted)."""
    rnd = random.Random(seed)
    await asyncio.sleep(rnd.uniform(0, think[1]))  # sessions arrive over the first think time, not all at once
    while going():
        query = rnd.choice(_urls())
        try:
            begun = time.monotonic()
            seconds, problem = await asyncio.wait_for(page_load(base, query), LOAD_TIMEOUT_S)  # bounded whole
            phase.latencies.append(seconds)
            phase.loads.append((begun, seconds, query))
            if problem:
                phase.errors += 1
                phase.examples.append(f"?{query}: {problem}")
            else:
                phase.served.add(seed)
        except Exception as exc:  # a load that failed or timed out
            phase.errors += 1
            if len(phase.examples) < 10:
                phase.examples.append(f"?{query}: {type(exc).__name__}: {exc}"[:300])
        await asyncio.sleep(rnd.uniform(*think))


def run_phase(base: str, pgid: int, name: str, sessions: int, seconds: float, think: tuple[float, float]) -> Phase:
    phase = Phase(name=name, sessions=sessions, seconds=seconds)
    samples: list[int] = []
    stop = threading.Event()

    def sample() -> None:
        while not stop.is_set():
            samples.append(group_rss_kib(pgid))
            stop.wait(0.5)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()

    async def drive() -> None:
        deadline = time.monotonic() + seconds
        await asyncio.gather(*(_session(base, lambda: time.monotonic() < deadline, think, seed, phase)
                               for seed in range(sessions)))

    try:
        asyncio.run(drive())
    finally:
        stop.set()
        sampler.join()
    phase.rss_peak_mb = max([*samples, 0]) / 1024
    return phase


IMPORTER = """
import sys
from pathlib import Path
from dashboard.data.import_job import ImportRequest, run_import
report = run_import(ImportRequest(path=Path(sys.argv[1]), store=Path(sys.argv[2]), warm_cache=True,
                                  reason="latency benchmark"))
print(report.added)
"""


def run_import_phases(base: str, pgid: int, store: Path, workdir: Path, rows: int, sessions: int,
                      think: tuple[float, float]) -> list[Phase]:
    """``sessions`` sessions loading pages while ``rows`` synthetic incidents are imported into the served store the
    way the Data page imports a file (:func:`dashboard.data.import_job.run_import`: a child process that writes one
    transaction, then builds the store's fast cache). Two phases: the loads that start before the import's change
    set is in the store (the import running), and those that start after it while the importer still runs (the
    new data being read). An import that fails is an error of the first."""
    from dashboard.data.store import store_state
    from tests.hardening.synthetic import write_native

    during = Phase(name=f"{sessions} sessions during an import of {rows:,} rows", sessions=sessions, seconds=0.0)
    after = Phase(name="  the same, once the import's rows are in the store", sessions=sessions, seconds=0.0)
    big = write_native(workdir / "benchmark-import.csv", rows, "BENCH")
    samples: list[int] = []
    revision = store_state(store)[1]
    committed: list[float] = []
    started = time.monotonic()
    proc = subprocess.Popen([sys.executable, "-c", IMPORTER, str(big), str(store)], cwd=REPO,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, start_new_session=True)

    stop = threading.Event()

    def watch() -> None:  # the memory, and the moment the import's change set is in the store
        while not stop.is_set():
            samples.append(group_rss_kib(pgid))
            if not committed and store_state(store)[1] != revision:
                committed.append(time.monotonic())
            stop.wait(0.2)

    async def drive() -> None:
        await asyncio.gather(*(_session(base, lambda: proc.poll() is None, think, seed, during)
                               for seed in range(sessions)))

    watcher = threading.Thread(target=watch, daemon=True)
    watcher.start()
    try:
        asyncio.run(drive())
    finally:
        _, err = proc.communicate(timeout=LOAD_TIMEOUT_S * 5)
        stop.set()
        watcher.join()
    ended = time.monotonic()
    if not committed and store_state(store)[1] != revision:
        committed.append(ended)
    cut = committed[0] if committed else ended
    loads, during.latencies, during.loads = during.loads, [], []
    for load in loads:
        phase = during if load[0] < cut else after
        phase.loads.append(load)
        phase.latencies.append(load[1])
    during.seconds, after.seconds = round(cut - started), round(ended - cut)
    if proc.returncode != 0:
        during.errors += 1
        during.examples.append(f"the import failed ({proc.returncode}): {err.strip()[-300:]}")
    during.rss_peak_mb = after.rss_peak_mb = max([*samples, 0]) / 1024
    return [during, after]


def run_sequence(base: str, pgid: int, queries: tuple[str, ...], pause_s: float = 0.5) -> Phase:
    """One session loading ``queries`` one after the other (``pause_s`` apart)."""
    phase = Phase(name="1 session (every page twice)", sessions=1, seconds=0.0)
    started = time.monotonic()

    async def go() -> None:
        for query in queries:
            seconds, problem = await page_load(base, query)
            phase.latencies.append(seconds)
            if problem:
                phase.errors += 1
                phase.examples.append(f"?{query}: {problem}")
            else:
                phase.served.add(0)
            await asyncio.sleep(pause_s)

    asyncio.run(go())
    phase.seconds = round(time.monotonic() - started)
    phase.rss_peak_mb = group_rss_kib(pgid) / 1024
    return phase


def warm_up(base: str) -> None:
    async def go() -> None:
        for query in _urls():
            await page_load(base, query)
    asyncio.run(go())


def run(sessions: list[int], seconds: float, think: tuple[float, float], store: Path | None = None, *,
        import_rows: int = 0, import_sessions: int = 5, import_think: tuple[float, float] = (1.0, 3.0)) -> list[Phase]:
    phases = []
    with tempfile.TemporaryDirectory(prefix="incident-map-latency-") as tmp:
        workdir = Path(tmp)
        store = store or workdir / "incidents.gpkg"
        with serve(store, workdir / "server") as served:
            warm_up(served.base)  # every page once: imports, caches and rendered maps, as on a server in use
            for n in sessions:
                if n == 1:  # one reader clicking through every page twice: the latency with nothing else going on
                    phases.append(run_sequence(served.base, served.proc.pid, _urls() * 2))
                else:
                    phases.append(run_phase(served.base, served.proc.pid, f"{n} sessions", n, seconds, think))
            if import_rows:
                phases += run_import_phases(served.base, served.proc.pid, store, workdir, import_rows,
                                            import_sessions, import_think)
    return phases


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sessions", type=int, nargs="+", default=[1, 30])
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--think", type=float, nargs=2, default=[5.0, 15.0], metavar=("MIN", "MAX"))
    parser.add_argument("--store", type=Path, default=None)
    parser.add_argument("--import-rows", type=int, default=20_000,
                        help="then page loads while an import of this many rows runs (0: no such phase)")
    parser.add_argument("--import-sessions", type=int, default=5)
    parser.add_argument("--import-think", type=float, nargs=2, default=[1.0, 3.0], metavar=("MIN", "MAX"))
    parser.add_argument("--exclude", nargs="*", default=[], help="leave out the links containing these texts")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    EXCLUDED[:] = args.exclude
    if not all(1 <= n <= 60 for n in args.sessions) or not 1 <= args.seconds <= 900:
        parser.error("--sessions must be 1..60 and --seconds 1..900 (a bounded run)")
    phases = run(args.sessions, args.seconds, tuple(args.think), args.store, import_rows=args.import_rows,
                 import_sessions=args.import_sessions, import_think=tuple(args.import_think))
    if args.json:
        print(json.dumps([p.summary() for p in phases], indent=2))
    else:
        print(f"think time {args.think[0]:g}-{args.think[1]:g} s between page loads; {args.seconds:g} s per phase")
        print(f"{'phase':<48} {'loads':>6} {'errors':>6} {'median s':>9} {'p95 s':>6} {'worst s':>8} {'RSS MB':>7}")
        for p in phases:
            print(f"{p.name:<48} {len(p.latencies):>6} {p.errors:>6} {p.median_s:>9.2f} {p.p95_s:>6.2f} "
                  f"{p.worst_s:>8.2f} {p.rss_peak_mb:>7.0f}")
            for line in p.examples[:5]:
                print(f"    {line}")
        alone = next((p for p in phases if p.sessions == 1 and p.latencies), None)
        for p in phases:
            if alone is not None and p is not alone and p.latencies:
                print(f"{p.name}: median {p.median_s / alone.median_s:.1f}x, p95 {p.p95_s / alone.p95_s:.1f}x, "
                      f"worst {p.worst_s / alone.worst_s:.1f}x one session's")
        print(f"load average of the machine at the end: {' / '.join(f'{x:.1f}' for x in os.getloadavg())} "
              f"(1 / 5 / 15 min, {os.cpu_count()} cores)")
    return 1 if any(p.errors for p in phases) else 0


if __name__ == "__main__":
    sys.exit(main())
