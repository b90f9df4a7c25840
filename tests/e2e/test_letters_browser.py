"""A letter from kiosk request to verified print, in headless Chromium against a real edge server process."""
from __future__ import annotations

import io

import pytest
import requests

from tests.e2e.staff_session import console_page

pytestmark = [pytest.mark.browser, pytest.mark.slow]




def request_letter_at_the_kiosk(server) -> dict:
    person = next(r for r in server.demo["residents"] if "pin" in r)
    who = requests.post(f"{server.url}/api/v1/identify", json={"nik": person["nik"], "pin": person["pin"]},
                        headers=server.kiosk_headers, timeout=10)
    assert who.status_code == 200 and who.json()["level"] == "full", who.text
    fields = {"nama_usaha": "Warung Makan Sederhana", "keperluan": "Kredit usaha"}
    r = requests.post(f"{server.url}/api/v1/letters", timeout=10, json={"type": "500", "fields": fields},
                      headers={**server.kiosk_headers, "X-Kiosk-Session": who.json()["session"]})
    assert r.status_code == 201, r.text
    return {**r.json()["letter"], "person": person}


def decode_qr(png: bytes) -> list[str]:
    import zxingcpp
    from PIL import Image

    return [b.text for b in zxingcpp.read_barcodes(Image.open(io.BytesIO(png)).convert("L"))]


def test_staff_approve_print_and_verify_a_kiosk_letter(edge_server_process, browser):
    """GIVEN a letter requested through the kiosk API
    WHEN an operator logs in, opens it from the inbox and approves it
    THEN it has its village number; the print view shows the number and a QR code that decodes to the
    verification URL; and the verification page shows the letter without the resident's NIK or full name."""
    from playwright.sync_api import expect

    server = edge_server_process
    letter = request_letter_at_the_kiosk(server)
    page = console_page(server, browser)

    page.goto(f"{server.url}/staff/letters")
    page.click(f"text={letter['reference']}")
    expect(page.locator("#reference")).to_have_text(letter["reference"])
    expect(page.locator("input[name=field_nama_usaha]")).to_have_value("Warung Makan Sederhana")
    # only the next step is offered: "Periksa berkas", after a confirmation
    expect(page.locator("#moves button[data-status='2']")).to_have_count(0)
    page.click("#next-step")
    expect(page.locator("#confirm")).to_be_visible()
    page.click("#confirm-yes")
    expect(page.locator("#status-label")).to_have_text("sedang diperiksa")
    # approving with a document unticked asks for a reason first and gives no number
    boxes = page.locator("#checklist input[name=doc]")
    for i in range(boxes.count() - 1):
        boxes.nth(i).check()
        expect(page.locator("#checklist-state")).to_contain_text(f"{i + 1} dari {boxes.count()}")
    page.click("#next-step[data-status='2']")
    expect(page.locator("#reason-box")).to_be_visible()
    expect(page.locator("#message")).to_contain_text("Dokumen belum lengkap")
    expect(page.locator("#confirm")).to_be_hidden()
    # the ticks survive a reload; ticking the last one approves after the number warning
    page.reload()
    expect(page.locator("#checklist input[name=doc]:checked")).to_have_count(boxes.count() - 1)
    boxes.nth(boxes.count() - 1).check()
    expect(page.locator("#checklist-state")).to_contain_text(f"{boxes.count()} dari {boxes.count()}")
    page.click("#next-step[data-status='2']")
    expect(page.locator("#confirm-text")).to_contain_text("diberi nomor")
    page.click("#confirm-no")
    expect(page.locator("#letter-number")).to_have_count(0)
    page.click("#next-step[data-status='2']")
    page.click("#confirm-yes")
    number = page.locator("#letter-number")
    expect(number).to_contain_text("500/001/33.17.09.2016/")
    letter_number = number.inner_text()
    expect(page.locator("#history")).to_contain_text("sedang diperiksa → menunggu tanda tangan")
    expect(page.locator("#history")).to_contain_text("Dokumen diperiksa")
    assert letter_number.endswith(f"/{letter_number.split('/')[-1]}") and len(letter_number.split("/")) == 5

    kiosk_view = requests.get(f"{server.url}/api/v1/letters", timeout=10, headers={**server.kiosk_headers,
        "X-Kiosk-Session": requests.post(f"{server.url}/api/v1/identify", json={"nik": letter["person"]["nik"],
                                         "pin": letter["person"]["pin"]}, headers=server.kiosk_headers,
                                         timeout=10).json()["session"]}).json()["letters"][0]
    verification_url = kiosk_view["verification_url"]
    assert kiosk_view["letter_number"] == letter_number and verification_url.startswith(server.url + "/verifikasi/")

    with page.expect_popup() as popup:
        page.click("#print-f4")
    printable = popup.value
    printable.wait_for_load_state()
    expect(printable.locator("#letter-number")).to_have_text(letter_number)
    expect(printable.locator(".sheet")).to_contain_text("Warung Makan Sederhana")
    expect(printable.locator(".sheet")).to_have_attribute("data-paper", "F4")
    assert decode_qr(printable.locator(".qr svg").screenshot()) == [verification_url]
    assert verification_url in decode_qr(printable.screenshot(full_page=True))

    public = browser.new_context().new_page()  # a resident's phone: no staff login
    response = public.goto(verification_url)
    assert response.status == 200
    expect(public.locator("#v-number")).to_have_text(letter_number)
    expect(public.locator("#v-type")).to_have_text("Surat Keterangan Usaha")
    expect(public.locator("#v-result")).to_have_attribute("data-valid", "true")
    body = public.locator("body").inner_text()
    assert letter["person"]["nik"] not in body and letter["person"]["name"] not in body
    assert public.goto(f"{server.url}/verifikasi/tidak-ada-surat-seperti-ini").status == 404
