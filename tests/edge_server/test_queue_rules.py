"""The queue's pure rules: numbering, ordering with priority, transitions, estimates (no database)."""
from datetime import datetime, timedelta

import pytest

from anjungan_core import wait_estimate
from edge_server.display.words import call_sentence, number_words
from edge_server.queue import rules
from edge_server.queue.rules import QueueEntry

T0 = datetime(2026, 11, 28, 1, 0, 0)


def entry(id, minutes, priority=False, number=None):
    return QueueEntry(id=id, priority=priority, issued_at=T0 + timedelta(minutes=minutes),
                      number=number if number is not None else minutes + 1)


def test_numbers_are_prefixed_and_zero_padded():
    assert rules.format_number("A", 12) == "A-012"
    assert rules.format_number("C", 1) == "C-001"
    assert rules.format_number("B", 1234) == "B-1234"


def test_pick_next_takes_oldest_priority_before_older_regular():
    waiting = [entry("old", 0), entry("prio-late", 10, priority=True), entry("prio-early", 5, priority=True)]
    assert rules.pick_next(waiting).id == "prio-early"


def test_pick_next_without_priority_is_first_come_first_served():
    assert rules.pick_next([entry("b", 3), entry("a", 1), entry("c", 7)]).id == "a"
    assert rules.pick_next([]) is None


def test_same_issue_time_orders_by_number():
    a = QueueEntry("a", False, T0, 2)
    b = QueueEntry("b", False, T0, 1)
    assert rules.pick_next([a, b]).id == "b"


def test_position_counts_who_is_ahead():
    waiting = [entry("a", 0), entry("b", 1), entry("p", 2, priority=True), entry("c", 3)]
    assert rules.position(waiting[3], waiting) == 3
    assert rules.position(waiting[2], waiting) == 0
    assert rules.position(waiting[0], waiting) == 1


@pytest.mark.parametrize("status,action,target", [
    ("waiting", "call", "called"), ("called", "recall", "called"), ("called", "start", "serving"),
    ("serving", "finish", "done"), ("called", "no-show", "no_show"), ("waiting", "cancel", "cancelled"),
    ("serving", "transfer", "waiting"), ("called", "finish", "done"),
])
def test_allowed_transitions(status, action, target):
    assert rules.next_status(status, action) == target


@pytest.mark.parametrize("status,action", [
    ("waiting", "start"), ("waiting", "finish"), ("done", "recall"), ("no_show", "start"),
    ("serving", "no-show"), ("cancelled", "call"), ("done", "transfer"), ("waiting", "explode"),
])
def test_forbidden_transitions(status, action):
    with pytest.raises(rules.TransitionError):
        rules.next_status(status, action)


def test_wait_estimate_shares_work_across_counters():
    assert wait_estimate.wait_minutes(0, 5.0, 2) == 0
    assert wait_estimate.wait_minutes(4, 5.0, 1) == 20
    assert wait_estimate.wait_minutes(4, 5.0, 2) == 10
    assert wait_estimate.wait_minutes(3, 5.0, 0) == 15  # no counter assigned: still an honest estimate
    assert wait_estimate.wait_minutes(1, 2.2, 1) == 3  # rounds up, never promises too soon


def test_daily_cap():
    assert not rules.cap_reached(10, None)
    assert not rules.cap_reached(9, 10)
    assert rules.cap_reached(10, 10)


@pytest.mark.parametrize("n,words", [
    (0, "nol"), (1, "satu"), (10, "sepuluh"), (11, "sebelas"), (12, "dua belas"), (19, "sembilan belas"),
    (20, "dua puluh"), (21, "dua puluh satu"), (100, "seratus"), (101, "seratus satu"),
    (115, "seratus lima belas"), (250, "dua ratus lima puluh"), (1000, "seribu"),
    (1234, "seribu dua ratus tiga puluh empat"), (2000, "dua ribu"),
])
def test_number_words(n, words):
    assert number_words(n) == words


def test_call_sentence_is_what_the_board_says():
    assert call_sentence("A", 12, 2) == "Nomor antrian A dua belas, silakan menuju loket dua."
