"""`provisioning edge|kiosk --release-pubkey FILE` installs the release key devices check updates against."""
from __future__ import annotations

import pytest

from provisioning.release_key import RELEASE_PUBKEY, install_release_pubkey
from provisioning.target import ProvisioningError, Target
from tests.updater.helpers import keypair


def test_the_release_key_is_installed_once_and_a_wrong_file_is_refused(tmp_path):
    _private, public = keypair(tmp_path / "keys")
    target = Target(tmp_path / "root")
    assert install_release_pubkey(target, str(tmp_path / "keys" / "release.pub")) is True
    assert (tmp_path / "root" / RELEASE_PUBKEY.lstrip("/")).read_bytes() == public
    assert install_release_pubkey(target, str(tmp_path / "keys" / "release.pub")) is False  # already right
    with pytest.raises(ProvisioningError):
        install_release_pubkey(target, str(tmp_path / "keys" / "release.key"))  # the private key: never
    with pytest.raises(ProvisioningError):
        install_release_pubkey(target, str(tmp_path / "missing.pub"))
