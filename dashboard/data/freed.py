"""Memory the process has freed handed back to the system between the stages of a cold load (:func:`give_back`).

Freed memory is kept by the allocator that served it, for its own next requests: Arrow's pool (mimalloc) keeps what
the frames' texts used, and C's ``malloc`` the top of its heap, what numpy's arrays used. Neither serves the other,
so a stage that allocates from one does not reuse what the last stage freed in the other, and the peak counts both.
Measured on a million-incident store after an import linked some of its reports, as the search index build started
(the frames let go, the searched columns alone held, 489 MB): the process held 2,030 MB; after Arrow's pool released
what it kept unused, 1,538 MB; after ``malloc_trim``, 1,022 MB (docs/benchmarks.md, "The empty columns shared, freed
memory handed back"). Both are the libraries' own calls; ``malloc_trim`` is glibc's (where the C library has none,
e.g. musl or macOS, only Arrow's pool is asked)."""

from __future__ import annotations

import ctypes
import ctypes.util

import pyarrow as pa


def _malloc_trim():
    try:
        return ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6").malloc_trim
    except (OSError, AttributeError):
        return None


_TRIM = _malloc_trim()


def give_back() -> None:
    """Hand back to the system what Arrow's pool and C's heap keep unused (nothing live is moved or freed)."""
    pa.default_memory_pool().release_unused()
    if _TRIM is not None:
        _TRIM(0)
