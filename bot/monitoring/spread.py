"""When a large prompt fan-out starts, so that people are asked close to their own moment.

The sender delivers `chat.postMessage` at the workspace's budget (`KINERJA_SLACK_RATE_PER_SECOND`,
default 5 per second), so N prompts due at the same moment T take N / rate seconds to go out:
10,000 at 5/s is 33 minutes. Enqueued at T, the last person would be asked half an hour late.

The rule: a fan-out of N prompts due at T is spread over N / rate seconds centred on T. Its
rows are enqueued from T - N / (2 * rate) on (by the tick before that instant), each with its
own slot (`next_attempt_at`): the i-th person (by employee id) at start + i / rate. Nobody is
then asked more than N / (2 * rate) before or after their moment, instead of up to N / rate
after it. Bounds:

- a lead under `MIN_LEAD` (one minute: fewer than 120 people at 1/s, 600 at 5/s) is no lead at
  all: the prompts are enqueued at T, due at once, exactly as a small fan-out always was;
- the lead is at most `MAX_LEAD` (30 minutes): nobody is asked more than half an hour early,
  however large the organisation (beyond 18,000 people at 5/s the spread runs later instead);
- never before the start of the working day (09:00 local on the prompt day): a 09:00 moment
  starts at 09:00 and runs later;
- when the spread would run past the end of the prompt window (18:00 local, for a moment late
  in the afternoon) it starts earlier instead, still within the two bounds above.

A rate of 0 (the sender does not pace) spreads nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

MIN_LEAD = timedelta(minutes=1)
MAX_LEAD = timedelta(minutes=30)
# Ticks come a minute apart, so the rows are enqueued up to one tick before the first slot:
# enqueued at the first tick after it, the slots already passed would all be due at once and
# the whole fan-out would run that much late.
TICK = timedelta(minutes=1)


@dataclass(frozen=True)
class Spread:
    """The slots of one fan-out: the first at `start`, then one every `interval`."""

    start: datetime
    interval: timedelta

    def slot(self, index: int) -> datetime:
        return self.start + self.interval * index


def fanout_length(people: int, rate: float) -> timedelta:
    """How long `people` messages take at `rate` per second (zero when nothing paces)."""
    if rate <= 0 or people <= 0:
        return timedelta(0)
    return timedelta(seconds=people / rate)


def spread_for(
    moment: datetime, people: int, rate: float, day_start: datetime, day_end: datetime
) -> Spread | None:
    """The spread of `people` prompts due at `moment`, or None when they all go at the moment
    (see the module docstring). `day_start` and `day_end` bound the prompt day's window."""
    length = fanout_length(people, rate)
    if length / 2 < MIN_LEAD:
        return None
    earliest = max(moment - MAX_LEAD, day_start)
    start = moment - min(length / 2, MAX_LEAD)
    if start + length > day_end:
        start = day_end - length
    return Spread(max(start, earliest), timedelta(seconds=1 / rate))


def opens_at(moment: datetime, spread: Spread | None) -> datetime:
    """When the prompt window opens: a tick before the spread's first slot (nobody is sent
    anything before their slot), else the moment itself."""
    return moment if spread is None else min(moment, spread.start - TICK)
