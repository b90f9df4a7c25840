"""A device's state on the hub is its newest `device.status`: per batch, across batches, per device and village."""
from __future__ import annotations

from tests.district.helpers import make_event

CODE, OTHER = "33.17.09.2016", "33.17.09.2001"


def status(seq: int, device_id: int, **data) -> dict:
    return make_event(seq, "device.status", device_id=device_id, device=f"Kios {device_id}", kind="kiosk", **data)


def states(hub) -> dict[tuple[str, int], tuple]:
    with hub.app.app_context():
        from district.models import DeviceState

        return {(row.village_code, row.device_id): (row.seq, row.device, row.kind, row.online, row.printer_online,
                                                   row.paper, row.scanner_connected)
                for row in DeviceState.select()}


def test_the_newest_status_of_each_device_is_kept(hub):
    first = [status(1, 1, online=True, printer={"online": True, "paper": "ok"}, scanner={"connected": True}),
             make_event(2, "ticket.issued"),
             status(3, 2, online=True),
             status(4, 1, online=True, printer={"online": True, "paper": "low"}, scanner={"connected": False})]
    assert hub.post_batch(CODE, first).status_code == 200
    assert hub.post_batch(OTHER, [status(1, 1, online=False)]).status_code == 200
    assert states(hub) == {
        (CODE, 1): (4, "Kios 1", "kiosk", True, True, "low", False),  # the batch's newer of two
        (CODE, 2): (3, "Kios 2", "kiosk", True, None, "unknown", None),  # nothing said: unknown
        (OTHER, 1): (1, "Kios 1", "kiosk", False, None, "unknown", None),  # another village's device 1
    }

    later = [status(5, 1, online=False, printer={"online": False, "paper": "out"}),
             status(6, 2, online=True, printer={"online": "yes", "paper": "ok"})]  # not a bool: unknown
    assert hub.post_batch(CODE, later).status_code == 200
    assert states(hub)[(CODE, 1)] == (5, "Kios 1", "kiosk", False, False, "out", None)
    assert states(hub)[(CODE, 2)] == (6, "Kios 2", "kiosk", True, None, "ok", None)

    assert hub.post_batch(CODE, later).status_code == 200  # sent again: stored once, nothing changes
    assert states(hub)[(CODE, 1)] == (5, "Kios 1", "kiosk", False, False, "out", None)
    assert len(states(hub)) == 3


def test_an_older_status_arriving_late_changes_nothing(hub):
    """Batches can arrive out of order (a retry of an earlier one after a later one went through): the hub stores
    both, and the device keeps the newer state."""
    assert hub.post_batch(CODE, [make_event(4, "ticket.issued"), status(5, 1, online=False)]).status_code == 200
    assert hub.post_batch(CODE, [status(2, 1, online=True), make_event(3, "ticket.issued")]).status_code == 200
    assert states(hub)[(CODE, 1)][:4] == (5, "Kios 1", "kiosk", False)
