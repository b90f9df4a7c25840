"""Anjungan Desa hardware drivers: printers, scanners, scan parsing, receipts and the virtual printer.

Importing this package (or any module in it) does no I/O: devices are opened only when asked.
"""
