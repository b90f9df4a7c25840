"""Retry delays: exponential backoff with jitter, capped (pure)."""
from __future__ import annotations

import random


def backoff_delay(failures: int, base: float, cap: float, rand: random.Random | None = None) -> float:
    """Seconds to wait after `failures` failures in a row ("equal jitter": half fixed, half random).

    The fixed half keeps a dead hub from being hammered; the random half keeps 300 villages that lost the
    same uplink from all coming back in the same second.
    """
    if failures <= 0:
        return 0.0
    rand = rand or random
    ceiling = min(cap, base * (2 ** min(failures - 1, 30)))
    return ceiling / 2 + rand.uniform(0, ceiling / 2)
