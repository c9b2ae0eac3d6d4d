"""The evidence manifest of an export or briefing pack, and its offline check (``incident-map verify``).

A manifest is a JSON file written beside the files it describes (``<file>.manifest.json``, or inside a ZIP pack):
what was selected (the filter sentence and its URL query parameters, or the story), the dataset version, the
incidents with their reports and sources (URLs), the licences and attribution lines of what the files hold and
what the licences left out, the preserved copies of the incidents' sources (``captures``: SHA-256, size, media
type, URLs, when, how; issue 16 item 1), and the name, size and SHA-256 of every file -- the capture copies
exported beside the file (``captures/<sha256>.<ext>``) among them, so :func:`verify` checks them too.

:func:`verify` reads a manifest and the files beside it and lists every file that is missing or differs, by name.
It needs no network and nothing but the manifest and the files (``hashlib`` and ``json`` of the standard library).
"""

from __future__ import annotations

import hashlib
import io
import json
import zipfile
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any
from urllib.parse import urlencode

from dashboard.data.captures import CaptureError, read_blob
from dashboard.data.schema import parse_sources
from dashboard.errors import UserError
from dashboard.export.request import CAPTURE_FOLDER, ExportRequest
from dashboard.i18n import N_, Translator, tr

__all__ = ["FORMAT", "MANIFEST_IN_PACK", "Checked", "build_manifest", "build_pack", "capture_files", "manifest_name",
           "sha256", "verify"]

FORMAT = "segou-incident-map evidence manifest 1"
MANIFEST_IN_PACK = "manifest.json"


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def manifest_name(filename: str) -> str:
    """``oct2025.pdf`` → ``oct2025.pdf.manifest.json``."""
    return f"{filename}.manifest.json"


def _selection(request: ExportRequest) -> dict[str, Any]:
    if request.story is not None:
        return {"kind": "story", "description": request.description(),
                "incident_ids": [s.incident_id for s in request.story.steps]}
    params = request.spec.to_query_params() if request.spec is not None else {}
    return {"kind": "filter", "description": request.description(), "query_params": params,
            "query": "?" + urlencode(params, doseq=True) if params else ""}


def _incidents(request: ExportRequest) -> list[dict[str, Any]]:
    by_incident = request.reports_by_incident()
    out = []
    for r in request.view.to_dict("records"):
        reports = by_incident.get(r["incident_id"], [])
        out.append({
            "incident_id": r["incident_id"],
            "datasets": [d.strip() for d in str(r.get("datasets") or r["dataset"]).split(";") if d.strip()],
            "reports": [{"report_id": x["incident_id"], "dataset": x["dataset"]} for x in reports],
            "sources": [{"organisation": s.organisation, "title": s.title, "url": s.url, "published": s.published}
                        for s in parse_sources(r["sources"])],
        })
    return out


def _captures(request: ExportRequest, files: Mapping[str, bytes]) -> list[dict[str, Any]]:
    """The preserved copies of the exported incidents' sources, with their hashes; ``file`` names the copy when it
    is one of the exported files. Public: who captured is left out."""
    out = []
    for c in request.exported_captures():
        entry = {k: v for k, v in c.to_record().items() if not (request.public and k == "captured_by")}
        entry["bytes"] = entry.pop("size")
        name = CAPTURE_FOLDER + c.file_name
        if name in files:
            entry["file"] = name
        out.append(entry)
    return out


def capture_files(request: ExportRequest, root: Path | None, t: Translator | None = None) -> dict[str, bytes]:
    """The copies of :meth:`ExportRequest.exported_captures` to write beside an export (``captures/<sha256>.<ext>``
    → bytes, each checked against its hash). Refused in public mode, and when this machine lacks a copy."""
    t = t or tr()
    if request.public:
        raise CaptureError(N_("a public export never includes the captured files (only their date and hash)"))
    out = {}
    for c in request.exported_captures():
        data = read_blob(root, c, t)
        if data is None:
            raise CaptureError(N_("{id}: its copy (sha256 {sha256}) is not in the captures folder {root}"),
                               id=c.capture_id, sha256=c.sha256, root=str(root))
        out[CAPTURE_FOLDER + c.file_name] = data
    return out


def build_manifest(request: ExportRequest, files: Mapping[str, bytes]) -> bytes:
    """The manifest of ``files`` (name → bytes, the names as the recipient holds them, beside the manifest) made
    from ``request`` (licensed: the incidents and reports the files hold)."""
    request = request.licensed()
    meta = request.metadata()
    doc: dict[str, Any] = {
        "manifest": FORMAT,
        "generator": meta["generator"],
        "generated_at": meta["generated_at"],
        "title": meta["title"],
        "dataset_version": request.version,
        "selection": _selection(request),
        "public": request.public,
        "include_restricted": request.include_restricted,
        **{k: meta[k] for k in ("warning", "licences", "attribution", "left_out_by_licence", "left_out_counts")
           if k in meta},
        "incidents": _incidents(request),
        "captures": _captures(request, files),
        "files": [{"name": name, "bytes": len(data), "sha256": sha256(data)} for name, data in files.items()],
    }
    return json.dumps(doc, ensure_ascii=False, indent=2).encode("utf-8")


def build_pack(request: ExportRequest, files: Sequence[tuple[str, Callable[[ExportRequest], bytes]]],
               captured: Mapping[str, bytes] | None = None) -> bytes:
    """A ZIP of the files (name, build) made from one request (one time, one selection) and their manifest
    (:data:`MANIFEST_IN_PACK`); unzipped, ``incident-map verify manifest.json`` checks them. ``captured``: the
    capture copies to put in it (:func:`capture_files`)."""
    request = request.licensed()
    built = {name: build(request) for name, build in files} | dict(captured or {})
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as pack:
        for name, data in built.items():
            pack.writestr(name, data)
        pack.writestr(MANIFEST_IN_PACK, build_manifest(request, built))
    return buffer.getvalue()


@dataclass(frozen=True)
class Checked:
    """Each file of a manifest: ``ok`` (name), ``missing`` (name) and ``changed`` (name, what differs)."""

    ok: list[str]
    missing: list[str]
    changed: list[tuple[str, str]]

    @property
    def passed(self) -> bool:
        return not self.missing and not self.changed


class ManifestError(UserError):
    """A file that is not a readable manifest."""


def _entries(doc: Any) -> list[dict]:
    if not isinstance(doc, dict) or doc.get("manifest") != FORMAT or not isinstance(doc.get("files"), list):
        raise ManifestError(N_("not a manifest of this tool (expected {expected} and a files list)"),
                            expected=f'"manifest": "{FORMAT}"')
    entries = []
    for f in doc["files"]:
        name = f.get("name") if isinstance(f, dict) else None
        digest = f.get("sha256") if isinstance(f, dict) else None
        if not isinstance(name, str) or not isinstance(digest, str):
            raise ManifestError(N_('every entry of "files" needs a name and a sha256'))
        pure = PurePosixPath(name)
        if pure.is_absolute() or ".." in pure.parts or "\\" in name or not name.strip():
            raise ManifestError(N_("file name {name}: only names beside the manifest are checked"), name=repr(name))
        entries.append(f)
    return entries


def verify(manifest: Path, t: Translator | None = None) -> Checked:
    """Check every file a manifest lists, looked up beside it: present, same size and same SHA-256 (what differs
    said in ``t``'s language; English without)."""
    t = t or tr()
    try:
        doc = json.loads(manifest.read_bytes())
    except OSError as exc:
        raise ManifestError(N_("cannot read {name}: {why}"), name=manifest.name, why=exc.strerror or str(exc)) from None
    except ValueError:
        raise ManifestError(N_("{name} is not JSON"), name=manifest.name) from None
    ok, missing, changed = [], [], []
    for f in _entries(doc):
        path = manifest.parent / f["name"]
        if not path.is_file():
            missing.append(f["name"])
            continue
        data = path.read_bytes()
        if f.get("bytes") is not None and len(data) != f["bytes"]:
            changed.append((f["name"], t.ngettext("{n} byte, the manifest says {expected}",
                                                   "{n} bytes, the manifest says {expected}", len(data)).format(
                n=t.number(len(data)), expected=f["bytes"])))
        elif sha256(data) != f["sha256"].lower():
            changed.append((f["name"], t.gettext("SHA-256 {digest}, the manifest says {expected}").format(
                digest=sha256(data), expected=f["sha256"])))
        else:
            ok.append(f["name"])
    return Checked(ok=ok, missing=missing, changed=changed)
