"""Residents stored before the import understood OpenSID (migration 13): the same rules the import now applies,
on values already in the database. Pure."""
from __future__ import annotations

from . import opensid_codes as codes
from . import row_rules as rules


def cleaned_values(values: tuple) -> tuple:
    """(religion, occupation, marital_status, address, dusun, rt, rw, birth_place, no_kk) as the import would
    store them now; a value the rules do not recognise is kept as it is."""
    religion, occupation, marital, address, dusun, rt, rw, birth_place, no_kk = (v or "" for v in values)
    return (codes.display_label("religion", religion), codes.display_label("occupation", occupation),
            codes.display_label("marital_status", marital), rules.blank(address), rules.dusun_name(dusun),
            rules.padded_number(rt), rules.padded_number(rw), rules.blank(birth_place), rules.blank(no_kk))
