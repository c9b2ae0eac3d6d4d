"""An import run in a child process, bounded in time: the CLI and the Data page import through :func:`run_import`.

Why a process: an import parses, validates and writes for seconds to minutes. Inside the app's server process it
would hold the interpreter's lock while every other visitor's page waits; in a child at lower priority (``nice``)
the server's threads stay free, and the child can be stopped at the time limit (``Limits.import_seconds``) without
harm, because the store is only ever replaced whole (:mod:`dashboard.data.atomic`). The child dies with its parent
(Linux ``PR_SET_PDEATHSIG``), so a killed CLI leaves no import running.

The child is forked from the CLI (one thread: forking is safe and costs nothing) and started as a fresh interpreter
(``python -m dashboard.data.import_job``, about a second of imports) from the app, whose many threads a fork would
copy in whatever state they are in (and multiprocessing's spawn would re-run the page script, which Streamlit makes
``__main__``). After an import that added rows, the app's child also builds the store's fast cache and search index
(``warm_cache``), so the server reads them instead of re-validating the store on the next page load.
"""

from __future__ import annotations

import contextlib
import ctypes
import logging
import multiprocessing
import os
import pickle
import select
import signal
import subprocess
import sys
import threading
import time
import traceback
from dataclasses import dataclass, field
from pathlib import Path

from dashboard.data.import_report import ImportReport
from dashboard.errors import UnreadableFile, UserError
from dashboard.settings import Limits

__all__ = ["ImportCrashed", "ImportRequest", "run_import"]

log = logging.getLogger(__name__)
NICENESS = 10  # the child yields the CPU to the server's page loads
_PR_SET_PDEATHSIG = 1


class ImportCrashed(RuntimeError):
    """The import failed for a reason that is not the file's (a bug, the machine): details are in the log."""


@dataclass(frozen=True)
class ImportRequest:
    """What to import where (the arguments of :func:`dashboard.data.importer.import_file`, as plain values)."""

    path: Path
    store: Path
    fmt: str = "auto"
    dry_run: bool = False
    strict: bool = False
    gazetteer_csv: Path | None = None
    limits: Limits = field(default_factory=Limits)
    warm_cache: bool = False  # build the store's fast cache after writing (the app; the CLI writes no derived file)


def run_import(request: ImportRequest) -> ImportReport:
    """Import in a child process; :class:`UserError` as the importer raises it, :class:`UnreadableFile` when the
    time limit stops it (nothing written), :class:`ImportCrashed` for anything else."""
    run = _forked if threading.active_count() == 1 and sys.platform.startswith("linux") else _spawned
    kind, value = run(request)
    if kind == "report":
        return value
    if kind == "user":
        raise value
    raise ImportCrashed(value)


def _too_long(request: ImportRequest) -> UnreadableFile:
    return UnreadableFile(f"{request.path.name}: the import took longer than the limit of "
                          f"{request.limits.import_seconds} s and was stopped; nothing was written")


def _forked(request: ImportRequest) -> tuple[str, object]:
    """The CLI (one thread): fork, so the child starts at once with everything imported."""
    ctx = multiprocessing.get_context("fork")
    receive, send = ctx.Pipe(duplex=False)
    child = ctx.Process(target=_forked_child, args=(send, request), name="incident-map-import", daemon=True)
    child.start()
    send.close()
    answered = False
    try:
        if not receive.poll(request.limits.import_seconds):
            raise _too_long(request)
        try:
            outcome = receive.recv()
        except EOFError:
            outcome = None
        answered = True
    finally:
        child.join(5 if answered else 0)
        if child.is_alive():
            child.kill()  # past the time limit (or the caller was interrupted): the store is replaced whole or not
        child.join()
        receive.close()
    if outcome is None:
        return "bug", f"{request.path.name}: the import process stopped (exit code {child.exitcode}); nothing was written"
    return outcome


def _spawned(request: ImportRequest) -> tuple[str, object]:
    """The app (many threads, which a fork would copy in whatever state they are): a fresh interpreter running
    this module, the request on its stdin, the outcome on a pipe of its own (its stdout and stderr are the
    server's log)."""
    read_fd, write_fd = os.pipe()
    try:
        child = subprocess.Popen([sys.executable, "-m", __name__, str(write_fd)], stdin=subprocess.PIPE,
                                 pass_fds=(write_fd,), close_fds=True)
    finally:
        os.close(write_fd)
    deadline = time.monotonic() + request.limits.import_seconds
    data = bytearray()
    answered = False
    try:
        child.stdin.write(pickle.dumps(request))
        child.stdin.close()
        while True:
            left = deadline - time.monotonic()
            if left <= 0 or not select.select([read_fd], [], [], left)[0]:
                raise _too_long(request)
            chunk = os.read(read_fd, 1 << 20)
            if not chunk:
                break
            data += chunk
        answered = True
    finally:
        os.close(read_fd)
        with contextlib.suppress(subprocess.TimeoutExpired):
            child.wait(5 if answered else 0)
        if child.poll() is None:
            child.kill()
        child.wait()
    if not data:
        return "bug", f"{request.path.name}: the import process stopped (exit code {child.returncode}); nothing was written"
    return pickle.loads(data)  # noqa: S301 -- written by our own child process


def _forked_child(send, request: ImportRequest) -> None:
    send.send(_outcome(request))
    send.close()


def _outcome(request: ImportRequest) -> tuple[str, object]:
    """Run the import here (the child) and say how it went: ``("report", report)``, ``("user", error)`` or
    ``("bug", sentence)`` with the traceback written to the log."""
    _die_with_parent()
    with contextlib.suppress(OSError):
        os.nice(NICENESS)
    from dashboard.data.gazetteer import Gazetteer
    from dashboard.data.importer import import_file

    try:
        gazetteer = Gazetteer.from_csv(request.gazetteer_csv) if request.gazetteer_csv else None
        report = import_file(request.path, request.store, fmt=request.fmt, dry_run=request.dry_run,
                             strict=request.strict, gazetteer=gazetteer, limits=request.limits)
        if request.warm_cache and report.added:
            from dashboard.data.store import load_store

            load_store(report.store)  # the fast cache and search index, built here rather than in the server
        return "report", report
    except UserError as exc:
        return "user", exc
    except OSError as exc:  # the disk is full, the store's folder cannot be written...
        return "user", UnreadableFile(f"{request.path.name}: {exc.strerror or exc}")
    except Exception as exc:  # a bug: the details go to the log (the server's), one sentence to the caller
        log.error("import of %s failed:\n%s", request.path, traceback.format_exc())
        sys.stderr.write(traceback.format_exc())
        return "bug", (f"{request.path.name}: the import failed ({type(exc).__name__}); nothing was written; the "
                       "details are in the log")


def _die_with_parent() -> None:
    """Ask Linux to kill this process when its parent dies (a killed CLI must not leave an import running)."""
    if not sys.platform.startswith("linux"):
        return
    with contextlib.suppress(OSError, AttributeError):
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)


if __name__ == "__main__":  # the app's child: python -m dashboard.data.import_job FD < pickled ImportRequest
    _request = pickle.load(sys.stdin.buffer)  # noqa: S301 -- written by the parent process
    _result = _outcome(_request)
    with os.fdopen(int(sys.argv[1]), "wb") as _out:
        pickle.dump(_result, _out)
