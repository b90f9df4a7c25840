"""The first thing a village does: upload OpenSID's own XLSX export in the console, in headless Chromium against a
real edge server process."""
from __future__ import annotations

import sqlite3

import pytest

from tests.e2e.staff_session import console_page
from tests.opensid_export import as_labels, resident, temporary_nik, write_xlsx

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def test_admin_uploads_the_opensid_xlsx_with_a_progress_bar_and_sees_the_result(edge_server_process, browser,
                                                                                  tmp_path):
    """GIVEN "Ekspor Penduduk Huruf" of 3,000 residents (one temporary NIK, one MATI, one date the NIK disagrees with)
    WHEN the admin picks it on Penduduk → Impor and presses Impor
    THEN a progress bar shows while it uploads, the page reports 3,000 new residents and the warning, and the
    database holds labels ("Petani/Pekebun"), the temporary NIK and the dead resident as inactive."""
    from playwright.sync_api import expect

    server = edge_server_process
    people = [as_labels(resident(i)) for i in range(1, 2998)]
    people.append(as_labels(resident(3000, nik=temporary_nik(12))))
    people.append(as_labels(resident(3001, status_dasar="2")))
    people.append(as_labels(resident(3002, tanggallahir="1901-02-03")))
    export = write_xlsx(tmp_path / "penduduk_28_11_2026.xlsx", people)
    page = console_page(server, browser, "admin")
    page.goto(f"{server.url}/staff/residents/import")
    assert ".xlsx" in page.get_attribute("input[name=file]", "accept")
    page.evaluate("""() => { const box = document.getElementById('import-progress');
        new MutationObserver(() => { if (!box.hidden) window.progressShown = true; })
            .observe(box, {attributes: true}); }""")
    page.set_input_files("input[name=file]", str(export))
    page.click("#import-form button[type=submit]")
    expect(page.locator("#import-result")).to_contain_text("3000 penduduk baru", timeout=60_000)
    assert page.evaluate("() => window.progressShown === true")
    expect(page.locator("#import-result")).to_contain_text("1 penduduk berstatus dasar selain HIDUP")
    expect(page.locator("#import-warnings")).to_contain_text("tanggal lahir 1901-02-03 tidak sama")

    with sqlite3.connect(server.data_dir / "edge.sqlite3") as db:
        assert db.execute("select occupation, religion from resident where nik = ?",
                          (resident(1)["nik"],)).fetchone() == ("Petani/Pekebun", "Islam")
        assert db.execute("select active from resident where nik = ?", (temporary_nik(12),)).fetchone() == (1,)
        assert db.execute("select active, life_status from resident where nik = ?",
                          (resident(3001)["nik"],)).fetchone() == (0, "Mati")
