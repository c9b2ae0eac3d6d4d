"""A throwaway PostgreSQL cluster with PostGIS for the tests (and the benchmark).

Debian's server binaries live in ``/usr/lib/postgresql/<major>/bin``; the newest installed major version that
has the PostGIS extension is used (never a hard-coded one). ``initdb`` and ``pg_ctl`` refuse to run as root, so
when the tests run as root (CI does) the cluster's folder is given to the ``postgres`` system user and the server
is run as that user (``runuser``). The server listens on a Unix socket only (no TCP port), in the cluster's
folder, with ``trust`` authentication for local connections; it is stopped and removed at the end.
"""

from __future__ import annotations

import contextlib
import os
import pwd
import shutil
import subprocess
import tempfile
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import psycopg

DEBIAN_ROOT = Path("/usr/lib/postgresql")


class NoPostgres(RuntimeError):
    pass


def find_server() -> tuple[str, Path]:
    """(major version, bin folder) of the newest installed server with PostGIS."""
    found = []
    for folder in DEBIAN_ROOT.glob("*/bin"):
        major = folder.parent.name
        if (folder / "initdb").exists() and Path(f"/usr/share/postgresql/{major}/extension/postgis.control").exists():
            found.append((int(major) if major.isdigit() else 0, major, folder))
    if not found:
        raise NoPostgres("no PostgreSQL server with PostGIS is installed (make test installs Debian's postgresql "
                         "and postgis packages)")
    _, major, folder = max(found)
    return major, folder


@dataclass
class Cluster:
    folder: Path
    bin: Path
    user: str | None  # the system user the server runs as (None: this user)

    @property
    def socket_dir(self) -> Path:
        return self.folder

    def url(self, dbname: str = "postgres") -> str:
        return f"postgresql://postgres@/{dbname}?host={self.socket_dir}"

    def run(self, *args: str, check: bool = True) -> subprocess.CompletedProcess:
        cmd = [str(self.bin / args[0]), *args[1:]]
        if self.user:
            cmd = ["runuser", "-u", self.user, "--", *cmd]
        return subprocess.run(cmd, check=check, capture_output=True, text=True, cwd="/")

    def create_database(self, name: str | None = None) -> str:
        """A new empty database with PostGIS; its URL."""
        name = name or f"t_{uuid.uuid4().hex[:12]}"
        with psycopg.connect(self.url(), autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        with psycopg.connect(self.url(name), autocommit=True) as conn:
            conn.execute("CREATE EXTENSION IF NOT EXISTS postgis")
        return self.url(name)

    def stop(self) -> None:
        self.run("pg_ctl", "-D", str(self.folder / "data"), "-m", "immediate", "stop", check=False)


@contextlib.contextmanager
def cluster(prefix: str = "incident-map-pg-") -> Iterator[Cluster]:
    _, bin_dir = find_server()
    folder = Path(tempfile.mkdtemp(prefix=prefix))
    user = None
    if os.geteuid() == 0:
        user = "postgres"
        entry = pwd.getpwnam(user)
        os.chown(folder, entry.pw_uid, entry.pw_gid)
    os.chmod(folder, 0o755)
    pg = Cluster(folder=folder, bin=bin_dir, user=user)
    try:
        pg.run("initdb", "-D", str(folder / "data"), "-U", "postgres", "-A", "trust", "-E", "UTF8",
               "--locale", "C.UTF-8")
        options = (f"-k {folder} -c listen_addresses='' -c fsync=on -c max_connections=200 "
                   "-c shared_buffers=128MB")
        pg.run("pg_ctl", "-D", str(folder / "data"), "-o", options, "-l", str(folder / "server.log"), "-w",
               "start")
        deadline = time.monotonic() + 30
        while True:
            try:
                psycopg.connect(pg.url(), connect_timeout=2).close()
                break
            except psycopg.OperationalError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.1)
        yield pg
    finally:
        pg.stop()
        shutil.rmtree(folder, ignore_errors=True)
