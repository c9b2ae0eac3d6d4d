"""Python's cyclic garbage collector paused while a million geometries are created.

shapely's geometries are objects the collector tracks. Creating a million points for a loaded frame set off
about 1,350 young and 8 full collections, and each full one walks every tracked object alive: the points of the
frames already loaded (two per store version, a million each at 1 M), Streamlit's and the app's own. Measured at
1 M in AppTest sessions (the map page's first run, the store read from its cache): the store's load took 4.2–4.9 s
with the collector running and 2.7–2.8 s with it paused; creating the points alone, in a bare process, 0.47 s
against 0.27 s. The points hold no reference cycle (each is freed by its reference count), so nothing is left
for a collection to find. When the last paused section ends, the collector runs again, first with one full
collection: the points, created while it was paused, would otherwise pass through the generations on the next
page's allocations (measured: the first rerun that draws markers took 1.13–1.41 s instead of 0.54–0.60 s).

Process-wide: ``gc.disable`` has no per-thread form. The pauses are counted, so the frames read in parallel
threads (:func:`dashboard.data.store._read_cache`) resume collection only when both are done, and a collector
that was already disabled stays disabled."""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from contextlib import contextmanager

_lock = threading.Lock()
_pauses = 0
_resume = False  # whether the collector was enabled when the first of the current pauses began


@contextmanager
def paused() -> Iterator[None]:
    """No automatic cyclic collection inside the block (nor in other threads meanwhile)."""
    global _pauses, _resume
    with _lock:
        if _pauses == 0:
            _resume = gc.isenabled()
            gc.disable()
        _pauses += 1
    try:
        yield
    finally:
        with _lock:
            _pauses -= 1
            if _pauses == 0 and _resume:
                gc.enable()
                gc.collect()
