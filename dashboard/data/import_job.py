"""An import run in a child process, bounded in time: the CLI and the Data page import through :func:`run_import`.

Why a process: an import parses, validates and writes for seconds to minutes. Inside the app's server process it
would hold the interpreter's lock while every other visitor's page waits; in a child at lower priority (``nice``)
the server's threads stay free, and the child can be stopped at the time limit (``Limits.import_seconds``) without
harm: an import adds its rows in one change set, one database transaction (:func:`dashboard.data.store.apply_import`),
and a process killed inside it leaves nothing (SQLite ignores an uncommitted transaction when the file is next
opened; PostgreSQL rolls it back when the connection drops); the rejects file is replaced whole
(:mod:`dashboard.data.atomic`). The change set's id is chosen here, before the child starts, so when the limit
stops a child the parent can tell from the store whether its transaction had committed just before, and says so
rather than claiming nothing was written. The child dies with its parent (Linux ``PR_SET_PDEATHSIG``), so a killed
CLI leaves no import running.

The child is forked from the CLI (one thread: forking is safe and costs nothing) and started as a fresh interpreter
(``python -m dashboard.data.import_job``, about a second of imports) from the app, whose many threads a fork would
copy in whatever state they are in (and multiprocessing's spawn would re-run the page script, which Streamlit makes
``__main__``). After an import that added rows, the child also builds the new version's fast cache and search index
(``warm_cache``; the CLI shows it as a progress bar), holding the store's "being built" lock from before its change
set commits until they are written (:mod:`dashboard.data.warming`), so the server keeps serving the version it holds
and then reads the new one from the cache, never re-validating the store in a page view. The build runs after the
report is sent, outside the time limit; the parent waits for it (the CLI's prompt, the Data page's spinner), so
whoever imported sees the new counts at once, while every other session keeps the previous version meanwhile.
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

from dashboard.data.engines.changes import new_changeset_id
from dashboard.data.import_report import ImportReport
from dashboard.errors import UnreadableFile, UserError
from dashboard.i18n import N_, Count
from dashboard.settings import Limits

__all__ = ["ImportCrashed", "ImportRequest", "run_import"]

log = logging.getLogger(__name__)
NICENESS = 10  # the child yields the CPU to the server's page loads
_PR_SET_PDEATHSIG = 1


class ImportCrashed(RuntimeError):
    """The import failed for a reason that is not the file's (a bug, the machine): details are in the log.
    ``written``: whether its change set is in the store (``None``: not known)."""

    def __init__(self, message: str, written: bool | None = None):
        super().__init__(message)
        self.written = written


@dataclass(frozen=True)
class ImportRequest:
    """What to import where (the arguments of :func:`dashboard.data.importer.import_file`, as plain values)."""

    path: Path
    store: Path | str  # a GeoPackage path or a postgresql:// URL
    fmt: str = "auto"
    dry_run: bool = False
    strict: bool = False
    gazetteer_csv: Path | None = None  # another village gazetteer (``import --gazetteer``)
    limits: Limits = field(default_factory=Limits)
    warm_cache: bool = True  # build the new version's fast cache and search index after writing (dashboard.data.warming)
    progress: bool = False  # show the cache build as a progress bar on stderr (the CLI)
    author: str | None = None
    reason: str | None = None
    changeset_id: str = field(default_factory=new_changeset_id)  # the id the import's change set will have
    licence: dict | None = None  # declared for a user file: licence, attribution, redistribute (docs/licences.md)
    status: str | None = None  # the new reports' review status (None: store.import_status's default)
    lang: str = "en"  # the language of the rejects file's problems (the CLI's --lang, the page's language)


def run_import(request: ImportRequest) -> ImportReport:
    """Import in a child process; :class:`UserError` as the importer raises it, :class:`UnreadableFile` when the
    time limit stops it (nothing written), :class:`ImportCrashed` for anything else."""
    run = _forked if threading.active_count() == 1 and sys.platform.startswith("linux") else _spawned
    kind, value = run(request)
    if kind == "report":
        return value
    if kind == "user":
        raise value
    raise ImportCrashed(value, written=_committed(request))


def _too_long(request: ImportRequest) -> UnreadableFile:
    name, limit, changeset = request.path.name, Count(request.limits.import_seconds), request.changeset_id
    committed = _committed(request)
    if committed:
        return UnreadableFile(N_("{name}: the import reached the limit of {limit} s just after its rows were written "
                                 "(change set {changeset}); incident-map history lists them"), name=name, limit=limit,
                              changeset=changeset)
    if committed is None:
        return UnreadableFile(N_("{name}: the import reached the limit of {limit} s and was stopped; the store could "
                                 "not be checked for its change set {changeset}: see incident-map history"), name=name,
                              limit=limit, changeset=changeset)
    return UnreadableFile(N_("{name}: the import took longer than the limit of {limit} s and was stopped; nothing "
                             "was written"), name=name, limit=limit)


def _stopped(request: ImportRequest, code: int | None) -> tuple[str, object]:
    """The child ended without an answer (killed, crashed)."""
    committed = _committed(request)
    if committed:
        return "user", UnreadableFile(N_("{name}: the import process stopped (exit code {code}) after its rows were "
                                         "written (change set {changeset})"), name=request.path.name, code=code,
                                      changeset=request.changeset_id)
    what = "nothing was written" if committed is False else "whether it wrote anything could not be checked"
    return "bug", f"{request.path.name}: the import process stopped (exit code {code}); {what}"


def _committed(request: ImportRequest) -> bool | None:
    """Whether a stopped import's change set is in the store (it committed just before the child was stopped);
    ``None`` when the store cannot be read to tell."""
    if request.dry_run:
        return False
    from dashboard.data.store import has_changeset

    try:
        return has_changeset(request.store, request.changeset_id)
    except Exception as exc:
        log.warning("could not check whether change set %s was written: %s", request.changeset_id, exc)
        return None


def _forked(request: ImportRequest) -> tuple[str, object]:
    """The CLI (one thread): fork, so the child starts at once with everything imported."""
    ctx = multiprocessing.get_context("fork")
    receive, send = ctx.Pipe(duplex=False)
    child = ctx.Process(target=_forked_child, args=(send, request), name="incident-map-import", daemon=True)
    child.start()
    send.close()
    outcome = None
    try:
        if not receive.poll(request.limits.import_seconds):
            raise _stop(child, request)
        with contextlib.suppress(EOFError):
            outcome = receive.recv()
    finally:
        if child.is_alive() and outcome is None:
            child.kill()  # interrupted: an import's transaction commits whole or not at all
        child.join()  # after its answer the child only warms the cache (if asked) and exits
        receive.close()
    if outcome is None:
        return _stopped(request, child.exitcode)
    return outcome


def _stop(child, request: ImportRequest) -> UnreadableFile:
    """Past the time limit: kill the child (its open transaction, if any, is rolled back), then say what happened."""
    child.kill()
    child.join()
    return _too_long(request)


def _spawned(request: ImportRequest) -> tuple[str, object]:
    """The app (many threads, which a fork would copy in whatever state they are): a fresh interpreter running
    this module, the request on its stdin, the outcome on a pipe of its own (its stdout and stderr are the
    server's log). The child closes that pipe once it has answered, then builds the cache; the calling session
    waits for it (a thread blocked on the child, holding nothing the other sessions need)."""
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
                child.kill()
                child.wait()
                raise _too_long(request)
            chunk = os.read(read_fd, 1 << 20)
            if not chunk:
                break
            data += chunk
        answered = bool(data)
    finally:
        os.close(read_fd)
        if not answered and child.poll() is None:
            child.kill()
        child.wait()  # after its answer the child builds the new version's cache (if asked) and exits
    if not data:
        return _stopped(request, child.returncode)
    return pickle.loads(data)  # noqa: S301 -- written by our own child process


def _forked_child(send, request: ImportRequest) -> None:
    def answer(outcome: tuple[str, object]) -> None:
        send.send(outcome)
        send.close()

    _child(request, answer)


def _child(request: ImportRequest, answer) -> None:
    """Import, ``answer`` the outcome, then build the new version's cache; the "being built" lock is taken before the
    import can commit and released once the cache is written (or the child dies)."""
    from dashboard.data.warming import building

    warming = request.warm_cache and not request.dry_run
    with building(request.store) if warming else contextlib.nullcontext():
        outcome = _outcome(request)
        answer(outcome)
        _warm(request, outcome)


def _outcome(request: ImportRequest) -> tuple[str, object]:
    """Run the import here (the child) and say how it went: ``("report", report)``, ``("user", error)`` or
    ``("bug", sentence)`` with the traceback written to the log."""
    _die_with_parent()
    with contextlib.suppress(OSError):
        os.nice(NICENESS)
    from dashboard.data.importer import import_file
    from dashboard.data.placing import load_geocoder

    try:
        geocoder = load_geocoder(request.gazetteer_csv) if request.gazetteer_csv else None
        report = import_file(request.path, request.store, fmt=request.fmt, dry_run=request.dry_run,
                             strict=request.strict, geocoder=geocoder, limits=request.limits,
                             author=request.author, reason=request.reason, changeset_id=request.changeset_id,
                             licence=request.licence, status=request.status, lang=request.lang)
        return "report", report
    except UserError as exc:
        return "user", exc
    except OSError as exc:  # the disk is full, the store's folder cannot be written...
        return "user", UnreadableFile(N_("{name}: {why}"), name=request.path.name, why=exc.strerror or str(exc))
    except Exception as exc:  # a bug: the details go to the log (the server's), one sentence to the caller
        log.error("import of %s failed:\n%s", request.path, traceback.format_exc())
        sys.stderr.write(traceback.format_exc())
        what = "its rows were written" if _committed(request) else "nothing was written"
        return "bug", (f"{request.path.name}: the import failed ({type(exc).__name__}); {what}; the details are in "
                       "the log")


def _warm(request: ImportRequest, outcome: tuple[str, object]) -> None:
    """After answering: the store's fast cache and search index, built here rather than in the server."""
    kind, report = outcome
    if not (request.warm_cache and kind == "report" and report.added):
        return
    from dashboard.data.incremental import since_report
    from dashboard.data.warming import warm

    try:
        with _progress(request) as step:
            warm(report.store, step, since=since_report(report))
    except Exception:  # the server builds it on its next read instead
        log.warning("could not build the store cache after the import:\n%s", traceback.format_exc())


@contextlib.contextmanager
def _progress(request: ImportRequest):
    """A progress bar of the cache build on stderr (the CLI asks for it only when stderr is a terminal: a script
    reading stderr sees nothing but errors)."""
    if not request.progress:
        yield None
        return
    import typer

    from dashboard.data.warming import STEPS
    from dashboard.i18n import from_environment, tr

    _ = tr(from_environment()).gettext
    with typer.progressbar(length=len(STEPS), label=_("Preparing the map's cache and search index"),
                           file=sys.stderr) as bar:
        yield lambda _name: bar.update(1)


def _die_with_parent() -> None:
    """Ask Linux to kill this process when its parent dies (a killed CLI must not leave an import running)."""
    if not sys.platform.startswith("linux"):
        return
    with contextlib.suppress(OSError, AttributeError):
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)


if __name__ == "__main__":  # the app's child: python -m dashboard.data.import_job FD < pickled ImportRequest
    def _answer(outcome: tuple[str, object]) -> None:
        with os.fdopen(int(sys.argv[1]), "wb") as out:
            pickle.dump(outcome, out)

    _child(pickle.load(sys.stdin.buffer), _answer)  # noqa: S301 -- written by the parent process
