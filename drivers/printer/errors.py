"""One exception tree for everything that can go wrong with a printer."""

from __future__ import annotations


class PrinterError(Exception):
    """A printer problem; ``str(error)`` is a sentence a technician can act on."""


class PrinterUrlError(PrinterError, ValueError):
    """The printer URL is malformed or names an unknown scheme or profile."""


class PrinterNotFound(PrinterError):
    """No such device: unplugged, wrong VID:PID, wrong port or path."""


class PrinterPermissionDenied(PrinterError):
    """The device exists but this user may not open it (a udev rule or group is missing)."""


class PrinterTimeout(PrinterError):
    """The printer did not take the data in time (flow control stuck, busy, cable half out)."""


class PrinterOffline(PrinterError):
    """The printer does not answer or says it is offline (cover open, error, switched off, unreachable)."""


class PaperOut(PrinterError):
    """The printer says its paper roll is empty."""


def udev_hint(vid: int | None = None, pid: int | None = None) -> str:
    """How to let the kiosk user open the device without root."""
    if vid is not None and pid is not None:
        rule = (
            f'SUBSYSTEM=="usb", ATTRS{{idVendor}}=="{vid:04x}", ATTRS{{idProduct}}=="{pid:04x}", '
            'MODE="0660", GROUP="lp"'
        )
        return (
            f"Izin ditolak / permission denied. Tambahkan aturan udev / add a udev rule to "
            f"/etc/udev/rules.d/60-anjungan-printer.rules: {rule} ; lalu / then: "
            "sudo udevadm control --reload && sudo udevadm trigger, dan masukkan pengguna kios ke grup lp "
            "(sudo usermod -aG lp USER)"
        )
    return (
        "Izin ditolak / permission denied: masukkan pengguna kios ke grup perangkat / add the kiosk user to "
        "the device's group (lp for /dev/usb/lp*, dialout for /dev/tty*): sudo usermod -aG lp,dialout USER, "
        "lalu login ulang / then log in again"
    )
