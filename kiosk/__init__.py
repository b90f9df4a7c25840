"""Anjungan Desa kiosk: the resident's touchscreen app (Kivy), talking to the edge server and the drivers.

The version that runs is `anjungan_core.version.running_version()`.
"""
