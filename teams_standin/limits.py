"""Teams' rate limits for bots: sliding windows per bot per conversation, and per app per tenant.

From Microsoft's "Rate limiting for bots" (learn.microsoft.com/microsoftteams/platform/bots/how-to/
rate-limit): each of send, reply, update, delete, create conversation and member look-ups is
allowed 7 times in 1 s, 8 in 2 s, 60 in 30 s and 1,800 in an hour, per bot per conversation
("thread"); and "the global limit per app per tenant is 30 Requests Per Second (RPS)", for every
request alike. A call over any window gets 429 with Retry-After.
"""

from __future__ import annotations

import math
from collections import defaultdict, deque
from collections.abc import Callable, Hashable, Sequence

# (window in seconds, calls allowed in it)
PER_CONVERSATION_LIMITS: tuple[tuple[float, int], ...] = ((1, 7), (2, 8), (30, 60), (3600, 1800))
PER_TENANT_LIMITS: tuple[tuple[float, int], ...] = ((1, 30),)


class SlidingWindowLimit:
    """Counts admitted calls per key; refused calls are not counted, so a polite retry after
    Retry-After succeeds."""

    def __init__(self, windows: Sequence[tuple[float, int]], clock: Callable[[], float]) -> None:
        self.windows = tuple(sorted(windows))
        self.clock = clock
        self._longest = max(seconds for seconds, _ in self.windows)
        self._admitted: defaultdict[Hashable, deque[float]] = defaultdict(deque)

    def wait(self, key: Hashable) -> float:
        """The seconds until one more call for `key` fits every window (0: it fits now)."""
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
        return wait

    def count(self, key: Hashable) -> None:
        self._admitted[key].append(self.clock())


class TeamsLimits:
    """Both of Teams' limits at once: a call must fit its conversation's windows and its
    tenant's; one refused by either is counted by neither."""

    def __init__(
        self,
        per_conversation: Sequence[tuple[float, int]],
        per_tenant: Sequence[tuple[float, int]] | None,
        clock: Callable[[], float],
    ) -> None:
        self.conversations = (
            SlidingWindowLimit(per_conversation, clock) if per_conversation else None
        )
        self.tenants = SlidingWindowLimit(per_tenant, clock) if per_tenant else None

    def admit(self, conversation: Hashable | None, tenant: Hashable) -> float:
        """0 if the call may go ahead (and is counted), else the seconds until it could."""
        limits = [(self.conversations, conversation), (self.tenants, tenant)]
        applying = [(limit, key) for limit, key in limits if limit is not None and key is not None]
        wait = max((limit.wait(key) for limit, key in applying), default=0.0)
        if wait == 0:
            for limit, key in applying:
                limit.count(key)
        return wait


def retry_after_header(wait: float) -> str:
    """Whole seconds, at least 1, as HTTP's Retry-After is written."""
    return str(max(1, math.ceil(wait)))
