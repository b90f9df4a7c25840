"""Password and PIN hashes for every part: slow salted hashes (scrypt; the cost comes from configuration, so
tests stay fast), and one dummy hash so an unknown user or NIK costs the same time as a wrong secret."""
from __future__ import annotations

from functools import lru_cache

from werkzeug.security import check_password_hash, generate_password_hash


def hash_secret(secret: str, method: str) -> str:
    """A salted slow hash; ``method`` is werkzeug's, e.g. ``scrypt:32768:8:1``."""
    return generate_password_hash(secret, method=method)


def check_secret(stored: str, secret: str) -> bool:
    """True when ``secret`` matches ``stored``; False for a wrong secret or a malformed hash."""
    try:
        return check_password_hash(stored, secret)
    except (ValueError, TypeError):
        return False


@lru_cache(maxsize=8)
def dummy_hash(method: str) -> str:
    """A hash to check against when there is no real one (unknown user or NIK), so both cases cost the same
    time; made once per cost setting (making it costs as much as checking it)."""
    return hash_secret("-", method)
