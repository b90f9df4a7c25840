"""Village information services (*layanan informasi*): office hours and holidays, announcements with pictures,
public cameras, links as QR codes, the village's officials and contacts.

Pure rules live in `hours` and `mjpeg`; modules that touch the database, files or the network wrap them.
"""
