"""The hub's clock: the shared `anjungan_core.clock.Clock` in the regency's zone, injected into `create_app`
(tests pass one they can move); every "now" of the hub comes from here."""
from __future__ import annotations

from flask import current_app

from anjungan_core.clock import Clock

__all__ = ["Clock", "clock"]


def clock() -> Clock:
    """The running app's clock."""
    return current_app.extensions["clock"]
