"""The hub's public pages (/t, /s, /verifikasi) from signed batches, on SQLite and on PostgreSQL."""
from __future__ import annotations

import re
import secrets
from datetime import datetime, timedelta, timezone

import pytest

from district.privacy import identity_leak, is_masked
from district.public.views import token_digest
from tests.district.helpers import make_event

CODE = "33.17.09.2016"


@pytest.fixture
def public_hub(hub):
    """The hub with the public pages' tables empty (the PostgreSQL database is shared by the session)."""
    from district.public.models import PublicLetter, PublicTicket

    with hub.app.app_context():
        PublicTicket.delete().execute()
        PublicLetter.delete().execute()
    return hub


class Village:
    """Posts events as one village's edge would, with gapless seqs."""

    def __init__(self, hub, code: str = CODE):
        self.hub, self.code, self.seq = hub, code, 0

    def send(self, *events: tuple[str, dict]) -> None:
        batch = []
        for event_type, data in events:
            self.seq += 1
            batch.append(make_event(self.seq, event_type, **data))
        answer = self.hub.post_batch(self.code, batch)
        assert answer.status_code == 200, answer.get_data(as_text=True)

    def issue(self, number: str, service: str = "A", priority: bool = False) -> tuple[str, str]:
        ticket_id, token = f"00000000-0000-4000-8000-{self.seq + 1:012d}", secrets.token_urlsafe(18)
        self.send(("ticket.issued", {"ticket_id": ticket_id, "service": service, "number": number,
                                     "priority": priority, "source": "kiosk", "service_name": "Administrasi",
                                     "track_hash": token_digest(token)}))
        return ticket_id, token


def page(hub, path: str):
    answer = hub.client.get(path)
    return answer.status_code, answer.get_data(as_text=True)


def test_a_ticket_page_follows_the_calls(public_hub):
    """GIVEN three tickets WHEN the first two are called THEN the third's position on the hub counts down."""
    village = Village(public_hub)
    first, _ = village.issue("A-001")
    second, _ = village.issue("A-002")
    _third, token = village.issue("A-003")
    status, html = page(public_hub, f"/t/{token}")
    assert status == 200
    assert "A-003" in html and re.search(r'id="t-ahead">2 orang<', html)
    assert "Administrasi" in html and "diperbarui" in html and "<script" not in html
    village.send(("ticket.called", {"ticket_id": first, "service": "A", "counter": 1, "wait_seconds": 60}))
    assert re.search(r'id="t-ahead">1 orang<', page(public_hub, f"/t/{token}")[1])
    village.send(("ticket.called", {"ticket_id": second, "service": "A", "counter": 2, "wait_seconds": 60}))
    assert "Anda berikutnya" in page(public_hub, f"/t/{token}")[1]
    village.send(("ticket.called", {"ticket_id": _third, "service": "A", "counter": 2, "wait_seconds": 60}))
    html = page(public_hub, f"/t/{token}")[1]
    assert "Dipanggil, silakan menuju loket 2" in html and 'data-status="called"' in html


def test_a_late_event_never_undoes_a_newer_one(public_hub):
    """A batch that arrives after a newer one (a lost reply, a retry) leaves the ticket as the newer one says."""
    hub = public_hub
    token = secrets.token_urlsafe(18)
    tid = "00000000-0000-4000-8000-000000000001"
    issued = make_event(1, "ticket.issued", ticket_id=tid, service="B", number="B-001", priority=False,
                        service_name="Surat", track_hash=token_digest(token))
    called = make_event(2, "ticket.called", ticket_id=tid, service="B", counter=1, wait_seconds=5)
    finished = make_event(3, "ticket.finished", ticket_id=tid, service="B", service_seconds=300)
    assert hub.post_batch(CODE, [finished]).status_code == 200
    assert hub.post_batch(CODE, [issued, called]).status_code == 200
    html = page(hub, f"/t/{token}")[1]
    assert 'data-status="done"' in html and "B-001" in html and "Selesai dilayani" in html


def test_a_transferred_ticket_queues_in_its_new_service(public_hub):
    village = Village(public_hub)
    village.issue("B-001", service="B")
    moved, token = village.issue("A-001", service="A")
    assert "Anda berikutnya" in page(public_hub, f"/t/{token}")[1]
    village.send(("ticket.transferred", {"ticket_id": moved, "service": "A", "to_service": "B",
                                         "to_service_name": "Surat Keterangan"}))
    html = page(public_hub, f"/t/{token}")[1]
    assert "Surat Keterangan" in html and re.search(r'id="t-ahead">1 orang<', html)


def test_the_wait_uses_the_synced_service_times(public_hub):
    village = Village(public_hub)
    done, _ = village.issue("A-001")
    village.send(("ticket.called", {"ticket_id": done, "service": "A", "counter": 1, "wait_seconds": 1}),
                 ("ticket.finished", {"ticket_id": done, "service": "A", "service_seconds": 600}))
    for n in range(2, 5):
        _tid, token = village.issue(f"A-00{n}")
    html = page(public_hub, f"/t/{token}")[1]  # two ahead, ten minutes each, one counter seen
    assert re.search(r'id="t-wait">sekitar 20 menit<', html), html


def test_a_letter_is_verifiable_then_shows_cancelled(public_hub):
    village = Village(public_hub)
    code = secrets.token_urlsafe(18)
    letter = {"letter_id": "11111111-0000-4000-8000-000000000001", "verification_hash": token_digest(code),
              "letter_number": "474/012/33.17.09.2016/2026", "type": "S-41", "type_name": "Surat Keterangan Usaha",
              "issued_on": "2026-12-02", "valid_until": "2099-03-02", "status": "valid", "name_masked": "B**i S*****o"}
    village.send(("letter.verification", letter))
    status, html = page(public_hub, f"/verifikasi/{code}")
    assert status == 200 and 'data-valid="true"' in html
    for shown in ("474/012/33.17.09.2016/2026", "Surat Keterangan Usaha", "B**i S*****o", "Mojowarno",
                  "2 Desember 2026", "2 Maret 2099"):
        assert shown in html
    village.send(("letter.verification", {**letter, "status": "cancelled"}))
    status, html = page(public_hub, f"/verifikasi/{code}")
    assert status == 200 and 'data-valid="false"' in html and "dibatalkan" in html


def test_unknown_and_malformed_codes_answer_the_same_404(public_hub):
    known = Village(public_hub)
    known.issue("A-001")
    answers = [page(public_hub, path) for path in (f"/verifikasi/{secrets.token_urlsafe(18)}", "/verifikasi/x",
                                                    f"/t/{secrets.token_urlsafe(18)}", "/t/%27%20or%201=1",
                                                    f"/s/{secrets.token_urlsafe(18)}")]
    assert [status for status, _ in answers] == [404] * 5
    assert answers[0][1] == answers[1][1] and answers[2][1] == answers[3][1]


def test_a_letter_request_shows_where_it_stands(public_hub):
    village = Village(public_hub)
    token = secrets.token_urlsafe(18)
    lid = "22222222-0000-4000-8000-000000000001"
    village.send(("letter.requested", {"letter_id": lid, "reference": "SRT-2612-0001", "type": "S-41",
                                       "source": "kiosk", "status": 0, "type_name": "Surat Keterangan Usaha",
                                       "track_hash": token_digest(token)}))
    village.send(("letter.status_changed", {"letter_id": lid, "type": "S-41", "from": 0, "to": 1,
                                            "letter_number": None}))
    html = page(public_hub, f"/s/{token}")[1]
    assert "SRT-2612-0001" in html and re.search(r'id="s-status">sedang diperiksa<', html)
    village.send(("letter.status_changed", {"letter_id": lid, "type": "S-41", "from": 1, "to": 3,
                                            "letter_number": "474/001/2026"}))
    html = page(public_hub, f"/s/{token}")[1]
    assert re.search(r'id="s-status">siap diambil<', html) and "474/001/2026" in html


def test_a_full_name_is_refused_and_a_masked_one_passes(public_hub):
    base = {"letter_id": "33333333-0000-4000-8000-000000000001", "verification_hash": "x" * 43,
            "letter_number": "1/2026", "type": "S-41", "status": "valid"}
    refused = public_hub.post_batch(CODE, [make_event(1, "letter.verification", **base,
                                                      name_masked="Budi Santoso")])
    assert refused.status_code == 400 and refused.get_json()["error"]["code"] == "personal_data"
    refused = public_hub.post_batch(CODE, [make_event(1, "letter.verification", **base, name="B**i S*****o")])
    assert refused.status_code == 400
    taken = public_hub.post_batch(CODE, [make_event(1, "letter.verification", **base, name_masked="B**i S*****o")])
    assert taken.status_code == 200 and taken.get_json()["stored"] == 1


def test_masking_rules():
    assert is_masked("B**i S*****o") and is_masked("A* B") and is_masked("")
    assert not is_masked("Budi S*****o") and not is_masked("B**i Santoso") and not is_masked("Bu*i")
    assert identity_leak({"x": [{"owner_masked": "Siti"}]}) == "data.x[0].owner_masked"


def test_an_old_sync_is_said_honestly(public_hub):
    from district.models import Village as VillageRow

    village = Village(public_hub)
    _tid, token = village.issue("A-001")
    assert 'id="stale"' not in page(public_hub, f"/t/{token}")[1]
    with public_hub.app.app_context():
        VillageRow.update(last_seen=datetime.now(timezone.utc).replace(tzinfo=None) - timedelta(minutes=20)).where(
            VillageRow.code == CODE).execute()
    html = page(public_hub, f"/t/{token}")[1]
    assert "diperbarui 20 menit lalu" in html and 'id="stale"' in html and "belum mengirim kabar" in html


def test_pages_are_small_have_no_script_and_speak_english_on_request(public_hub):
    village = Village(public_hub)
    _tid, token = village.issue("A-001")
    answer = public_hub.client.get(f"/t/{token}")
    assert len(answer.data) < 30 * 1024 and b"<script" not in answer.data
    assert "script-src" not in answer.headers["Content-Security-Policy"]  # default-src 'none': no script runs
    assert answer.headers["Cache-Control"] == "no-store" and answer.headers["Referrer-Policy"] == "no-referrer"
    assert "Set-Cookie" not in answer.headers
    english = public_hub.client.get(f"/t/{token}?lang=en").get_data(as_text=True)
    assert "Waiting for your turn" in english and 'lang="en"' in english


def test_too_many_requests_from_one_address_are_refused(public_hub):
    from district.public.ratelimit import PerMinute

    # one fixed minute: a minute boundary in the middle of the test would reset the count
    public_hub.app.extensions["public_rate_limit"] = PerMinute(3, clock=lambda: 0.0)
    codes = [public_hub.client.get(f"/t/{secrets.token_urlsafe(18)}").status_code for _ in range(5)]
    assert codes == [404, 404, 404, 429, 429]


def test_behind_a_proxy_each_phone_has_its_own_limit(public_hub):
    from dataclasses import replace

    from district.public.ratelimit import PerMinute

    app = public_hub.app
    app.extensions["district_config"] = replace(app.extensions["district_config"], public_proxy_hops=1)
    app.extensions["public_rate_limit"] = PerMinute(2, clock=lambda: 0.0)  # one fixed minute

    def get(forwarded: str) -> int:
        return public_hub.client.get(f"/t/{secrets.token_urlsafe(18)}",
                                     headers={"X-Forwarded-For": forwarded}).status_code

    assert [get("10.0.0.1"), get("10.0.0.1"), get("10.0.0.1")] == [404, 404, 429]
    assert get("10.0.0.2") == 404  # another phone behind the same proxy
    assert get("1.2.3.4, 10.0.0.1") == 429  # what the client wrote on the left changes nothing


def test_queue_order_and_estimates_are_the_edges():
    from anjungan_core.wait_estimate import average_minutes, wait_minutes
    from district.public.estimate import Waiting, freshness, position

    second = datetime(2026, 12, 2, 1, 0, 0)
    a = Waiting("a", False, second, 7)
    b = Waiting("b", False, second, 5)  # same second, committed first
    vip = Waiting("v", True, second + timedelta(minutes=5), 9)
    assert [position(t, [a, b, vip]) for t in (vip, b, a)] == [0, 1, 2]
    assert average_minutes([5, 600, 900, 99999], 4.0) == 12.5 and average_minutes([], 4.0) == 4.0
    assert wait_minutes(0, 10, 1) == 0 and wait_minutes(3, 10, 2) == 15
    assert freshness(None, second, 180).stale
    assert not freshness(second, second + timedelta(seconds=180), 180).stale
    assert freshness(second, second + timedelta(seconds=181), 180) .stale


def test_a_projected_row_keeps_every_character_and_every_empty_field(public_hub):
    """New rows go to PostgreSQL in COPY's text format: tabs, line breaks, backslashes and quotes in a name stay
    as they were, an empty text stays empty and a missing value stays NULL (on SQLite, the same rows by INSERT)."""
    from district.public.models import PublicTicket

    village = Village(public_hub)
    name = 'Kependudukan\t"KTP"\\KK\nbaru \\N'
    village.send(("ticket.issued", {"ticket_id": "00000000-0000-4000-8000-000000000001", "service": "A",
                                    "number": "A-001", "priority": True, "source": "kiosk", "service_name": name}))
    with public_hub.app.app_context():
        row = PublicTicket.get(PublicTicket.ticket_id == "00000000-0000-4000-8000-000000000001")
        assert (row.service_name, row.priority, row.status, row.issued_seq) == (name, True, "waiting", 1)
        assert (row.track_hash, row.counter, row.service_seconds) == (None, None, None)
    village.send(("ticket.called", {"ticket_id": "00000000-0000-4000-8000-000000000001", "service": "A",
                                    "counter": 3, "wait_seconds": 60}))
    with public_hub.app.app_context():
        row = PublicTicket.get(PublicTicket.ticket_id == "00000000-0000-4000-8000-000000000001")
        assert (row.service_name, row.status, row.counter, row.status_seq) == (name, "called", 3, 2)
