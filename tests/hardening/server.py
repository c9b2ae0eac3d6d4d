"""``incident-map serve`` on a free 127.0.0.1 port with a store of our choosing (the browser tier's ``app_url``
fixture always serves the bundled data), used by the hostile-browser and public-mode tests and by ``load.py``."""

from __future__ import annotations

import contextlib
import os
import subprocess
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from tests.browser.conftest import SERVER_READY_TIMEOUT_S, _free_port, _incident_map_cli, _stop


class ServerError(RuntimeError):
    pass


@dataclass(frozen=True)
class Served:
    base: str
    proc: subprocess.Popen
    workdir: Path


@contextlib.contextmanager
def serve(store: Path, workdir: Path, *, public: bool = False) -> Iterator[Served]:
    """Serve ``store``; ready once ``/_stcore/health`` answers; the process group is stopped afterwards."""
    workdir.mkdir(parents=True, exist_ok=True)
    port = _free_port()
    cmd = [_incident_map_cli(), "serve", "--port", str(port), "--store", str(store)]
    if public:
        cmd.append("--public")
    out_path, err_path = workdir / "server.stdout", workdir / "server.stderr"
    env = {k: v for k, v in os.environ.items() if k != "INCIDENT_MAP_PUBLIC"}
    with out_path.open("wb") as out, err_path.open("wb") as err:
        proc = subprocess.Popen(cmd, cwd=workdir, stdout=out, stderr=err, stdin=subprocess.DEVNULL, env=env,
                                start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + SERVER_READY_TIMEOUT_S
        while True:
            if proc.poll() is not None:
                raise ServerError(f"incident-map serve exited with {proc.returncode}:\n"
                                  f"{err_path.read_text(errors='replace')}")
            try:
                with urllib.request.urlopen(f"{base}/_stcore/health", timeout=2) as resp:
                    if resp.status == 200:
                        break
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                pass
            if time.monotonic() > deadline:
                raise ServerError(f"{base} not healthy within {SERVER_READY_TIMEOUT_S} s:\n"
                                  f"{err_path.read_text(errors='replace')}")
            time.sleep(0.25)
        yield Served(base=base, proc=proc, workdir=workdir)
    finally:
        _stop(proc)


def group_rss_kib(pgid: int) -> int:
    """Resident memory (KiB) of every process in a process group (the CLI and its streamlit child)."""
    total = 0
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            fields = stat[stat.rindex(")") + 2:].split()
            if int(fields[2]) != pgid:  # field 5 of /proc/PID/stat: process group
                continue
            for line in (entry / "status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
        except (OSError, ValueError):
            continue
    return total
