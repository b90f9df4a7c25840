"""Signed software updates for edge servers and kiosks (run by a systemd timer as `python -m updater`).

Neither `edge_server` nor `kiosk` imports the other; both may import `updater.version` to report what runs.
"""
