"""A server-wide budget of expensive builds: at most ``per_minute`` in any 60-second window, for all visitors.

A public server offers the PDF briefing to anyone; each build holds a core for seconds. The budget is shared by
every session of the server process (the UI keeps one instance, see ``dashboard/ui/cache.py``), so opening more
sessions does not buy more builds. Pure: the caller passes the time (``time.monotonic()``).
"""

from __future__ import annotations

import threading
from collections import deque

__all__ = ["RateLimit"]

WINDOW_S = 60.0


class RateLimit:
    """At most ``per_minute`` events in any :data:`WINDOW_S` window; thread-safe."""

    def __init__(self, per_minute: int) -> None:
        if per_minute < 1:
            raise ValueError("per_minute must be at least 1")
        self.per_minute = per_minute
        self._times: deque[float] = deque()
        self._lock = threading.Lock()

    def _forget(self, now: float) -> None:
        while self._times and self._times[0] <= now - WINDOW_S:
            self._times.popleft()

    def wait(self, now: float) -> float:
        """Seconds until an event may happen (0 when one may happen now); takes nothing."""
        with self._lock:
            self._forget(now)
            if len(self._times) < self.per_minute:
                return 0.0
            return self._times[0] + WINDOW_S - now

    def take(self, now: float) -> bool:
        """Count one event now if the budget allows it; ``False`` (nothing counted) otherwise."""
        with self._lock:
            self._forget(now)
            if len(self._times) >= self.per_minute:
                return False
            self._times.append(now)
            return True
