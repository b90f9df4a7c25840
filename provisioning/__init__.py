"""Anjungan Desa provisioning: the technician's CLI (`python -m provisioning --help`).

detect (printers and scanners), edge and kiosk (set up a machine or a root folder), doctor (what is wrong),
cloud-init (first-boot files for an SD card). Talks to the edge server over HTTP; uses `drivers` for devices.
"""
