"""Secrets: password and PIN hashes (slow, cost from config), device tokens (random, stored as sha256)."""
from __future__ import annotations

import hashlib
import hmac
import secrets
from functools import lru_cache

from werkzeug.security import check_password_hash, generate_password_hash


def hash_secret(secret: str, method: str) -> str:
    """A salted slow hash (scrypt by default); `method` is werkzeug's, e.g. 'scrypt:32768:8:1'."""
    return generate_password_hash(secret, method=method)


@lru_cache(maxsize=8)
def dummy_hash(method: str) -> str:
    """A hash to check against when there is no real one (unknown user or NIK), so both cases cost the same
    time; made once per cost setting."""
    return generate_password_hash("-", method=method)


def check_secret(stored: str, secret: str) -> bool:
    try:
        return check_password_hash(stored, secret)
    except (ValueError, TypeError):
        return False


def new_token() -> str:
    """A device or session token: 256 random bits."""
    return secrets.token_urlsafe(32)


def token_digest(token: str) -> str:
    """Device tokens are high-entropy, so a plain sha256 is a safe, fast lookup key."""
    return hashlib.sha256(token.encode("utf-8", "replace")).hexdigest()


def same(a: str, b: str) -> bool:
    return hmac.compare_digest(a.encode("utf-8", "surrogatepass"), b.encode("utf-8", "surrogatepass"))


def new_password(length: int = 14) -> str:
    alphabet = "abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"
    return "".join(secrets.choice(alphabet) for _ in range(length))


def new_numeric_code(digits: int = 6) -> str:
    return "".join(secrets.choice("0123456789") for _ in range(digits))
