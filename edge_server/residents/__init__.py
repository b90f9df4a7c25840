"""Residents: the OpenSID CSV import (`importer`, pure), records and PINs (`service`), kiosk identity
(`identity`: identify, sessions, PIN lockout) and demo residents (`demo`)."""
