"""Importing the drivers does no I/O: no device, no temp dir, no logging set-up in the host program."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

PROBE = """
import json, logging, pkgutil, importlib, sys, threading
import drivers
names = [m.name for m in pkgutil.walk_packages(drivers.__path__, "drivers.") if m.name != "drivers.__main__"]
for name in names:
    importlib.import_module(name)
from drivers.printer import open_printer
open_printer("tcp://127.0.0.1:9")  # building a printer does not connect
print(json.dumps({"modules": len(names), "root_handlers": len(logging.root.handlers),
                  "capabilities": "escpos.capabilities" in sys.modules, "threads": threading.active_count()}))
"""


def test_imports_have_no_side_effects(tmp_path):
    env = {**os.environ, "TMPDIR": str(tmp_path)}
    result = subprocess.run([sys.executable, "-c", PROBE], capture_output=True, text=True, cwd=ROOT, env=env,
                            timeout=60, check=False)
    assert result.returncode == 0, result.stderr
    facts = json.loads(result.stdout)
    assert facts["modules"] >= 20
    assert facts == {**facts, "root_handlers": 0, "capabilities": False, "threads": 1}
    assert list(tmp_path.iterdir()) == []
    assert result.stderr == ""
