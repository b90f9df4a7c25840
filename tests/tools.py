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


def stop_waitress(httpd, thread, timeout: float = 5.0) -> None:
    """Close a waitress server started on `thread` (``httpd.run``) from its own loop, then wait for the thread.

    Closed from the test's thread, its sockets were pulled out from under the loop's select, which then failed in
    that thread (EBADF, reported by pytest as an unhandled thread exception). The client connections still open
    are closed too, so the loop, which runs while it has any, ends at once."""

    def close_all() -> None:
        for channel in list(httpd._map.values()):
            if channel is not httpd and channel is not httpd.trigger:
                channel.close()
        httpd.close()

    httpd.trigger.pull_trigger(close_all)
    thread.join(timeout)
