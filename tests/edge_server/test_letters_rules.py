"""Letter rules without a database: statuses, numbers, references, dates, fields."""
from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from edge_server.letters import catalog, rules


def test_default_letter_number_matches_the_village_format():
    assert rules.format_letter_number("S-41", 7, "33.17.09.2016", date(2026, 11, 3)) == \
        "S-41/007/33.17.09.2016/XI/2026"


def test_region_code_without_dots_is_written_with_dots():
    assert rules.format_letter_number("500", 12, "3317092016", date(2026, 1, 31)) == "500/012/33.17.09.2016/I/2026"


def test_numbers_past_999_keep_all_their_digits():
    assert rules.format_letter_number("S-11", 1234, "33.17.09.2016", date(2027, 4, 1)).startswith("S-11/1234/")


def test_custom_format_and_bad_formats():
    fmt = "470/{number}/{code}/{month}.{year}"
    assert rules.format_letter_number("S-41", 5, "33.17.09.2016", date(2026, 2, 1), fmt) == "470/005/S-41/02.2026"
    for bad in ("{code}/{year}", "{number}/{kode}", "{number"):
        with pytest.raises(ValueError):
            rules.check_number_format(bad)


def test_reference_is_short_and_readable():
    assert rules.format_reference(date(2026, 11, 30), 42) == "SRT-2611-0042"
    assert rules.reference_period(date(2030, 2, 1)) == 3002


def test_forward_moves_and_cancel_from_open_states_only():
    assert rules.can_move(0, 1) and rules.can_move(0, 4) and rules.can_move(2, 3)
    assert all(rules.can_move(s, rules.CANCELLED) for s in rules.OPEN_STATUSES)
    assert not rules.can_move(3, 2)  # backwards
    assert not rules.can_move(2, 2)  # no move
    assert not rules.can_move(4, 5)  # picked up is final
    assert not rules.can_move(5, 1)  # cancelled is final
    assert not rules.can_move(0, 0) and not rules.can_move(0, 6)
    with pytest.raises(rules.TransitionError):
        rules.check_transition(4, 5)


@given(st.integers(0, 5), st.integers(-1, 7))
def test_a_move_is_allowed_exactly_when_forward_from_an_open_state(current, target):
    expected = current in (0, 1, 2, 3) and 1 <= target <= 5 and target > current
    assert rules.can_move(current, target) == expected


def test_number_is_given_on_reaching_signature_or_later_once():
    assert rules.needs_number(2, None) and rules.needs_number(4, None)
    assert not rules.needs_number(1, None)
    assert not rules.needs_number(5, None)  # cancelling never takes a number
    assert not rules.needs_number(3, "S-41/001/33.17.09.2016/XI/2026")


def test_counter_scope_per_type_or_shared():
    assert rules.counter_scope("S-41", rules.COUNTER_PER_TYPE) == "S-41"
    assert rules.counter_scope("S-41", rules.COUNTER_GLOBAL) == rules.counter_scope("500", rules.COUNTER_GLOBAL)


def test_resident_may_cancel_only_early():
    assert rules.resident_may_cancel(0) and rules.resident_may_cancel(1)
    assert not rules.resident_may_cancel(2)


def test_render_body_fills_fields_and_marks_missing():
    text = rules.render_body("Untuk {keperluan} di {desa}; {keterangan}.", {"keperluan": "melamar kerja",
                                                                         "desa": "Mojowarno"})
    assert text == "Untuk melamar kerja di Mojowarno; -."


def test_clean_fields_reports_every_problem():
    definitions = [{"name": "keperluan", "label": "Keperluan", "required": True},
                   {"name": "keterangan", "label": "Keterangan", "required": False}]
    assert rules.clean_fields(definitions, {"keperluan": "  kerja   di kota "}) == {"keperluan": "kerja di kota",
                                                                                "keterangan": ""}
    with pytest.raises(rules.FieldError) as info:
        rules.clean_fields(definitions, {"keterangan": 5, "asal": "x"})
    problems = {(p.field, p.problem) for p in info.value.problems}
    assert problems == {("asal", "unknown"), ("keterangan", "not_text"), ("keperluan", "required")}
    assert rules.clean_fields(definitions, {}, allow_missing=True)["keperluan"] == ""
    with pytest.raises(rules.FieldError):
        rules.clean_fields(definitions, {"keperluan": "x" * 501})


def test_field_lines_round_trip():
    fields = rules.parse_field_lines("nama_usaha | Nama usaha | wajib\n\nketerangan | Keterangan | opsional")
    assert fields == [{"name": "nama_usaha", "label": "Nama usaha", "required": True},
                      {"name": "keterangan", "label": "Keterangan", "required": False}]
    assert rules.parse_field_lines(rules.field_lines(fields)) == fields
    with pytest.raises(ValueError):
        rules.parse_field_lines("Nama Usaha | x")
    with pytest.raises(ValueError):
        rules.parse_field_lines("a | A\na | B")


def test_validity_is_counted_from_the_letter_date():
    assert rules.valid_until(date(2026, 11, 30), 30) == date(2026, 12, 30)
    assert rules.valid_until(date(2026, 11, 30), 0) is None


def test_catalogue_has_the_twelve_self_service_letters_of_the_domain_and_opensids_other_three():
    codes = {row["code"]: row for row in catalog.seed_rows()}
    assert set(codes) == {"S-41", "500", "S-11", "S-01", "S-02", "S-07", "S-08", "S-10", "S-12", "S-13", "S-16",
                          "S-30", "S-09", "S-03", "S-43"}
    assert all(row["self_service"] and row["validity_days"] == 30 for row in codes.values())
    assert '"nama_usaha"' in codes["500"]["fields"] and codes["S-08"]["fields"] == "[]"
    assert "Fotokopi KK" in codes["S-41"]["requirements"]
