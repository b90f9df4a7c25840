"""The cold start builds the home screen alone; every other screen is built the first time it is shown, and kept.
Once the home screen is up, the GL driver's shader compiler hands its code pages back (kiosk/memory.py).

In a fresh process: the session's app (conftest) has shown most screens by the time this would run."""
from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

CHILD = """
import json, sys
from tests.kiosk.harness import EdgeProcess, start_kiosk
from tests.kiosk.test_memory import _resident_file_kib
from kiosk import app as kiosk_app, memory

def compiler_resident_mib():
    paths = {line.split()[5] for line in open("/proc/self/maps") if len(line.split()) == 6
             and line.split()[5].rsplit("/", 1)[-1].startswith(memory.COMPILER_LIBRARIES)}
    return sum(_resident_file_kib(path) for path in paths) / 1024

edge = EdgeProcess(sys.argv[2], port=int(sys.argv[1].rsplit(":", 1)[1]))
edge.load_demo()
kiosk = start_kiosk(edge, sys.argv[3])
seen = {"at_start": list(kiosk.app.sm.screen_names), "compiler_at_start": compiler_resident_mib()}
kiosk.pump(kiosk_app.CODE_RELEASE_DELAY + 0.5)
seen["compiler_once_home_is_up"] = compiler_resident_mib()
kiosk.tap_text("Ambil Nomor Antrian")
kiosk.wait_until(lambda: kiosk.current == "queue" and kiosk.screen.services, what="services")
first = kiosk.screen
kiosk.tap_text("Beranda")
kiosk.tap_text("Ambil Nomor Antrian")
kiosk.wait_until(lambda: kiosk.current == "queue" and kiosk.screen.services, what="services again")
seen.update(after=list(kiosk.app.sm.screen_names), same=kiosk.screen is first)
print(json.dumps(seen), flush=True)
kiosk.close()
"""


@pytest.fixture(scope="module")
def fresh_kiosk(edge, tmp_path_factory):
    """What a kiosk started in a process of its own saw (CHILD)."""
    tmp = tmp_path_factory.mktemp("fresh-kiosk")
    env = {**os.environ, "KIVY_HOME": str(tmp / "kivy")}
    done = subprocess.run([sys.executable, "-c", textwrap.dedent(CHILD), edge.url, edge.data_dir, str(tmp)],
                          cwd=ROOT, env=env, capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr[-2000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_only_the_home_screen_is_built_at_start_and_each_other_when_first_shown(fresh_kiosk):
    assert {key: fresh_kiosk[key] for key in ("at_start", "after", "same")} == {
        "at_start": ["home"], "after": ["home", "queue"], "same": True}


def test_the_shader_compiler_s_code_is_handed_back_once_the_home_screen_is_up(fresh_kiosk):
    # Offscreen here, Mesa's llvmpipe compiles the first frames' shaders with libLLVM: its code is then resident.
    assert fresh_kiosk["compiler_at_start"] > 8, "the GL driver here should map libLLVM and have run it"
    assert fresh_kiosk["compiler_once_home_is_up"] < 2
