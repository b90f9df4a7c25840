"""Signed software updates for edge servers and kiosks (run by a systemd timer as `python -m updater`).

What runs is reported by `anjungan_core.version`, the one version source every part uses.
"""
