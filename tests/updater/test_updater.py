"""Updates: a bad signature, a truncated download and a failing new version each leave the old version running;
a good one is installed into a fresh venv and switched to atomically; a failed health check rolls back."""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.updater.helpers import BROKEN, keypair, tiny_release
from updater.apply import VERSION_FILE, apply_release
from updater.install import current_target, point_current
from updater.manifest import ReleaseRejected, build, is_newer, parse, sign, verify


@pytest.fixture
def root(tmp_path) -> Path:
    """A device running release 1.0 (a stand-in environment with its marker), switched to by `current`."""
    root = tmp_path / "opt"
    old = root / "releases" / "1.0"
    old.mkdir(parents=True)
    (old / VERSION_FILE).write_text(json.dumps({"version": "1.0"}))
    point_current(root, old)
    return root


@pytest.fixture
def keys(tmp_path):
    return keypair(tmp_path / "keys")


def _copy(tarball: Path):
    return lambda dest: shutil.copyfile(tarball, dest)


def _running(root: Path) -> str:
    return json.loads((current_target(root) / VERSION_FILE).read_text())["version"]


def test_manifest_signature_and_parsing_are_pure_checks(keys):
    private, public = keys
    manifest = build("2.0", "tinyapp==2.0", {"a.whl": b"x"})
    signature = sign(private, manifest)
    verify(public, manifest, signature)
    with pytest.raises(ReleaseRejected):
        verify(public, manifest.replace(b"2.0", b"2.1"), signature)
    with pytest.raises(ReleaseRejected):
        verify(public, manifest, "00" * 64)
    assert parse(manifest).files["a.whl"] == "2d711642b726b04401627ca9fbac32f5c8530fb1903cc4db02258717921a4881"
    with pytest.raises(ReleaseRejected):
        parse(json.dumps({"version": "2.0", "requirement": "x", "files": {"../evil.whl": "0" * 64}}).encode())
    assert is_newer("0.10.0", "0.9.1") and is_newer("0.2.0", "0.2.0rc1") and not is_newer("1.0", "1.0")


def test_a_release_signed_with_another_key_is_refused(root, tmp_path, keys):
    other_private, _ = keypair(tmp_path / "other")
    tarball, info = tiny_release(tmp_path, "2.0", other_private)
    outcome = apply_release(root, info, keys[1], _copy(tarball), modules=["tinyapp"])
    assert outcome.action == "rejected" and "signature" in outcome.detail
    assert _running(root) == "1.0" and not (root / "releases" / "2.0").exists()


def test_a_manifest_changed_after_signing_is_refused(root, tmp_path, keys):
    tarball, info = tiny_release(tmp_path, "2.0", keys[0])
    info["manifest"] = info["manifest"].replace("tinyapp==2.0", "tinyapp==2.0 --index-url=http://evil")
    assert apply_release(root, info, keys[1], _copy(tarball), modules=["tinyapp"]).action == "rejected"
    assert _running(root) == "1.0"


def test_truncated_download_is_refused_then_the_next_run_installs_and_switches(root, tmp_path, keys):
    tarball, info = tiny_release(tmp_path, "2.0", keys[0])
    data = tarball.read_bytes()
    outcome = apply_release(root, info, keys[1], lambda dest: dest.write_bytes(data[: len(data) // 2]),
                            modules=["tinyapp"])
    assert outcome.action == "rejected" and _running(root) == "1.0"
    assert not (root / "downloads" / "2.0" / "release.tar.gz").exists()  # not kept: the next run fetches again

    outcome = apply_release(root, info, keys[1], _copy(tarball), modules=["tinyapp"])
    assert outcome.action == "installed", outcome
    assert _running(root) == "2.0" and (root / "current").is_symlink()
    new_python = root / "current" / "bin" / "python"
    done = subprocess.run([str(new_python), "-m", "tinyapp", "--help"], capture_output=True, text=True)
    assert done.returncode == 0 and "tinyapp" in done.stdout
    assert (root / "releases" / "1.0").exists()  # the previous environment is the way back
    again = apply_release(root, info, keys[1], _copy(tarball), modules=["tinyapp"])
    assert again.action == "up_to_date"


def test_a_new_version_that_fails_its_smoke_test_is_not_switched_to_nor_retried(root, tmp_path, keys):
    tarball, info = tiny_release(tmp_path, "2.0", keys[0], main=BROKEN)
    outcome = apply_release(root, info, keys[1], _copy(tarball), modules=["tinyapp"])
    assert outcome.action == "failed" and "broken" in outcome.detail
    assert _running(root) == "1.0" and not (root / "releases" / "2.0").exists()
    fetched = []
    later = apply_release(root, info, keys[1], lambda dest: fetched.append(dest), modules=["tinyapp"])
    assert later.action == "up_to_date" and not fetched


def test_a_new_version_unhealthy_after_the_restart_is_rolled_back(root, tmp_path, keys):
    tarball, info = tiny_release(tmp_path, "2.0", keys[0])
    restarts = []
    outcome = apply_release(root, info, keys[1], _copy(tarball), modules=["tinyapp"],
                            restart=lambda: restarts.append(_running(root)),
                            health_url="http://127.0.0.1:9/api/v1/health", health_deadline=0.5)
    assert outcome.action == "rolled_back"
    assert restarts == ["2.0", "1.0"]  # restarted on the new version, then again on the old one
    assert _running(root) == "1.0"


def test_cli_build_makes_a_tarball_whose_signature_checks(tmp_path, keys):
    from tests.updater.helpers import tiny_wheel

    tiny_wheel(tmp_path / "w", "3.0")
    out = tmp_path / "rel.tar.gz"
    done = subprocess.run([sys.executable, "-m", "updater", "build", "--wheels", str(tmp_path / "w"), "--version",
                           "3.0", "--requirement", "tinyapp==3.0", "--key", str(tmp_path / "keys" / "release.key"),
                           "--out", str(out)], capture_output=True, text=True, env={**os.environ})
    assert done.returncode == 0, done.stderr
    import tarfile

    with tarfile.open(out) as tar:
        manifest = tar.extractfile("manifest.json").read()
    verify(keys[1], manifest, (tmp_path / "rel.tar.gz.sig").read_text())
