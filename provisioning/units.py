"""Installing and enabling the project's systemd units (the files in the repository's ``systemd/`` folder)."""

from __future__ import annotations

import configparser
import os
import sys
from pathlib import Path

from provisioning.target import ProvisioningError, Target

UNIT_PYTHON = "/opt/anjungan/current/bin/python"  # the interpreter the service units name
PROVISIONED_VENV = "/opt/anjungan/venv"  # what provisioning installs; the updater switches `current` away from it
CURRENT_LINK = "/opt/anjungan/current"
UNIT_DIR = "/etc/systemd/system"


def units_dir() -> Path:
    """The ``systemd/`` folder of this installation (a checkout, installed with ``pip install -e``).

    :raises ProvisioningError: when it cannot be found.
    """
    candidates = [os.environ.get("ANJUNGAN_UNITS_DIR", ""), str(Path(__file__).resolve().parents[1] / "systemd")]
    for candidate in candidates:
        if candidate and (Path(candidate) / "anjungan-edge.service").is_file():
            return Path(candidate)
    raise ProvisioningError("berkas unit systemd tidak ditemukan / systemd unit files not found; install the "
                            "project from its source folder (pip install -e) or set ANJUNGAN_UNITS_DIR")


def unit_python() -> str:
    """The interpreter a unit should run: `current` when provisioning runs from the provisioned environment (so a
    signed update can switch it), otherwise this very interpreter (a checkout elsewhere, a test root)."""
    if os.path.realpath(sys.prefix) == os.path.realpath(PROVISIONED_VENV):
        return UNIT_PYTHON
    return sys.executable


def unit_text(name: str, python: str | None = None) -> str:
    """The unit file as it should be installed: it starts the same installation that set it up."""
    text = (units_dir() / name).read_text()
    python = python or unit_python()
    return text.replace(UNIT_PYTHON, python) if python else text


def ensure_current_link(target: Target) -> None:
    """`/opt/anjungan/current` -> the provisioned venv, unless it exists already (the updater owns it then)."""
    link = target.path(CURRENT_LINK)
    if not link.exists() and not link.is_symlink():
        target.symlink(CURRENT_LINK, PROVISIONED_VENV)


def wanted_by(text: str) -> list[str]:
    """The targets in ``[Install] WantedBy=`` (what ``systemctl enable`` links the unit into)."""
    parser = configparser.ConfigParser(strict=False, interpolation=None)
    parser.optionxform = str  # type: ignore[assignment, method-assign]
    parser.read_string(text)
    return parser.get("Install", "WantedBy", fallback="").split()


def install_unit(target: Target, name: str, *, restart: bool = False) -> bool:
    """Write the unit, enable it and (on the running system) start it, restarting it when the unit or (with
    ``restart``) its configuration changed.

    Outside the running system the enablement symlinks are made under the root, as ``systemctl enable`` would,
    and the ``systemctl`` commands go into the plan.
    :returns: True when the unit file changed.
    """
    text = unit_text(name)
    if UNIT_PYTHON in text:
        ensure_current_link(target)
    changed = target.write_file(f"{UNIT_DIR}/{name}", text, mode=0o644)
    targets = wanted_by(text)
    if not targets:
        raise ProvisioningError(f"{name}: no [Install] WantedBy=")
    if target.is_host:
        target.run(["systemctl", "daemon-reload"], needed=changed)
        enabled = all(target.path(f"{UNIT_DIR}/{t}.wants/{name}").is_symlink() for t in targets)
        target.run(["systemctl", "enable", name], needed=not enabled)
    else:
        for wants in targets:
            target.symlink(f"{UNIT_DIR}/{wants}.wants/{name}", f"{UNIT_DIR}/{name}")
        target.run(["systemctl", "daemon-reload"])
        target.run(["systemctl", "enable", "--now", name])
        return changed
    target.run(["systemctl", "restart" if changed or restart else "start", name])
    return changed


def mask_unit(target: Target, name: str) -> None:
    """Mask a unit (a symlink to /dev/null), e.g. the login prompt on the kiosk's screen."""
    if target.is_host:
        masked = target.path(f"{UNIT_DIR}/{name}").is_symlink()
        target.run(["systemctl", "mask", name], needed=not masked)
        if masked:
            target.say(f"  sudah benar / already right: {name} masked")
        return
    target.symlink(f"{UNIT_DIR}/{name}", "/dev/null")
    target.run(["systemctl", "mask", name])


def require_root(target: Target) -> None:
    """Changing the running system needs root; say so before anything is done."""
    if target.live and os.geteuid() != 0:
        raise ProvisioningError("jalankan dengan sudo / run with sudo (or use --root DIR / --dry-run)")
