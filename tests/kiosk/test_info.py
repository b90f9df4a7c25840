"""Village information: five sections one tap apart, each showing what staff entered on the edge server."""

from __future__ import annotations

import re

import pytest

pytestmark = pytest.mark.edge


def plain(kiosk) -> str:
    """What the resident reads: the visible text without its markup."""
    return re.sub(r"\[/?(?:b|size)[^\]]*\]", "", kiosk.texts())


def open_section(kiosk, title: str) -> None:
    kiosk.tap_text(title)
    kiosk.wait_until(lambda: kiosk.app.controller.pending == 0 and "Sedang memuat..." not in kiosk.texts(),
                     what=f"section {title}")


@pytest.fixture
def closed_service(edge):
    from tests.kiosk.village_info import closed_service

    with closed_service(edge.data_dir) as name:
        yield name


def test_each_section_is_one_tap_away_and_shows_its_data(kiosk, village_info, closed_service):
    kiosk.tap_text("Informasi Desa")
    kiosk.wait_until(lambda: kiosk.screen.info, what="village information")
    for title in ("Pengumuman", "Jam Layanan", "Kamera", "Tautan", "Profil Desa"):  # the tabs are big targets
        tab = kiosk.find(title)
        assert tab.height >= 90 * kiosk.app.s - 1 and tab.font_size >= 24 * kiosk.app.s

    text = plain(kiosk)  # announcements first, with their picture when there is one
    assert all(title in text for title in village_info["announcements"])
    pictures = kiosk.wait_until(lambda: [w for w in kiosk.screen.ids.content.walk() if getattr(w, "loaded", "")],
                                what="the announcement's picture")
    assert len(pictures) == 1 and "/media/announcements/" in pictures[0].loaded

    open_section(kiosk, "Jam Layanan")
    text = plain(kiosk)
    assert kiosk.app.screen_title == "Jam Layanan"  # the header names the section: not colour alone
    assert "Administrasi Kependudukan\nBuka sekarang" in text
    assert f"{closed_service}\nTutup. Buka lagi besok pukul 08.00 WIB." in text  # in words, not colour alone

    open_section(kiosk, "Profil Desa")
    text = plain(kiosk)
    assert "Kepala Desa: " + village_info["head"] in text
    assert "Sekretaris Desa: Siti Aminah" in text and "Pelayanan (WhatsApp): 0812-3456-7890" in text
    assert kiosk.taps == 3


def test_camera_gallery_shows_a_dead_camera_in_words_and_refreshes_itself(kiosk, village_info):
    kiosk.tap_text("Informasi Desa")
    open_section(kiosk, "Kamera")
    screen = kiosk.screen
    cards = kiosk.wait_until(lambda: len(screen._camera_cards) == 2 and screen._camera_cards, what="cameras")
    live, dead = cards.values()
    kiosk.wait_until(lambda: live.ids.picture.loaded and dead.ids.picture.loaded, what="both pictures")
    assert live.available and not dead.available
    text = plain(kiosk)
    assert village_info["cameras"]["live"] in text and village_info["cameras"]["dead"] in text
    assert "Kamera tidak tersedia" in text and "Gambar terakhir" in text
    assert "error" not in text.lower()

    asked = []
    real = kiosk.app.controller.client.cameras
    kiosk.app.controller.client.cameras = lambda: asked.append(1) or real()
    try:
        kiosk.advance(10)
        assert not asked
        kiosk.advance(21)  # ~30 s later, while the gallery is shown
        kiosk.wait_until(lambda: asked and kiosk.app.controller.pending == 0, what="a refresh")
        assert kiosk.current == "info" and len(screen._camera_cards) == 2
        assert kiosk.app.root.ids.busy.opacity == 0  # no spinner over a gallery being watched
    finally:
        kiosk.app.controller.client.cameras = real


def print_and_capture(kiosk, button) -> list:
    """Tap Cetak and return the receipts decoded from the ESC/POS bytes the printer received."""
    from drivers.virtual import decode_escpos

    receipts = len(kiosk.receipts())
    transport = kiosk.app.controller._open_printer().transport
    sent: list[bytes] = []
    real_write = transport.write
    transport.write = lambda data: sent.append(bytes(data)) or real_write(data)
    try:
        kiosk.tap(button)
        kiosk.wait_until(lambda: len(kiosk.receipts()) == receipts + 1, what="the receipt")
    finally:
        del transport.write
    return [r for r in decode_escpos(b"".join(sent)) if r.has_content]


@pytest.mark.parametrize("width", [80, 58])
def test_printing_a_link_puts_its_qr_on_a_receipt(kiosk, village_info, width):
    """An 80 mm printer draws the QR itself (GS ( k); a 58 mm one gets it as a raster picture."""
    import zxingcpp

    kiosk.set_printer(f"?width={width}")
    kiosk.tap_text("Informasi Desa")
    open_section(kiosk, "Tautan")
    text = plain(kiosk)
    assert "Layanan Kabupaten" in text and village_info["links"][0] in text
    card = kiosk.screen.ids.content.children[-1]
    kiosk.wait_until(lambda: card.ids.qr.loaded, what="the QR on screen")
    assert card.ids.qr.height >= 200 * kiosk.app.s - 1  # large enough to scan from the screen
    printed = print_and_capture(kiosk, card.ids.print_button)
    assert kiosk.taps == 3  # Informasi Desa, Tautan, Cetak
    receipt = printed[-1]
    if width == 80:
        assert receipt.qr_payloads == [village_info["links"][0]]
    else:
        assert [r.text for image in receipt.images for r in zxingcpp.read_barcodes(image.convert("L"))] == \
            [village_info["links"][0]]
    assert "Layanan Kabupaten" in receipt.text and "Pengaduan dan izin online" in receipt.text
    kiosk.wait_until(lambda: "Struk sudah dicetak" in kiosk.app.notice, what="the notice")
