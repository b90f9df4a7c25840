"""Walk-in tickets printed on the counter's printer, and reprints of tickets whose kiosk print failed."""
from dataclasses import replace

import pytest

from drivers.virtual import decode_escpos  # noqa: F401  (the virtual printer's decoder reads what was printed)


@pytest.fixture
def receipts(app, tmp_path):
    """Point the counter printer at a virtual printer and return its folder."""
    folder = tmp_path / "receipts"
    app.extensions["edge_config"] = replace(app.extensions["edge_config"], counter_printer=f"virtual://{folder}")
    return folder


def printed_texts(folder):
    return [p.read_text() for p in sorted(folder.glob("*.txt"), key=lambda p: int(p.stem))]


def test_walk_in_ticket_is_issued_and_printed(staff, receipts):
    r = staff.post("/staff/api/tickets", json={"service": "B", "priority": True})
    assert r.status_code == 201
    body = r.get_json()
    assert body["ticket"]["number"] == "B-001" and body["ticket"]["priority"] is True
    assert body["printed"] is True and body["print_error"] == ""
    texts = printed_texts(receipts)
    assert len(texts) == 1 and "B-001" in texts[0] and "PRIORITAS" in texts[0]


def test_walk_in_with_paper_out_keeps_the_ticket_and_lists_it_for_reprint(app, staff, tmp_path):
    folder = tmp_path / "r"
    cfg = app.extensions["edge_config"]
    app.extensions["edge_config"] = replace(cfg, counter_printer=f"virtual://{folder}?paper=out")
    body = staff.post("/staff/api/tickets", json={"service": "A"}).get_json()
    assert body["printed"] is False and body["print_error"]
    listed = staff.get("/staff/api/tickets/unprinted").get_json()["tickets"]
    assert [t["number"] for t in listed] == ["A-001"]
    app.extensions["edge_config"] = replace(cfg, counter_printer=f"virtual://{folder}")
    again = staff.post(f"/staff/api/tickets/{body['ticket']['id']}/reprint").get_json()
    assert again["printed"] is True
    assert "A-001" in printed_texts(folder)[0]
    assert staff.get("/staff/api/tickets/unprinted").get_json()["tickets"] == []


def test_kiosk_print_failure_shows_up_for_reprint(staff, kiosk, receipts):
    t = kiosk.post("/api/v1/tickets", json={"service": "A"}).get_json()["ticket"]
    kiosk.post(f"/api/v1/tickets/{t['id']}/printed", json={"printed": False, "error": "kertas habis"})
    listed = staff.get("/staff/api/tickets/unprinted").get_json()["tickets"]
    assert listed[0]["id"] == t["id"] and listed[0]["print_error"] == "kertas habis"
    assert staff.post(f"/staff/api/tickets/{t['id']}/reprint").get_json()["printed"] is True
    assert t["number"] in printed_texts(receipts)[0]


def test_without_a_counter_printer_the_ticket_still_exists(staff):
    body = staff.post("/staff/api/tickets", json={"service": "A"}).get_json()
    assert body["ticket"]["number"] == "A-001" and body["printed"] is False
    assert "counter_printer" in body["print_error"]


@pytest.mark.parametrize("payload", [{}, {"service": "AB"}, {"service": "A", "priority": "ya"}])
def test_walk_in_bad_bodies(staff, payload):
    assert staff.post("/staff/api/tickets", json=payload).status_code == 400


def test_reprint_unknown_ticket(staff):
    assert staff.post("/staff/api/tickets/nope/reprint").status_code == 404
