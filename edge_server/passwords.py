"""The staff password policy: long enough, not a common password, not the username."""
from __future__ import annotations

from functools import lru_cache
from importlib import resources

MIN_LENGTH = 10


@lru_cache(maxsize=1)
def common_passwords() -> frozenset[str]:
    """Well-known passwords (global lists plus the Indonesian favourites), lower case."""
    text = resources.files("edge_server").joinpath("data/common_passwords.txt").read_text("utf-8")
    return frozenset(line.strip().lower() for line in text.splitlines() if line.strip())


def policy_problem(password: str, username: str = "") -> str | None:
    """What is wrong with a new password, in plain Indonesian, or None when it is acceptable."""
    if len(password) < MIN_LENGTH:
        return f"Kata sandi minimal {MIN_LENGTH} karakter."
    lowered = password.lower()
    if lowered in common_passwords() or lowered.rstrip("0123456789!.") in common_passwords():
        return "Kata sandi ini terlalu umum dan mudah ditebak. Pilih yang lain."
    if username and username.lower() in lowered:
        return "Kata sandi tidak boleh memuat nama pengguna."
    if len(set(password)) < 4:
        return "Kata sandi terlalu mudah ditebak (terlalu sedikit karakter berbeda)."
    return None
