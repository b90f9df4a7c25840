"""Office-hour rules as pure functions: no database, no app."""
from __future__ import annotations

from datetime import date, datetime, timezone
from zoneinfo import ZoneInfo

import pytest

from edge_server.info import hours
from edge_server.info.hours import Interval, Schedule

WIB = ZoneInfo("Asia/Jakarta")
WITA = ZoneInfo("Asia/Makassar")
OFFICE = {d: (Interval(8 * 60, 12 * 60), Interval(13 * 60, 15 * 60)) for d in range(5)}  # Mon-Fri, lunch break


def wib(*args) -> datetime:
    return datetime(*args, tzinfo=WIB)


def test_no_configured_hours_means_open_every_day_all_day():
    always = Schedule(zone=WIB)
    for at in (wib(2026, 4, 4, 3, 0), wib(2026, 4, 5, 23, 59), wib(2026, 4, 6, 0, 0)):
        assert hours.is_open(always, at)
        assert hours.next_opening(always, at) is None


def test_open_inside_hours_closed_at_lunch_and_at_closing_time():
    office = Schedule(weekly=OFFICE, zone=WIB)
    friday = (2026, 4, 3)
    assert not hours.is_open(office, wib(*friday, 7, 59))
    assert hours.is_open(office, wib(*friday, 8, 0))
    assert not hours.is_open(office, wib(*friday, 12, 30))
    assert hours.next_opening(office, wib(*friday, 12, 30)) == wib(*friday, 13, 0)
    assert hours.is_open(office, wib(*friday, 14, 59))
    assert not hours.is_open(office, wib(*friday, 15, 0))  # closing time is already closed


def test_next_opening_across_a_weekend():
    office = Schedule(weekly=OFFICE, zone=WIB)
    assert hours.next_opening(office, wib(2026, 4, 3, 15, 30)) == wib(2026, 4, 6, 8, 0)  # Friday -> Monday
    assert hours.next_opening(office, wib(2026, 4, 4, 10, 0)) == wib(2026, 4, 6, 8, 0)  # Saturday -> Monday


def test_next_opening_skips_a_holiday_and_a_holiday_closes_an_always_open_service():
    office = Schedule(weekly=OFFICE, holidays={date(2026, 4, 6): "Cuti bersama"}, zone=WIB)
    assert hours.next_opening(office, wib(2026, 4, 3, 16, 0)) == wib(2026, 4, 7, 8, 0)
    assert not hours.is_open(office, wib(2026, 4, 6, 9, 0))
    assert hours.holiday_name(office, wib(2026, 4, 6, 9, 0)) == "Cuti bersama"
    always = Schedule(holidays={date(2026, 4, 6): "Cuti bersama"}, zone=WIB)
    assert not hours.is_open(always, wib(2026, 4, 6, 12, 0))
    assert hours.next_opening(always, wib(2026, 4, 6, 12, 0)) == wib(2026, 4, 7, 0, 0)


def test_rules_follow_the_village_zone_not_utc():
    """GIVEN 08:00-15:00 hours WHEN it is 00:30 UTC THEN Java (07:30) is closed and Bali/Sulawesi (08:30) is open."""
    at = datetime(2026, 4, 6, 0, 30, tzinfo=timezone.utc)
    assert not hours.is_open(Schedule(weekly=OFFICE, zone=WIB), at)
    assert hours.is_open(Schedule(weekly=OFFICE, zone=WITA), at)
    naive_utc = datetime(2026, 4, 6, 1, 0)  # as the database stores it: 08:00 WIB
    assert hours.is_open(Schedule(weekly=OFFICE, zone=WIB), naive_utc)


def test_next_closing_follows_back_to_back_intervals_over_midnight():
    night = {4: (Interval(20 * 60, hours.DAY_MINUTES),), 5: (Interval(0, 2 * 60),)}
    schedule = Schedule(weekly=night, zone=WIB)
    assert hours.is_open(schedule, wib(2026, 4, 3, 23, 0))
    assert hours.next_closing(schedule, wib(2026, 4, 3, 23, 0)) == wib(2026, 4, 4, 2, 0)
    assert hours.next_closing(Schedule(weekly=OFFICE, zone=WIB), wib(2026, 4, 3, 9, 0)) == wib(2026, 4, 3, 12, 0)


def test_a_service_that_never_opens_has_no_next_opening():
    assert hours.next_opening(Schedule(weekly={}, zone=WIB), wib(2026, 4, 3, 9, 0)) is None


@pytest.mark.parametrize("text, expected", [
    ("08:00-15:00", ((480, 900),)),
    ("13.00-15.00, 8:00-12:00", ((480, 720), (780, 900))),
    ("00:00-24:00", ((0, 1440),)),
    ("", ()),
])
def test_parse_intervals(text, expected):
    assert tuple((i.start, i.end) for i in hours.parse_intervals(text)) == expected


@pytest.mark.parametrize("text", ["8-15", "15:00-08:00", "08:00-12:00, 11:00-13:00", "25:00-26:00", "08:60-09:00",
                                  "buka"])
def test_parse_intervals_refuses_nonsense(text):
    with pytest.raises(hours.HoursError):
        hours.parse_intervals(text)


def test_weekly_json_round_trip():
    stored = hours.weekly_to_json(OFFICE)
    assert stored["0"] == [["08:00", "12:00"], ["13:00", "15:00"]] and "5" not in stored
    assert hours.weekly_from_json(stored) == OFFICE
