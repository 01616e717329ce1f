"""Teams' rate limits for bots: sliding windows per bot per conversation.

From Microsoft's "Rate limiting for bots": each of send, reply, update, delete, create
conversation and member look-ups is allowed 7 times in 1 s, 8 in 2 s, 60 in 30 s and 1,800 in an
hour, per bot per conversation ("thread"). A call over any window gets 429 with Retry-After.
"""

from __future__ import annotations

import math
from collections import defaultdict, deque
from collections.abc import Callable, Hashable, Sequence

# (window in seconds, calls allowed in it)
PER_CONVERSATION_LIMITS: tuple[tuple[float, int], ...] = ((1, 7), (2, 8), (30, 60), (3600, 1800))


class SlidingWindowLimit:
    """Counts admitted calls per key; refused calls are not counted, so a polite retry after
    Retry-After succeeds."""

    def __init__(self, windows: Sequence[tuple[float, int]], clock: Callable[[], float]) -> None:
        self.windows = tuple(sorted(windows))
        self.clock = clock
        self._longest = max(seconds for seconds, _ in self.windows)
        self._admitted: defaultdict[Hashable, deque[float]] = defaultdict(deque)

    def admit(self, key: Hashable) -> float:
        """0 if the call may go ahead (and is counted), else the seconds until it could."""
        now = self.clock()
        times = self._admitted[key]
        while times and times[0] <= now - self._longest:
            times.popleft()
        wait = 0.0
        for seconds, allowed in self.windows:
            recent = [t for t in times if t > now - seconds]
            if len(recent) >= allowed:
                # The oldest calls must leave the window until one slot is free again.
                wait = max(wait, recent[len(recent) - allowed] + seconds - now)
        if wait > 0:
            return wait
        times.append(now)
        return 0.0


def retry_after_header(wait: float) -> str:
    """Whole seconds, at least 1, as HTTP's Retry-After is written."""
    return str(max(1, math.ceil(wait)))
