"""A new dataset version's fast cache and search index are built by whoever wrote the version, not by a page view.

An import (the CLI's, the Data page's: :mod:`dashboard.data.import_job`) builds them in its child process right
after its change set commits, and **the app keeps serving the version it holds until the new version's cache
exists**; then it reads the new one from that cache (a fraction of a second for the bundled record, 2–3 s at a
million incidents) instead of reading and validating the whole store inside a page view (about a minute per million,
while every session waited on it).

Why not build the cache before the commit instead: the dataset version is a content hash that the store computes as
the change set commits, and the cache holds the whole committed store, validated and grouped. Building it first
would mean reading the store inside the import's open transaction (holding the store's write lock for the whole
build, a minute at 1 M incidents, during which every other edit waits), and a concurrent edit could still make it
stale. Serving the previous version for those seconds is honest: the page says that a newer version is being
prepared, and every figure on it is of one whole version, the one it cites.

An import's build is not a full one when it can be exact without: the new version's cache and index are derived
from the previous version's, validating, grouping and indexing only what its change set touched
(:mod:`dashboard.data.incremental`; anything it cannot derive exactly is built in full).

The handshake is an OS file lock on ``<cache name>.building`` beside the cache (:func:`building`): a writer that
will build the new version's cache takes it (shared: several importers may run) *before* its transaction commits
and keeps it until the cache and index are written. A reader that finds a newer version than it holds, with no
ready cache, asks whether the lock is held (:func:`being_built`): if so it keeps what it holds (or, holding
nothing, waits for the build: :func:`wait_built`); if not, nobody will build it, and it reads the store itself as
before. A killed builder's lock is released by the kernel, so a stale lock file is never trusted. Hand-written on
``fcntl.flock`` (a few lines) rather than adding the ``filelock`` package for it.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import time
from collections.abc import Callable, Iterator
from pathlib import Path

from dashboard.data.incremental import Since, update
from dashboard.data.store import (
    BUILD_LOCK_SUFFIX,
    Location,
    cache_path,
    load_store,
    resolve_store,
    store_cache_version,
)

__all__ = ["STEPS", "Since", "being_built", "building", "is_ready", "lock_path", "wait_built", "warm"]

STEPS = ("read", "validate", "group", "grade", "cache", "index")  # what load_store reports through ``step`` when building


def lock_path(location: Location) -> Path:
    cache = cache_path(resolve_store(location))
    return cache.with_name(cache.name + BUILD_LOCK_SUFFIX)


@contextlib.contextmanager
def building(location: Location) -> Iterator[None]:
    """Hold the store's "cache being built" lock (shared with other builders) for the block. A folder that cannot
    hold the lock file (read-only...) holds no lock: readers then build the cache themselves, as before."""
    path = lock_path(location)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o666)
    except OSError:
        yield
        return
    try:
        fcntl.flock(fd, fcntl.LOCK_SH)
        yield
    finally:
        os.close(fd)  # releases the lock


def being_built(location: Location) -> bool:
    """Whether a writer holds the lock (is building, or about to build, a new version's cache)."""
    try:
        fd = os.open(lock_path(location), os.O_RDONLY)
    except OSError:
        return False  # no lock file: nobody ever announced a build here
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        return True
    finally:
        os.close(fd)
    return False


def wait_built(location: Location, timeout_s: float, poll_s: float = 0.2) -> bool:
    """Wait until no writer holds the lock (at most ``timeout_s``); whether it was released."""
    deadline = time.monotonic() + timeout_s
    while being_built(location):
        if time.monotonic() >= deadline:
            return False
        time.sleep(poll_s)
    return True


def is_ready(location: Location, version: str) -> bool:
    """Whether the fast cache holds ``version`` (under the validation rules in force): reading it is then quick."""
    return store_cache_version(resolve_store(location)) == version


def warm(location: Location, step: Callable[[str], None] | None = None, since: Since | None = None) -> None:
    """Build the store's fast cache and search index for its current version (nothing when they are fresh);
    ``step`` is told each of :data:`STEPS` as it starts. ``since``: the change set that made this version (an
    import's): the cache is then derived from the previous version's when that is exact
    (:func:`dashboard.data.incremental.update`), else built in full."""
    if since is not None and not is_ready(location, since.version):
        steps = _Once(step)
        if update(resolve_store(location), since, steps):
            return
        step = steps
    load_store(location, step=step, defer_reports=True)  # nothing here reads the reports: not read back


class _Once:
    """Tell ``step`` each step name once, whichever of the two builds reaches it (one progress bar)."""

    def __init__(self, step: Callable[[str], None] | None):
        self.step, self.told = step, set()

    def __call__(self, name: str) -> None:
        if self.step is not None and name not in self.told:
            self.told.add(name)
            self.step(name)
