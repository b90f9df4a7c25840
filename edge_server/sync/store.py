"""The edge's side of sync in the database: pending events, acknowledgements, renumbering, pruning, state."""
from __future__ import annotations

import logging
from datetime import datetime, timedelta

from peewee import fn

from ..db import write_transaction
from ..models import OutboxEvent, SyncState
from .batching import event_json
from .outbox import unwritten_issued_events

log = logging.getLogger(__name__)


def sync_state() -> SyncState:
    """The single sync-state row (created on first use)."""
    state = SyncState.select().order_by(SyncState.id).first()
    if state is None:
        with write_transaction():
            state = SyncState.select().order_by(SyncState.id).first() or SyncState.create()
    return state


def _update_state(**changes) -> None:
    state = sync_state()
    SyncState.update(**changes).where(SyncState.id == state.id).execute()


def _unacked():
    """The events not acknowledged yet. They are always the newest: everything up to the state's acked_through
    is acknowledged (mark_acked and renumber move both in one transaction), so the seq index finds them, and the
    index on acked_at holds only acknowledged events (edge migration 35: a new event writes one index fewer)."""
    return (OutboxEvent.seq > sync_state().acked_through) & OutboxEvent.acked_at.is_null()


def pending_count() -> int:
    """Events the district has not acknowledged, counting the ticket.issued events not written yet (outbox.py)."""
    return OutboxEvent.select().where(_unacked()).count() + unwritten_issued_events()


def pending_ids() -> set[str]:
    return {row.id for row in OutboxEvent.select(OutboxEvent.id).where(_unacked())}


def unacked_among(ids: set[str]) -> int:
    """How many of `ids` still wait for the district (ids pruned since are acknowledged by definition)."""
    return len(ids & pending_ids()) if ids else 0


def pending_events(limit: int) -> list[dict]:
    """The oldest unacknowledged events as contract JSON, in seq order (after `outbox.catch_up_issued_events`,
    the ticket.issued events included)."""
    rows = OutboxEvent.select().where(_unacked()).order_by(OutboxEvent.seq).limit(limit)
    return [event_json(r.id, r.seq, r.type, r.occurred_at, r.business_date, r.data) for r in rows]


def mark_acked(acked_through: int, now: datetime) -> int:
    """Record the district's acknowledgement; returns how many events it newly covered.

    A district that reports less than we thought (restored from a backup) gets everything above resent.
    """
    with write_transaction():
        state = sync_state()
        if acked_through < state.acked_through:
            log.warning("district acknowledges only through seq %d (we had %d): resending the rest",
                        acked_through, state.acked_through)
            (OutboxEvent.update(acked_at=None)
             .where(OutboxEvent.seq > acked_through).execute())
        covered = (OutboxEvent.update(acked_at=now)
                   .where((OutboxEvent.seq > state.acked_through) & (OutboxEvent.seq <= acked_through)
                          & OutboxEvent.acked_at.is_null()).execute())
        SyncState.update(acked_through=acked_through, last_success=now, last_error="", failures=0).where(
            SyncState.id == state.id).execute()
    return covered


def renumber(acked_through: int, conflict_seq: int | None, now: datetime) -> int:
    """After a 409 seq_conflict: give what the district has not got the seqs from acked_through+1, in order.

    Events before `conflict_seq` in the refused batch were stored by the district (it keeps the part of a batch
    before a conflict), so they count as acknowledged. One BEGIN IMMEDIATE transaction: a new ticket cannot take
    a seq in between. Returns how many events moved.
    """
    with write_transaction():
        unacked = _unacked()
        if conflict_seq is not None:
            OutboxEvent.update(acked_at=now).where(unacked & (OutboxEvent.seq < conflict_seq)).execute()
        movers = [seq for (seq,) in OutboxEvent.select(OutboxEvent.seq).where(unacked).order_by(OutboxEvent.seq)
                  .tuples()]
        if not movers:
            return 0
        floor = (OutboxEvent.select(fn.MAX(OutboxEvent.seq))
                 .where(OutboxEvent.acked_at.is_null(False) & (OutboxEvent.seq > acked_through)).scalar())
        start = max(acked_through, floor or 0) + 1
        if floor:
            log.warning("renumbering above acknowledged seq %d, not %d", floor, acked_through)
        # Two steps, so no two rows ever hold one seq (it is the table's key).
        for seq in movers:
            OutboxEvent.update(seq=-seq).where(OutboxEvent.seq == seq).execute()
        for offset, seq in enumerate(movers):
            OutboxEvent.update(seq=start + offset).where(OutboxEvent.seq == -seq).execute()
        state = sync_state()
        SyncState.update(acked_through=start - 1).where(SyncState.id == state.id).execute()
    log.warning("seq conflict: renumbered %d events from seq %d", len(movers), start)
    return len(movers)


def record_attempt(now: datetime) -> None:
    _update_state(last_attempt=now)


def record_failure(reason: str, now: datetime) -> int:
    """Count one more failure in a row; returns the count."""
    with write_transaction():
        state = sync_state()
        failures = state.failures + 1
        SyncState.update(failures=failures, last_error=reason[:500], last_attempt=now).where(
            SyncState.id == state.id).execute()
    return failures


def set_clock_offset(offset: float) -> None:
    _update_state(clock_offset=offset)


def set_config_etag(etag: str) -> None:
    _update_state(config_etag=etag[:200])


def prune(now: datetime, retention_days: int) -> int:
    """Delete events acknowledged more than `retention_days` ago, always keeping the newest one.

    The newest row stays so the next seq never restarts below what the district already holds.
    """
    cutoff = now - timedelta(days=retention_days)
    newest = OutboxEvent.select(fn.MAX(OutboxEvent.seq)).scalar()
    if newest is None:
        return 0
    with write_transaction():
        return (OutboxEvent.delete()
                .where(OutboxEvent.acked_at.is_null(False) & (OutboxEvent.acked_at < cutoff)
                       & (OutboxEvent.seq < newest)).execute())
