"""Kiosks take their time from the edge server: the header clock follows the heartbeat's server_time."""
from datetime import datetime, timedelta, timezone

from kiosk.api_client import EdgeClient
from kiosk.config import KioskConfig
from kiosk.controller import Controller


def test_the_kiosk_shows_the_edge_time_not_its_own():
    """GIVEN a Pi whose clock is two hours behind the edge WHEN a heartbeat answer arrives THEN the kiosk's time
    is the edge's."""
    client = EdgeClient("http://127.0.0.1:9", "token", 1.0)
    controller = Controller(KioskConfig(), client=client, post=lambda fn: fn())
    try:
        assert abs((controller.edge_now() - datetime.now(timezone.utc)).total_seconds()) < 2  # nothing learnt yet
        edge_time = datetime.now(timezone.utc) + timedelta(hours=2)
        client.check_clock(edge_time.isoformat())
        assert abs((controller.edge_now() - edge_time).total_seconds()) < 2
    finally:
        controller.executor.shutdown(wait=False)
