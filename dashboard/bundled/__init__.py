"""The bundled dataset and reference layers, shipped inside the package (see README.md in this folder).

Read through :func:`path` so that an installed wheel finds the same files as a checkout."""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path


def path(name: str) -> Path:
    """Filesystem path of a bundled file (wheels install unpacked, so the resource is a real file)."""
    return Path(str(files(__name__) / name))
