"""Shared fixtures: fast hash costs, a fresh edge app per test, staff login helpers."""
from __future__ import annotations

import os

# Fast, still-real hashes for tests (production uses scrypt with a high cost).
os.environ.setdefault("ANJUNGAN_PASSWORD_HASH", "scrypt:1024:8:1")
os.environ.setdefault("ANJUNGAN_PIN_HASH", "scrypt:1024:8:1")
os.environ.setdefault("SDL_VIDEODRIVER", "offscreen")
os.environ.setdefault("KIVY_NO_ARGS", "1")
