"""Screenshot of the console's resident import after uploading OpenSID's own XLSX export, for docs/operator.md
(headless Chromium).

Run: .venv/bin/python -m tools.import_screenshot  (starts its own demo edge server in a temp dir)
"""
from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from playwright.sync_api import sync_playwright

from tests.e2e.conftest import CHROMIUM, CHROMIUM_ARGS, EdgeServerProcess
from tests.opensid_export import as_labels, resident, temporary_nik, write_xlsx

OUT = Path(__file__).resolve().parents[1] / "docs" / "screenshots"


def main() -> int:
    OUT.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        people = [as_labels(resident(i)) for i in range(1, 1246)]
        people += [as_labels(resident(1300, nik=temporary_nik(3))), as_labels(resident(1301, status_dasar="2")),
                   as_labels(resident(1302, status_dasar="3")), as_labels(resident(1303, tanggallahir="1987-02-03"))]
        export = write_xlsx(Path(tmp) / "penduduk_28_11_2026.xlsx", people)
        server = EdgeServerProcess(Path(tmp) / "edge").start()
        try:
            admin = server.staff_user("admin")
            with sync_playwright() as p:
                browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
                page = browser.new_page(viewport={"width": 1280, "height": 900})
                page.goto(f"{server.url}/staff/login")
                page.fill("input[name=username]", admin["username"])
                page.fill("input[name=password]", admin["password"])
                page.click("button[type=submit]")
                page.wait_for_url(f"{server.url}/staff/")
                page.goto(f"{server.url}/staff/residents/import")
                page.set_input_files("input[name=file]", str(export))
                page.click("#import-form button[type=submit]")
                page.wait_for_selector("#import-result", timeout=60_000)
                page.screenshot(path=OUT / "console-residents-import.png", full_page=True)
                browser.close()
        finally:
            server.stop()
    print(f"wrote {OUT / 'console-residents-import.png'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
