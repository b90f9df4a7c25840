"""The cold start builds the home screen alone; every other screen is built the first time it is shown, and kept.

In a fresh process: the session's app (conftest) has shown most screens by the time this would run."""
from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

CHILD = """
import json, sys
from tests.kiosk.harness import EdgeProcess, start_kiosk
edge = EdgeProcess(sys.argv[2], port=int(sys.argv[1].rsplit(":", 1)[1]))
edge.load_demo()
kiosk = start_kiosk(edge, sys.argv[3])
seen = {"at_start": list(kiosk.app.sm.screen_names)}
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


def test_only_the_home_screen_is_built_at_start_and_each_other_when_first_shown(edge, tmp_path):
    env = {**os.environ, "KIVY_HOME": str(tmp_path / "kivy")}
    done = subprocess.run([sys.executable, "-c", textwrap.dedent(CHILD), edge.url, edge.data_dir, str(tmp_path)],
                          cwd=ROOT, env=env, capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr[-2000:]
    seen = json.loads(done.stdout.strip().splitlines()[-1])
    assert seen == {"at_start": ["home"], "after": ["home", "queue"], "same": True}
