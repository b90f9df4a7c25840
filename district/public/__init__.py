"""The hub's public pages for residents and recipient institutions: /t (ticket), /s (letter request),
/verifikasi (an issued letter), built from what the villages sync. Read-only, no login, no JavaScript."""
