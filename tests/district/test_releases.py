"""Signed releases on the hub: published from the CLI, offered at /api/v1/releases/latest, downloadable (with
Range, so a broken download resumes), and installable by the updater from what the hub serves."""
from __future__ import annotations

import json
import subprocess
import sys

from tests.updater.helpers import keypair, tiny_release
from updater.apply import apply_release
from updater.install import point_current
from updater.manifest import verify


def test_publish_then_devices_fetch_verify_and_install_it(hub, tmp_path):
    private, public = keypair(tmp_path / "keys")
    tarball, _info = tiny_release(tmp_path, "2.0", private)
    cfg = hub.app.extensions["district_config"]
    args = ["--data-dir", cfg.data_dir] + (["--database-url", cfg.database_url] if cfg.database_url else [])
    published = subprocess.run([sys.executable, "-m", "district", "releases", "add", str(tarball), "--signature",
                                str(tarball) + ".sig", *args], capture_output=True, text=True, timeout=60)
    assert published.returncode == 0, published.stderr
    again = subprocess.run([sys.executable, "-m", "district", "releases", "add", str(tarball), "--signature",
                            str(tarball) + ".sig", *args], capture_output=True, text=True, timeout=60)
    assert again.returncode == 0  # the same tarball twice changes nothing

    latest = hub.client.get("/api/v1/releases/latest").get_json()
    assert latest["version"] == "2.0" and latest["url"].endswith("/api/v1/releases/2.0/release.tar.gz")
    verify(public, latest["manifest"].encode(), latest["signature"])
    path = "/api/v1/releases/2.0/release.tar.gz"
    whole = hub.client.get(path)
    assert whole.status_code == 200 and whole.data == tarball.read_bytes()
    rest = hub.client.get(path, headers={"Range": "bytes=100-"})
    assert rest.status_code == 206 and rest.data == tarball.read_bytes()[100:]
    assert hub.client.get("/api/v1/releases/9.9/release.tar.gz").status_code == 404

    root = tmp_path / "opt"
    (root / "releases" / "1.0").mkdir(parents=True)
    (root / "releases" / "1.0" / "anjungan-release.json").write_text(json.dumps({"version": "1.0"}))
    point_current(root, root / "releases" / "1.0")
    outcome = apply_release(root, latest, public, lambda dest: dest.write_bytes(hub.client.get(path).data),
                            modules=["tinyapp"])
    assert outcome.action == "installed", outcome


def test_a_tarball_whose_files_differ_from_its_manifest_is_not_published(sqlite_hub, tmp_path):
    import io
    import tarfile

    from district.releases import ReleaseError, add_release

    private, _public = keypair(tmp_path / "keys")
    tarball, _info = tiny_release(tmp_path, "2.0", private)
    bad = tmp_path / "bad.tar.gz"
    with tarfile.open(tarball) as src, tarfile.open(bad, "w:gz") as dst:
        for member in src:
            data = src.extractfile(member).read()
            if member.name.endswith(".whl"):
                data = data[:-10]
            member.size = len(data)
            dst.addfile(member, io.BytesIO(data))
    with sqlite_hub.app.app_context():
        try:
            add_release(str(tmp_path / "d"), bad, "00" * 64, __import__("datetime").datetime(2026, 1, 1))
        except ReleaseError as exc:
            assert "differs" in str(exc)
        else:
            raise AssertionError("a corrupt release was published")
    assert sqlite_hub.client.get("/api/v1/releases/latest").status_code == 404
