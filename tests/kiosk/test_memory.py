"""A visit's garbage is freed when the visit ends, not whenever the cycle collector next gets round to it."""
from __future__ import annotations

import gc
import weakref

from kiosk import memory


class _Tile:
    """Stands in for a widget: Kivy widgets and their parents refer to each other, a cycle."""

    def __init__(self):
        self.parent = self


def test_the_end_of_a_visit_frees_its_cycles():
    was_enabled = gc.isenabled()
    gc.disable()  # as between two automatic collections
    try:
        tile = _Tile()
        gone = weakref.ref(tile)
        del tile
        assert gone() is not None  # a cycle: reference counting alone does not free it
        memory.release_visit_memory()
        assert gone() is None
    finally:
        if was_enabled:
            gc.enable()


def test_startup_objects_are_frozen_out_of_later_collections():
    before = gc.get_freeze_count()
    keep = [_Tile() for _ in range(100)]
    try:
        memory.freeze_startup_objects()
        assert gc.get_freeze_count() >= before + 100
    finally:
        gc.unfreeze()
        del keep
