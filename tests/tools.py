"""Markers for tests that need a Debian tool `make setup` installs."""
from __future__ import annotations

import os
import shutil

import pytest


def requires(tool: str) -> pytest.MarkDecorator:
    """Skip on a developer's machine that lacks `tool`; in CI (CI=true, where `make setup` installed it) the
    test always runs, so a missing tool fails it instead of hiding it."""
    return pytest.mark.skipif(shutil.which(tool) is None and not os.environ.get("CI"),
                              reason=f"{tool} not installed (`make setup` installs it)")
