"""Letter requests (permohonan surat): pure rules in `rules`, the seeded catalogue in `catalog`,
database work in `service`, the printable letter in `document`."""
