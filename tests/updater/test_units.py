"""anjungan-update.service and .timer pass `systemd-analyze verify` (as installed: ExecStart names a real python)."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from tests.tools import requires

UNITS = Path(__file__).resolve().parents[2] / "systemd"


@requires("systemd-analyze")
def test_update_units_verify(tmp_path):
    for name in ("anjungan-update.service", "anjungan-update.timer"):
        text = (UNITS / name).read_text().replace("/opt/anjungan/venv/bin/python", sys.executable)
        text = text.replace("/opt/anjungan/current/bin/python", sys.executable)
        (tmp_path / name).write_text(text)
    result = subprocess.run(["systemd-analyze", "verify", "--man=no", str(tmp_path / "anjungan-update.service"),
                             str(tmp_path / "anjungan-update.timer")], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert "anjungan-update" not in result.stderr, result.stderr
