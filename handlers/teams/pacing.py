"""The bot keeps to Teams' rate limits itself, so that a big sweep is rarely answered 429.

Teams allows each bot 7 calls in 1 s, 8 in 2 s, 60 in 30 s and 1,800 an hour per conversation,
and each app 30 calls a second per tenant (Microsoft's "Rate limiting for bots"). Before each
call the pacer waits until one more fits every window of the call's conversation and tenant.

Teams counts a call when it arrives; the bot cannot see that moment, only that it lies between
sending and the answer. So a call is counted from when its answer came back (never earlier than
Teams counted it), and is checked against the moment it is sent (never later than Teams will
count it): a window the pacer says is free is free at Teams too, whatever the network's delay.
"""

import asyncio
import time
from collections import defaultdict, deque
from collections.abc import AsyncIterator, Awaitable, Callable, Hashable, Sequence
from contextlib import asynccontextmanager

Windows = Sequence[tuple[float, int]]  # (seconds, calls allowed in them)

PER_CONVERSATION: Windows = ((1, 7), (2, 8), (30, 60), (3600, 1800))
PER_TENANT: Windows = ((1, 30),)


class Pacer:
    """One per delivery. Calls take turns: a turn lasts from the wait until the answer, so what
    each window holds is always known exactly."""

    def __init__(
        self,
        per_conversation: Windows = PER_CONVERSATION,
        per_tenant: Windows = PER_TENANT,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        self.limits = {"conversation": tuple(per_conversation), "tenant": tuple(per_tenant)}
        self.clock = clock
        self.sleep = sleep
        self._answered: defaultdict[Hashable, deque[float]] = defaultdict(deque)
        self._turn = asyncio.Lock()

    @asynccontextmanager
    async def turn(self, conversation: str, tenant: str) -> AsyncIterator[None]:
        """Wait until a call to `conversation` in `tenant` fits, then make it inside the block."""
        keys = [("conversation", conversation), ("tenant", tenant)]
        async with self._turn:
            while (wait := max(self._wait(key) for key in keys)) > 0:
                await self.sleep(wait)
            try:
                yield
            finally:
                answered = self.clock()
                for key in keys:
                    self._answered[key].append(answered)

    def _wait(self, key: tuple[str, str]) -> float:
        windows = self.limits[key[0]]
        if not windows:
            return 0.0
        now = self.clock()
        times = self._answered[key]
        longest = max(seconds for seconds, _ in windows)
        while times and times[0] <= now - longest:
            times.popleft()
        wait = 0.0
        for seconds, allowed in windows:
            inside = [t for t in times if t > now - seconds]
            if len(inside) >= allowed:
                wait = max(wait, inside[-allowed] + seconds - now)
        return wait
