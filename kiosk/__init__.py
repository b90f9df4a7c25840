"""Anjungan Desa kiosk: the resident's touchscreen app (Kivy), talking to the edge server and the drivers."""

__version__ = "0.1.0"
