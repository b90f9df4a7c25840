"""Kiosk test harness: Kivy offscreen at a fixed size with no real input, a real edge server process with demo
data, and the virtual printer. The app runs once per session in this process and is driven by taps and scans.

Nothing here skips: a missing Kivy or edge server fails the tests, so CI cannot pass by accident.
"""

from __future__ import annotations

import os
import tempfile

os.environ.setdefault("SDL_VIDEODRIVER", "offscreen")
os.environ["KIVY_NO_ARGS"] = "1"
os.environ.setdefault("KIVY_LOG_MODE", "PYTHON")  # tracebacks reach stderr, not a swallowed Kivy log
os.environ["KIVY_NO_CONSOLELOG"] = "1"
os.environ["KIVY_NO_FILELOG"] = "1"
os.environ.setdefault("KIVY_HOME", tempfile.mkdtemp(prefix="kivy-home-"))

import pytest

from tests.kiosk.harness import EdgeProcess, KioskDriver, compile_catalogues, start_kiosk


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "edge: needs the real edge server process (python -m edge_server)")


@pytest.fixture(scope="session")
def edge(tmp_path_factory: pytest.TempPathFactory):
    """A real edge server with demo data on a free port; stopped at the end of the session."""
    server = EdgeProcess(str(tmp_path_factory.mktemp("edge")))
    server.start()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def village_info(edge: EdgeProcess):
    """Announcements, office hours, cameras, links and the profile, written into the edge as staff would."""
    from tests.kiosk.village_info import CameraServer, seed

    cameras = CameraServer()
    yield seed(edge.data_dir, cameras)
    cameras.stop()


@pytest.fixture(scope="session")
def kiosk_session(edge: EdgeProcess, tmp_path_factory: pytest.TempPathFactory):
    compile_catalogues()
    receipts = str(tmp_path_factory.mktemp("receipts"))
    driver = start_kiosk(edge, receipts)
    yield driver
    driver.close()


@pytest.fixture
def kiosk(kiosk_session: KioskDriver) -> KioskDriver:
    """The running kiosk, back home with nobody identified, a working printer and an 800x480 window."""
    kiosk_session.reset()
    return kiosk_session
