"""``incident-map serve`` on a free 127.0.0.1 port with a given store, for every test tier that needs a real server
(the browser tier, the 100 k scale test, the hostile-text and public-mode tests, ``tests/hardening/load.py``)."""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

SERVER_READY_TIMEOUT_S = 120  # `incident-map serve` opens the first page (and reads the store) before it listens


class ServerError(RuntimeError):
    """The server could not be started; the message carries its stderr."""


@dataclass(frozen=True)
class Served:
    base: str
    proc: subprocess.Popen
    workdir: Path


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def incident_map_cli() -> str:
    beside_python = Path(sys.executable).parent / "incident-map"
    if beside_python.exists():
        return str(beside_python)
    found = shutil.which("incident-map")
    if not found:
        raise ServerError("the incident-map command is not installed: run `make test` (it installs the package)")
    return found


def stop(proc: subprocess.Popen) -> None:
    """Stop the server's whole process group (streamlit runs as a child of the CLI)."""
    if proc.poll() is not None:
        return
    try:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=15)
    except ProcessLookupError:
        return
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=5)


@contextlib.contextmanager
def serve(store: Path, workdir: Path, *, public: bool = False, cli: str | Path | None = None,
          env: dict[str, str] | None = None, ready_timeout_s: float = SERVER_READY_TIMEOUT_S) -> Iterator[Served]:
    """Serve ``store`` with ``incident-map serve`` (``cli``: another installed copy of it; ``env``: its whole
    environment); ready once ``/_stcore/health`` answers; the process group is stopped afterwards.
    ``workdir`` is the server's working folder, so nothing it writes lands in the repository."""
    def command(port: int) -> list[str]:
        cmd = [str(cli or incident_map_cli()), "serve", "--port", str(port), "--store", str(store)]
        return [*cmd, "--public"] if public else cmd

    if env is None:
        env = {k: v for k, v in os.environ.items() if k != "INCIDENT_MAP_PUBLIC"}
    with serve_command(command, workdir, env=env, ready_timeout_s=ready_timeout_s) as served:
        yield served


@contextlib.contextmanager
def serve_command(command, workdir: Path, *, env: dict[str, str], cwd: Path | None = None,
                  ready_timeout_s: float = SERVER_READY_TIMEOUT_S) -> Iterator[Served]:
    """Run ``command(port)`` (any way of starting the app) on a free port, from ``cwd`` (default ``workdir``);
    its output goes to ``workdir``; ready once ``/_stcore/health`` answers; its process group is stopped after."""
    workdir.mkdir(parents=True, exist_ok=True)
    port = free_port()
    cmd = command(port)
    out_path, err_path = workdir / "server.stdout", workdir / "server.stderr"
    with out_path.open("wb") as out, err_path.open("wb") as err:
        proc = subprocess.Popen(cmd, cwd=cwd or workdir, stdout=out, stderr=err, stdin=subprocess.DEVNULL, env=env,
                                start_new_session=True)
    base = f"http://127.0.0.1:{port}"

    def output() -> str:
        return (f"stderr:\n{err_path.read_text(errors='replace')}\n"
                f"stdout:\n{out_path.read_text(errors='replace')}")

    try:
        # polled before any browser work, so a plain sleep between probes is harmless here
        deadline = time.monotonic() + ready_timeout_s
        while True:
            if proc.poll() is not None:
                raise ServerError(f"{cmd[0]} exited with code {proc.returncode} before it was ready.\n"
                                  + output())
            try:
                with urllib.request.urlopen(f"{base}/_stcore/health", timeout=2) as resp:
                    if resp.status == 200:
                        break
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                pass
            if time.monotonic() > deadline:
                raise ServerError(f"{' '.join(cmd[:3])} did not answer {base}/_stcore/health within "
                                  f"{ready_timeout_s} s.\n" + output())
            time.sleep(0.25)
        yield Served(base=base, proc=proc, workdir=workdir)
    finally:
        stop(proc)
