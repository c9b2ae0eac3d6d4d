"""The package as a user gets it: a wheel built from the sources, installed (not editable) into a fresh venv.

Offline: the wheel is built with this venv's setuptools (``--no-build-isolation``), and the new venv reuses this
venv's installed dependencies through a ``.pth`` line (a plain path line: the editable install's own ``.pth`` files
in that folder are *not* processed, so the checkout cannot be imported), then ``pip install --no-deps`` the wheel.
Commands run from a folder outside the repository, with ``HOME`` and ``XDG_DATA_HOME`` in the temporary folder, so
the per-user data folder of an installed package is a throw-away one."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import sysconfig
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
DIST_FILES = ("pyproject.toml", "README.md")  # with dashboard/: what the wheel is built from
TIMEOUT_S = 600


class InstallError(RuntimeError):
    """Building or installing the wheel failed; the message carries the command's output."""


@dataclass(frozen=True)
class Installed:
    wheel: Path
    venv: Path
    home: Path  # $HOME and $XDG_DATA_HOME live here
    workdir: Path  # the current folder of every command: outside the repository

    @property
    def python(self) -> Path:
        return self.venv / "bin" / "python"

    @property
    def cli(self) -> Path:
        return self.venv / "bin" / "incident-map"

    @property
    def user_data(self) -> Path:
        """Where platformdirs puts the per-user data folder under this ``XDG_DATA_HOME``."""
        return self.home / ".local" / "share" / "segou-incident-map"

    def env(self) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items()
               if not k.startswith(("INCIDENT_MAP_", "PYTHON", "VIRTUAL_ENV", "STREAMLIT_"))}
        env.update(HOME=str(self.home), XDG_DATA_HOME=str(self.home / ".local" / "share"),
                   PATH=f"{self.venv / 'bin'}{os.pathsep}{env.get('PATH', '')}")
        return env

    def run(self, *args: str | Path, check: bool = True) -> subprocess.CompletedProcess:
        proc = subprocess.run([str(a) for a in args], cwd=self.workdir, env=self.env(), capture_output=True,
                              text=True, timeout=TIMEOUT_S, stdin=subprocess.DEVNULL)
        if check and proc.returncode != 0:
            raise InstallError(f"{' '.join(map(str, args))} exited {proc.returncode}\n"
                               f"stdout:\n{proc.stdout}\nstderr:\n{proc.stderr}")
        return proc


def _run(*args: str | Path, cwd: Path) -> None:
    proc = subprocess.run([str(a) for a in args], cwd=cwd, capture_output=True, text=True, timeout=TIMEOUT_S,
                          stdin=subprocess.DEVNULL)
    if proc.returncode != 0:
        raise InstallError(f"{' '.join(map(str, args))} exited {proc.returncode}\n"
                           f"stdout:\n{proc.stdout}\nstderr:\n{proc.stderr}")


def build_and_install(tmp: Path) -> Installed:
    """Build the wheel from a copy of the sources and install it into ``tmp/venv``."""
    src = tmp / "src"
    src.mkdir(parents=True)
    for name in DIST_FILES:
        shutil.copy2(REPO / name, src / name)
    # a copy: building in place would leave build/ and *.egg-info in the checkout while other tests read it
    shutil.copytree(REPO / "dashboard", src / "dashboard", ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    dist = tmp / "dist"
    _run(sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "--no-index", "-q",
         "-w", dist, src, cwd=tmp)
    (wheel,) = dist.glob("segou_incident_map-*.whl")

    venv = tmp / "venv"
    _run(sys.executable, "-m", "venv", "--without-pip", venv, cwd=tmp)
    (site,) = (venv / "lib").glob("python3*/site-packages")
    ours = {sysconfig.get_paths()["purelib"], sysconfig.get_paths()["platlib"]}
    (site / "project-dependencies.pth").write_text("".join(f"{p}\n" for p in sorted(ours)), encoding="utf-8")
    _run(sys.executable, "-m", "pip", "--python", venv / "bin" / "python", "install", "--no-deps", "--no-index",
         "-q", wheel, cwd=tmp)

    home, workdir = tmp / "home", tmp / "work"
    home.mkdir()
    workdir.mkdir()
    return Installed(wheel=wheel, venv=venv, home=home, workdir=workdir)
