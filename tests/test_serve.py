"""``incident-map serve`` stopped by its PID leaves no Streamlit server behind (issue 19, item 13).

A service manager, ``kill PID`` or a terminal's Ctrl+C signal the PID that was started. The server is started the
way a user does (not in its own process group, so nothing but that PID is signalled), signalled, and then no process
may still be running the app on that port and the port must be free.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
from pathlib import Path

import pytest

from dashboard.cli import APP_SCRIPT
from tests import serving


def app_processes(port: int) -> list[int]:
    """PIDs of processes running the dashboard's Streamlit script on ``port`` (read from /proc)."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            argv = (entry / "cmdline").read_bytes().split(b"\0")
        except OSError:  # gone meanwhile, or not ours to read
            continue
        if str(APP_SCRIPT).encode() in argv and str(port).encode() in argv:
            found.append(int(entry.name))
    return found


def port_is_free(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        return s.connect_ex(("127.0.0.1", port)) != 0


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "SIGINT"])
def test_stopping_serve_by_its_pid_stops_the_streamlit_server(tmp_path, sig):
    seen: dict[str, object] = {}

    def command(port: int) -> list[str]:
        seen["port"] = port
        return [serving.incident_map_cli(), "serve", "--port", str(port), "--store", str(tmp_path / "s.gpkg")]

    env = {k: v for k, v in os.environ.items() if k != "INCIDENT_MAP_PUBLIC"}
    with serving.serve_command(command, tmp_path, env=env) as served:
        port = seen["port"]
        assert app_processes(port), "the served app is not visible in /proc: the check below would prove nothing"
        os.kill(served.proc.pid, sig)  # this PID only, as `kill PID` does
        try:
            served.proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            pytest.fail(f"incident-map serve did not stop within 30 s of {sig.name}")
        left = app_processes(port)
        for pid in left:  # do not leave them running for the rest of the session
            os.kill(pid, signal.SIGKILL)
        assert not left, f"Streamlit still running after {sig.name} to incident-map serve: PIDs {left}"
        assert port_is_free(port)
