"""``incident-map serve`` on a free 127.0.0.1 port with a store of our choosing (the browser tier's ``app_url``
fixture always serves the bundled data), used by the hostile-browser and public-mode tests and by ``load.py``."""

from __future__ import annotations

from pathlib import Path

from tests.serving import Served, ServerError, serve

__all__ = ["Served", "ServerError", "group_rss_kib", "serve"]


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
