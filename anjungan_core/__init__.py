"""Facts and small tools that every part of Anjungan Desa shares, so each lives in exactly one place.

The parts (kiosk, edge_server, district, drivers, provisioning, updater) may import this package; it imports none
of them, and nothing here does I/O at import time. Only the standard library, plus `requests` in `tls` and
werkzeug in `passwords` (each loaded only by the parts that use it).
"""
