"""Every screen at the four panel sizes: saved (to a temporary folder; `make screenshots` writes docs/screenshots/)
and checked for cut-off text, widgets outside the window and touch targets that are too small."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from tests.kiosk.harness import ROOT

pytestmark = pytest.mark.edge
# Every screen at the two sizes the docs show; at the other two, the screens most likely to break, because
# software GL on a small CI machine makes each large frame slow.
SIZES = {"800x480": "", "1920x1080": "",
         "1024x600": "home,queue,ticket-no-paper,identify-pin,letters,letter-form,letter-form-choices",
         "1080x1920": "home,queue,ticket-no-paper,identify-pin,letters,letter-form,letter-form-choices,"
                      "letter-review,status,countdown"}


def test_every_screen_at_every_size(edge, village_info, tmp_path):
    env = dict(os.environ, SDL_VIDEODRIVER="offscreen")
    env.setdefault("ANJUNGAN_SCREENSHOT_DIR", str(tmp_path / "shots"))
    runs: dict[str, subprocess.Popen] = {}
    problems: list[str] = []
    for size, only in SIZES.items():
        receipts = tmp_path / f"receipts-{size}"
        receipts.mkdir()
        runs[size] = subprocess.Popen(  # one process per size: an offscreen window cannot be resized
            [sys.executable, "-m", "tests.kiosk.screenshots", "--edge-url", edge.url, "--data-dir",
             edge.data_dir, "--size", size, "--receipts", str(receipts), "--only", only],
            cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        if len(runs) % 2 == 0:  # two at a time: software GL rendering is CPU-bound
            problems += finish(runs)
    problems += finish(runs)
    assert not problems, "\n".join(problems)


def finish(runs: dict[str, subprocess.Popen]) -> list[str]:
    """Wait for the running walkers; check their screenshots; return the layout problems they found."""
    problems = []
    for size, run in list(runs.items()):
        out, err = run.communicate(timeout=150)
        assert run.returncode == 0, f"{size}:\n{err[-3000:]}"
        result = json.loads(out.strip().splitlines()[-1])
        assert len(result["shots"]) >= (18 if not SIZES[size] else len(SIZES[size].split(",")))
        for path in result["shots"]:
            assert path.endswith(f"-{size}.png") and os.path.getsize(path) > 5000
        problems += [f"{size} {p}" for p in result["problems"]]
        del runs[size]
    return problems
