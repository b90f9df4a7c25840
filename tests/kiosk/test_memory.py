"""A visit's garbage is freed when the visit ends, not whenever the cycle collector next gets round to it."""
from __future__ import annotations

import gc
import mmap
import os
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


def _resident_file_kib(path: str) -> int:
    """Resident pages of ``path``'s mappings that are the file's own (not copied on write), in KiB."""
    resident, mapping = 0, None
    with open("/proc/self/smaps", encoding="utf-8") as fh:
        for line in fh:
            fields = line.split()
            if not fields[0].endswith(":"):
                mapping = fields[5] if len(fields) > 5 else ""
            elif mapping == path and fields[0] == "Rss:":
                resident += int(fields[1])
            elif mapping == path and fields[0] == "Anonymous:":
                resident -= int(fields[1])
    return resident


def test_a_library_s_code_pages_are_handed_back_and_read_again_when_used(tmp_path):
    path = tmp_path / "libcompiler-test.so.1"
    content = os.urandom(8 << 20)
    with open(path, "wb") as fh:
        fh.write(content)
        fh.flush()
        os.fsync(fh.fileno())  # clean pages, as a library's are
    with open(path, "rb") as fh, mmap.mmap(fh.fileno(), 0, prot=mmap.PROT_READ, flags=mmap.MAP_PRIVATE) as code:
        assert sum(code[i] for i in range(0, len(code), mmap.PAGESIZE)) >= 0  # run through every page
        assert _resident_file_kib(str(path)) >= 8 * 1024 - 64

        advised = memory.release_code_pages(("libcompiler-test",))

        assert advised == len(content)
        assert _resident_file_kib(str(path)) < 1024
        assert code[:] == content  # nothing lost: the pages come back from the file
        assert memory.release_code_pages(("no-such-library",)) == 0


def test_the_end_of_a_visit_hands_the_shader_compiler_s_code_back(monkeypatch):
    asked = []
    monkeypatch.setattr(memory, "release_code_pages", lambda prefixes=memory.COMPILER_LIBRARIES: asked.append(prefixes))
    memory.release_visit_memory()
    assert asked == [("libLLVM", "libz3")]
