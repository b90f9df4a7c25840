"""A clock that cannot be trusted numbers nothing; NTP, the district or an admin make it trusted again."""
import re
from datetime import date, datetime, timedelta, timezone

import pytest

from edge_server.timekeeping import Timekeeper, assess

NOW = datetime(2026, 11, 28, 3, 0, tzinfo=timezone.utc)


def test_a_date_before_the_build_is_never_trusted():
    verdict = assess(datetime(2025, 1, 1, tzinfo=timezone.utc), last_seen=None, source="ntp",
                     build_date=date(2026, 11, 1))
    assert not verdict.trusted and "sebelum perangkat lunak" in verdict.reason


def test_a_jump_backwards_is_not_trusted():
    verdict = assess(NOW, last_seen=NOW + timedelta(hours=3), source="ntp")
    assert not verdict.trusted and "mundur" in verdict.reason
    assert assess(NOW, last_seen=NOW + timedelta(seconds=30), source="ntp").trusted  # jitter is fine


def test_no_source_since_boot_is_not_trusted():
    assert not assess(NOW, last_seen=None, source=None).trusted
    assert assess(NOW, last_seen=NOW - timedelta(days=1), source="district").trusted


@pytest.fixture
def keeper(app, clock, tmp_path):
    synced = {"ntp": False}
    keeper = Timekeeper(clock, tmp_path / "clock.json", policy="auto", ntp=lambda: synced["ntp"])
    app.extensions["timekeeper"] = keeper
    keeper.synced = synced
    return keeper


def test_untrusted_clock_refuses_tickets_with_a_plain_503(keeper, kiosk, clock):
    assert clock.verdict.trusted is False
    r = kiosk.post("/api/v1/tickets", json={"service": "A"})
    assert r.status_code == 503 and r.get_json()["error"]["code"] == "clock_untrusted"
    assert "Jam server" in r.get_json()["error"]["message"]
    health = kiosk.get("/api/v1/health").get_json()
    assert health["clock"]["trusted"] is False


def test_ntp_synchronisation_makes_it_trusted(keeper, kiosk, clock):
    keeper.synced["ntp"] = True
    assert keeper.refresh().source == "ntp"
    assert kiosk.post("/api/v1/tickets", json={"service": "A"}).status_code == 201


def test_the_clock_jumping_back_stops_numbering_until_confirmed(keeper, kiosk, clock):
    keeper.synced["ntp"] = True
    keeper.refresh()
    assert kiosk.post("/api/v1/tickets", json={"service": "A"}).status_code == 201
    clock.travel(timedelta(hours=-5))  # the Pi rebooted and woke up in the past
    assert keeper.refresh().trusted is False
    assert kiosk.post("/api/v1/tickets", json={"service": "A"}).status_code == 503
    keeper.confirm("district", datetime.now(timezone.utc))
    assert clock.verdict.trusted and clock.verdict.source == "district"
    assert abs((clock.now() - datetime.now(timezone.utc)).total_seconds()) < 5
    assert kiosk.post("/api/v1/tickets", json={"service": "A"}).status_code == 201


def test_admin_confirms_the_time_in_the_console(keeper, staff, kiosk, clock):
    page = staff.get("/staff/").data.decode()
    assert "Jam server belum dapat dipercaya" in page
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    wanted = (datetime.now(timezone.utc) + timedelta(minutes=30)).astimezone(clock.zone)
    r = staff.raw.post("/staff/clock", data={"local_time": wanted.strftime("%Y-%m-%dT%H:%M"), "csrf_token": token})
    assert r.status_code == 302
    assert clock.verdict.trusted and clock.verdict.source == "admin"
    assert abs((clock.now() - wanted).total_seconds()) < 90
    assert "Jam server belum dapat dipercaya" not in staff.get("/staff/").data.decode()
    assert kiosk.post("/api/v1/tickets", json={"service": "A"}).status_code == 201


def test_confirmation_survives_a_restart_but_not_a_reboot(keeper, clock, tmp_path, monkeypatch):
    keeper.confirm("admin")
    again = Timekeeper(clock, tmp_path / "clock.json", ntp=lambda: False)
    assert again.refresh().trusted
    monkeypatch.setattr("edge_server.timekeeping.boot_id", lambda: "another-boot")
    after_reboot = Timekeeper(clock, tmp_path / "clock.json", ntp=lambda: False)
    assert after_reboot.refresh().trusted is False


def test_host_policy_trusts_the_host_clock(clock, tmp_path):
    assert Timekeeper(clock, tmp_path / "c.json", policy="host", ntp=lambda: False).refresh().source == "host"


def test_untrusted_clock_gives_no_letter_number_until_confirmed(keeper, app, clock, demo):
    """GIVEN a letter request WHEN staff approve it while the clock is untrusted THEN it gets no number (503)
    and stays as it was; once the clock is confirmed the same move numbers it."""
    from edge_server.letters import service as letters
    from edge_server.models import LetterRequest, Resident

    keeper.synced["ntp"] = True
    keeper.refresh()
    with app.app_context():
        resident = Resident.select().where(Resident.active == True).first()  # noqa: E712
        letter = letters.create_request(resident, "S-41", {"keperluan": "Melamar kerja"}, clock=clock)
        keeper.synced["ntp"] = False
        keeper.confirm("admin")  # fine so far
        clock.travel(timedelta(hours=-3))
        keeper.refresh()
        assert not clock.verdict.trusted
        from edge_server.clock import ClockUntrusted

        with pytest.raises(ClockUntrusted):
            letters.change_status(letter.id, 2, clock=clock, actor="admin")
        assert LetterRequest.get_by_id(letter.id).letter_number is None
        keeper.confirm("admin", datetime.now(timezone.utc))
        numbered = letters.change_status(letter.id, 2, clock=clock, actor="admin")
        assert numbered.letter_number and numbered.letter_number.startswith("S-41/001/")
