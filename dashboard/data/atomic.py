"""The one way a file is replaced: write a temporary file beside it, then rename it over the target.

A rename within a folder is atomic, so a reader sees the old file or the new one, never half of one, and a writer
killed mid-way leaves only a temporary file (named ``.<target>.<random>…``, which nothing reads as the target).

A target that is a symbolic link is written through to the file it points to (renaming over the link would replace
the link and leave its target stale). The new file keeps the permissions of the file it replaces; a new file gets
the usual ones (0666 less the umask), not the private ones of a temporary file.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import tempfile
from collections.abc import Iterator
from pathlib import Path

__all__ = ["replacing"]


@contextlib.contextmanager
def replacing(target: str | Path, *, suffix: str = ".tmp", create: bool = True,
              mode_like: Path | None = None) -> Iterator[Path]:
    """Yield a temporary path in ``target``'s folder; when the block ends without an error, the file written there
    replaces ``target``. The temporary file is removed in every case.

    ``create=False`` yields a fresh name that does not exist yet (for writers that refuse to write over a file,
    as GDAL does for an empty GeoPackage); otherwise an empty private file is made there first (``mkstemp``).
    ``mode_like`` gives the new file that file's permissions (a temporary file is private)."""
    target = Path(os.path.realpath(target))  # through a symbolic link, to the file it names
    target.parent.mkdir(parents=True, exist_ok=True)
    if create:
        fd, name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=suffix, dir=target.parent)
        os.close(fd)
        tmp = Path(name)
    else:
        tmp = target.parent / f".{target.name}.{secrets.token_hex(8)}{suffix}"
    try:
        yield tmp
        if mode_like is not None:
            os.chmod(tmp, mode_like.stat().st_mode & 0o666)
        elif target.exists():
            os.chmod(tmp, target.stat().st_mode & 0o7777)
        elif tmp.exists():
            os.chmod(tmp, 0o666 & ~_umask())
        os.replace(tmp, target)
    finally:
        tmp.unlink(missing_ok=True)


def _umask() -> int:
    """The process's umask, read without changing it (``os.umask`` sets it, which races other threads)."""
    with contextlib.suppress(OSError, ValueError):
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("Umask:"):
                return int(line.split()[1], 8)
    return 0o022
