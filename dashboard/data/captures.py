"""Preserved sources (issue 16 item 1): captures of a report's sources, stored by SHA-256, and their custody log.

A *capture* is a file preserved for one source of one report: the page's HTML and a full-page PDF fetched by
``incident-map capture`` (:mod:`dashboard.data.capture_fetch`), or a file made elsewhere (a screenshot, a WACZ, a
video) added by ``incident-map source attach``. Its metadata is a record of the store (type ``capture``, migration
0007_captures, both engines): report, source URL, SHA-256, size, media type, the URL it came from, an archive URL,
who captured it, when (UTC) and how (``fetched`` / ``attached``). Every capture and every custody event
(``collected``, ``attached``, ``transferred``, ``exported``; type ``custody``) is written in a change set, so the
history holds the custody log.

**The bytes are files, not database rows**, content-addressed: ``<root>/sha256/ab/abcdef…`` (the whole hex digest
as the name), written to a temporary file, flushed and linked into place, then made read-only; a file already
there is never written again, so the same bytes are stored once and a capture is never modified. The root is
``<store file>.captures/`` beside a GeoPackage, or the folder ``$INCIDENT_MAP_CAPTURES_DIR`` names (required for
a PostGIS store: a team's servers share it like the database; on one machine any folder). Why files and not
``bytea``/BLOB rows: captures are large (a PDF of several MB, media of hundreds), the store stays small and fast to
copy and back up; a recipient or a court expert can check each file with nothing but ``sha256sum`` (its name is its
hash); and the same layout serves both engines.
"""

from __future__ import annotations

import hashlib
import mimetypes
import os
import re
import secrets
import tempfile
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass
from functools import partial
from pathlib import Path

from dashboard.data.engines import Change, ChangeSet, HistoryEntry, Store, StoreError
from dashboard.data.engines.changes import utc_now
from dashboard.data.engines.records import CAPTURE, CUSTODY
from dashboard.data.schema import is_http_url, parse_sources
from dashboard.data.validate import problems_said
from dashboard.errors import UserError
from dashboard.history_words import EXPORTED
from dashboard.i18n import N_, Translator, tr

__all__ = ["CAPTURES_SUFFIX", "Blob", "Capture", "CaptureError", "blob_path", "captures_by_report",
           "captures_root", "clean_media_type", "custody_line", "log_exported", "put_blob", "read_blob", "read_captures", "record_captures",
           "report_history", "sha256_hex", "source_urls"]

CAPTURES_SUFFIX = ".captures"
DEFAULT_MEDIA_TYPE = "application/octet-stream"
EXTENSIONS = {"text/html": ".html", "application/pdf": ".pdf", "image/png": ".png", "image/jpeg": ".jpg",
              "application/wacz": ".wacz", "video/mp4": ".mp4"}


class CaptureError(UserError):
    """A capture that cannot be made or stored (a refused URL, a file over the limit, no captures folder...)."""


@dataclass(frozen=True)
class Blob:
    """Bytes to preserve, their media type, and the URL they came from (None: unknown)."""

    data: bytes
    media_type: str
    url: str | None = None


@dataclass(frozen=True)
class Capture:
    capture_id: str
    report_id: str
    source_url: str | None
    sha256: str
    size: int
    media_type: str
    url: str | None
    archive_url: str | None
    captured_by: str
    captured_at: str  # UTC, ISO 8601
    method: str  # fetched | attached

    @classmethod
    def from_record(cls, record: Mapping) -> Capture:
        return cls(**{name: record.get(name) for name in CAPTURE.names})

    def to_record(self) -> dict:
        return asdict(self)

    @property
    def day(self) -> str:
        return self.captured_at[:10]

    @property
    def file_name(self) -> str:
        """The name an exported copy gets: its hash and an extension from its media type."""
        return self.sha256 + extension(self.media_type)


def extension(media_type: str) -> str:
    base = media_type.split(";", 1)[0].strip().lower()
    return EXTENSIONS.get(base) or mimetypes.guess_extension(base) or ".bin"


_MEDIA_TYPE = re.compile(r"[a-z0-9][a-z0-9!#$&^_.+-]{0,62}/[a-z0-9][a-z0-9!#$&^_.+-]{0,126}")


def clean_media_type(value: str | None) -> str:
    """A media type as ``type/subtype`` in lower case (parameters dropped); anything else (a server's header or an
    option is untrusted text) is :data:`DEFAULT_MEDIA_TYPE`."""
    base = (value or "").split(";", 1)[0].strip().lower()
    return base if _MEDIA_TYPE.fullmatch(base) else DEFAULT_MEDIA_TYPE


def media_type_of(name: str) -> str:
    if name.lower().endswith(".wacz"):
        return "application/wacz"
    return mimetypes.guess_type(name)[0] or DEFAULT_MEDIA_TYPE


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


# ---- the files --------------------------------------------------------------------------------------------------
def captures_root(location: str | Path, configured: Path | None = None) -> Path | None:
    """Where a store's capture files live: ``configured`` ($INCIDENT_MAP_CAPTURES_DIR) when given, else
    ``<store file>.captures`` beside a GeoPackage (its target, for a symbolic link); ``None`` for a database store
    without a configured folder."""
    if configured is not None:
        return Path(configured).expanduser()
    if isinstance(location, Path) or not str(location).startswith(("postgresql://", "postgres://")):
        real = Path(os.path.realpath(location))
        return real.with_name(real.name + CAPTURES_SUFFIX)
    return None


def blob_path(root: Path, sha256: str) -> Path:
    return root / "sha256" / sha256[:2] / sha256


def put_blob(root: Path, data: bytes) -> tuple[str, bool]:
    """Store ``data`` under its SHA-256 and return (hex digest, whether it was new). Written to a temporary file in
    the same folder, flushed, then hard-linked to its name (never over an existing file) and made read-only."""
    digest = sha256_hex(data)
    final = blob_path(root, digest)
    if final.exists():
        return digest, False
    final.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=final.parent, prefix=f".{digest[:8]}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        os.chmod(tmp, 0o444)
        try:
            os.link(tmp, final)
        except FileExistsError:  # another process stored the same bytes meanwhile
            return digest, False
    finally:
        os.unlink(tmp)
    return digest, True


def read_blob(root: Path | None, capture: Capture, t: Translator | None = None) -> bytes | None:
    """The bytes of a capture, checked against its SHA-256; ``None`` when this machine does not hold the file."""
    t = t or tr()
    if root is None:
        return None
    path = blob_path(root, capture.sha256)
    if not path.is_file():
        return None
    data = path.read_bytes()
    if sha256_hex(data) != capture.sha256:
        raise CaptureError(t.gettext("the stored copy {path} no longer matches its SHA-256: it was changed on "
                                     "disk").format(path=path))
    return data


# ---- the records ------------------------------------------------------------------------------------------------
def read_captures(store: Store) -> list[Capture]:
    """Every capture of the store, oldest first."""
    return [Capture.from_record(record) for _, record in store.records(CAPTURE).values()]


def captures_by_report(captures: Iterable[Capture]) -> dict[str, list[Capture]]:
    out: dict[str, list[Capture]] = {}
    for c in captures:
        out.setdefault(c.report_id, []).append(c)
    return out


def source_urls(store: Store, report_id: str) -> list[str]:
    """The http(s) URLs of a report's sources, in their order (``StoreError`` when the report is not stored)."""
    found = store.current([report_id])
    if report_id not in found:
        raise StoreError(N_("{id}: no such report in the store"), id=report_id)
    return [s.url for s in parse_sources(found[report_id][1]["sources"]) if is_http_url(s.url)]


def _custody(capture_id: str, action: str, actor: str, at: str, detail: str | None) -> Change:
    event = {"event_id": f"E-{secrets.token_hex(6)}", "capture_id": capture_id, "action": action, "actor": actor,
             "at": at, "detail": detail}
    return Change(event["event_id"], "insert", event, record_type=CUSTODY.name)


def record_captures(store: Store, root: Path, targets: Sequence[tuple[str, str | None]], blobs: Sequence[Blob], *,
                    method: str, author: str, reason: str, archive_url: str | None = None,
                    at: str | None = None) -> tuple[list[Capture], str | None]:
    """Store ``blobs`` once each under ``root`` and record them as captures of every (report id, source URL) of
    ``targets``, with a custody event (``collected`` when fetched, ``attached`` otherwise), in one change set.
    A capture already recorded for the same report, source and bytes is not recorded again. Returns every capture
    (new and already there) and the change set's id (``None`` when nothing was new)."""
    at = at or utc_now()
    existing = {(c.report_id, c.source_url, c.sha256): c for c in read_captures(store)}
    out, changes = [], []
    action = "collected" if method == "fetched" else "attached"
    for blob in blobs:
        digest, _ = put_blob(root, blob.data)
        for report_id, source_url in targets:
            known = existing.get((report_id, source_url, digest))
            if known is not None:
                out.append(known)
                continue
            capture = Capture(capture_id=f"CAP-{secrets.token_hex(6)}", report_id=report_id, source_url=source_url,
                              sha256=digest, size=len(blob.data), media_type=clean_media_type(blob.media_type),
                              url=blob.url,
                              archive_url=archive_url, captured_by=author, captured_at=at, method=method)
            existing[(report_id, source_url, digest)] = capture
            out.append(capture)
            changes.append(Change(capture.capture_id, "insert", capture.to_record(), record_type=CAPTURE.name))
            changes.append(_custody(capture.capture_id, action, author, at, blob.url))
    if not changes:
        return out, None
    checked = CAPTURE.check([c.values for c in changes if c.record_type == CAPTURE.name])
    if len(checked.problems):
        raise CaptureError(N_("the capture was not recorded: {problems}"),
                           problems=partial(problems_said, checked.problems, form=N_("{column} {problem}")))
    applied = store.apply(ChangeSet(kind="capture" if method == "fetched" else "attach", reason=reason,
                                    author=author, changes=changes, at=at,
                                    detail={"url": next((b.url for b in blobs if b.url), None)}))
    return out, applied.changeset_id


def log_exported(store: Store, captures: Sequence[Capture], *, author: str, detail: str,
                 reason: str = EXPORTED) -> str | None:
    """One ``exported`` custody event per capture handed out in an export (``detail``: the file it went with)."""
    if not captures:
        return None
    at = utc_now()
    changes = [_custody(c.capture_id, "exported", author, at, detail) for c in captures]
    return store.apply(ChangeSet(kind="export", reason=reason, author=author, changes=changes, at=at,
                                 detail={"file": detail})).changeset_id


def report_history(store: Store, report_id: str) -> list[HistoryEntry]:
    """The history of a report's captures and of their custody events (oldest first), to show beside its own."""
    ids = [c.capture_id for c in read_captures(store) if c.report_id == report_id]
    events = [key for key, (_, r) in store.records(CUSTODY).items() if r["capture_id"] in set(ids)]
    entries = [e for cid in ids for e in store.history(cid, CAPTURE)]
    entries += [e for eid in events for e in store.history(eid, CUSTODY)]
    return sorted(entries, key=lambda e: (e.at, e.changeset_id, e.record_type != CAPTURE.name))


def custody_line(change: Mapping, t: Translator | None = None) -> str:
    """One line of the custody log for a change of :func:`dashboard.data.engines.editing.history_document` that
    concerns a capture or a custody event: "preserved CAP-… (text/html, 55 bytes), sha256 …" or "custody: exported
    CAP-… (oct2025.pdf)"."""
    t = t or tr()
    record = change.get("record") or {}
    if change.get("record_type") == CAPTURE.name:
        return t.gettext("preserved {id} ({media_type}, {size} bytes), sha256 {sha256}").format(
            id=change["record_id"], media_type=record.get("media_type"), size=record.get("size"),
            sha256=record.get("sha256"))
    action = CUSTODY_WORDS.get(record.get("action"), record.get("action"))
    detail = f" ({record['detail']})" if record.get("detail") else ""
    return t.gettext("custody: {action} {id}").format(action=t.gettext(action), id=record.get("capture_id")) + detail


CUSTODY_WORDS = {"collected": N_("collected"), "attached": N_("attached"), "transferred": N_("transferred"),
                 "exported": N_("exported")}
