"""How fast, and in how much memory, an import over a limit is refused (issue 21): the time until
`incident-map import` exits with the limit named, and the peak memory of that process.

    python benchmarks/refusals.py [--rows 250000] [--json]

Writes, in a temporary folder, three files a careless or hostile user could hand the Data page or the CLI, each
over one default limit of :class:`dashboard.settings.Limits`: a file larger than ``upload_mb`` (the size is read
before any byte of the content), a file under that size with more rows than ``import_rows`` (the rows must be
counted), and a file with more columns than ``import_columns``. Each is imported into a throw-away copy of the
bundled store by the CLI in a child process (the Data page runs the same import in a child: ``import_job``); the
child's peak resident memory comes from ``os.wait4``. Prints, per file, its size, the exit code, the seconds and the
peak RSS, and checks that the refusal names the limit and that the store is byte-identical afterwards (exit code 1
otherwise). Nothing in the test suite asserts these figures (``docs/benchmarks.md`` states them).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from dashboard.settings import Limits


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _cases(folder: Path, rows: int, limits: Limits) -> list[tuple[str, Path, str]]:
    """(what, file, words the refusal must contain)."""
    big = folder / "big.csv"
    with big.open("wb") as f:  # a valid header, then more bytes than the limit (the size is checked first)
        f.write(b"incident_id,date_start,location\n")
        f.truncate(limits.upload_mb * 2**20 + 2**20)
    many = folder / "many.csv"  # short rows: under the size limit, over the row limit
    many.write_text("incident_id,date_start,location\n" + "".join(f"R{i},2025-10-02,Kamona\n" for i in range(rows)))
    wide = folder / "wide.csv"
    n = limits.import_columns * 4
    wide.write_text(",".join(f"c{i}" for i in range(n)) + "\n" + ",".join("1" * n) + "\n")
    return [(f"over the size limit ({limits.upload_mb} MB)", big, "limit"),
            (f"over the row limit ({limits.import_rows:,} rows)", many, "limit"),
            (f"over the column limit ({limits.import_columns})", wide, "limit")]


def measure(rows: int) -> list[dict]:
    limits = Limits()
    cli = Path(sys.executable).with_name("incident-map")
    out = []
    with tempfile.TemporaryDirectory(prefix="refusals-") as tmp:
        folder = Path(tmp)
        store = folder / "store.gpkg"
        subprocess.run([str(cli), "stats", "--store", str(store)], check=True, capture_output=True)  # create it
        for what, path, words in _cases(folder, rows, limits):
            before = _sha(store)
            started = time.monotonic()
            proc = subprocess.Popen([str(cli), "import", str(path), "--store", str(store)],
                                    stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
            _, status, usage = os.wait4(proc.pid, 0)
            seconds = time.monotonic() - started
            message = proc.stdout.read()
            proc.stdout.close()
            out.append({"case": what, "file_mb": round(path.stat().st_size / 2**20, 1),
                        "exit": os.waitstatus_to_exitcode(status), "seconds": round(seconds, 2),
                        "peak_rss_mb": round(usage.ru_maxrss / 1024), "named": words in message,
                        "store_unchanged": _sha(store) == before, "message": " ".join(message.split())[-200:]})
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=Limits().import_rows + 50_000,
                        help="rows of the file over the row limit (default: the limit + 50,000)")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    results = measure(args.rows)
    if args.json:
        print(json.dumps(results, indent=2))
    else:
        print(f"{'file':<38} {'MB':>6} {'exit':>4} {'s':>6} {'peak RSS MB':>11}  limit named, store unchanged")
        for r in results:
            print(f"{r['case']:<38} {r['file_mb']:>6} {r['exit']:>4} {r['seconds']:>6} {r['peak_rss_mb']:>11}  "
                  f"{r['named']}, {r['store_unchanged']}")
            print(f"    {r['message']}")
    return 0 if all(r["named"] and r["store_unchanged"] and r["exit"] == 2 for r in results) else 1


if __name__ == "__main__":
    raise SystemExit(main())
