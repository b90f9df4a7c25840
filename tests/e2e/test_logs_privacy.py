"""Even at DEBUG, the edge server's log never carries a full NIK, a PIN or a token."""
import time

import requests

from tests.e2e.conftest import EdgeServerProcess


def test_debug_log_has_no_nik_pin_or_token(tmp_path):
    server = EdgeServerProcess(tmp_path / "edge", env={"ANJUNGAN_LOG_LEVEL": "DEBUG"}).start()
    try:
        resident = next(r for r in server.demo["residents"] if r.get("pin"))
        with requests.Session() as s:
            s.headers.update(server.kiosk_headers)
            ok = s.post(f"{server.url}/api/v1/identify", json={"nik": resident["nik"], "pin": resident["pin"]},
                        timeout=10)
            assert ok.status_code == 200
            session = ok.json()["session"]
            s.post(f"{server.url}/api/v1/identify", json={"nik": resident["nik"], "pin": "000000"}, timeout=10)
            s.post(f"{server.url}/api/v1/identify", json={"scan": resident["nik"]}, timeout=10)
            s.post(f"{server.url}/api/v1/tickets", json={"service": "A"}, headers={"X-Kiosk-Session": session},
                   timeout=10)
            s.get(f"{server.url}/api/v1/letters", headers={"X-Kiosk-Session": session}, timeout=10)
        time.sleep(0.5)
    finally:
        server.stop()
    log = "".join(server.log)
    masked = resident["nik"][:4] + "*" * 10 + resident["nik"][-2:]
    assert masked in log  # identification was logged, masked
    for secret in (resident["nik"], session, server.demo["kiosk_token"], f'"pin": "{resident["pin"]}"'):
        assert secret not in log
